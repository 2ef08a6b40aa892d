"""Forwarded spam: an original attached as ``message/rfc822`` or pasted inline below a marker.

The offenders are the original's Received-chain origin, the URLs in its body (spamvertised)
and its envelope sender; the forwarder is the reporter and its own relays are never offenders.
"""

from __future__ import annotations

import re
from email.message import Message

from pipeline.models import Report
from pipeline.parsing.context import Context, FormatError, add_origin, bounded, evidence_of
from pipeline.parsing.limits import MAX_BODY_CHARS
from pipeline.parsing.mime import header_text
from pipeline.parsing.splitter import parse_text

FORMAT = "forwarded"

#: Lines mail clients put above an inline-forwarded message.
_MARKER = re.compile(
    r"^[ >]*(?:-{2,}\s*(?:Forwarded message|Original Message|Forwarded Message|"
    r"Weitergeleitete Nachricht|Message transféré)\s*-{2,}|Begin forwarded message:)\s*$",
    re.MULTILINE | re.IGNORECASE,
)
#: Pasted full headers: a block starting with a Received or Return-Path line.
_PASTED = re.compile(r"^(?:Received|Return-Path): ", re.MULTILINE)


def inline_original(text: str) -> tuple[str, Message] | None:
    """The forwarder's own text and the inline-forwarded original, if the text has one."""
    match = _MARKER.search(text) or _PASTED.search(text)
    if match is None:
        return None
    start = match.end() if _MARKER.match(match.group(0)) else match.start()
    quoted = "\n".join(
        line.removeprefix("> ").removeprefix(">")
        for line in text[start:].lstrip("\r\n").splitlines()
    )
    original = parse_text(quoted)
    if not original.keys():
        return None
    return text[: match.start()], original


def looks_like(ctx: Context) -> bool:
    return bool(ctx.tree.embedded) or inline_original(ctx.texts(0, limit=2)) is not None


def parse(ctx: Context) -> Report:
    offenders = ctx.offender_set()
    text = ctx.texts(0, limit=3)
    body = text
    if ctx.tree.embedded:
        original = ctx.tree.embedded[0]
        original_text = ctx.raw_texts(1)
    else:
        found = inline_original(text)
        if found is None:
            raise FormatError("forwarded report without an original message")
        body, original = found
        payload = original.get_payload()
        original_text = payload if isinstance(payload, str) else ""
    add_origin(ctx, offenders, original)
    offenders.scan_text(original_text, ip_role=None, url_role="spamvertised", email_role=None)
    sender = header_text(original, "Return-Path") or header_text(original, "From")
    if sender:
        offenders.declared_email(sender.split()[-1] if " " in sender else sender, "sender")
    return ctx.report(
        FORMAT,
        offenders,
        body=bounded(body, MAX_BODY_CHARS),
        evidence=evidence_of(original, ctx.tree.decoded),
    )
