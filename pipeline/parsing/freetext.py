"""Complaints written by people: whatever IPs, URLs, hosts and mailboxes the text names.

Field lines that declare offenders (``IP:``, ``Offending/Source IP:``, ``URL:``; see
``notice_fields``) are read as declared. An automated notice (RFC 3834 ``Auto-Submitted``)
that declares its offenders so is read for those only: its prose is the reporter's own
boilerplate. A person's complaint is scanned besides, and everything found there is
heuristic: reserved addresses, example domains, the reporter's own domains, reference sites
and whatever follows a signature or footer separator are never offenders. Attachments in text
form are read too.
"""

from __future__ import annotations

import re

from pipeline.models import Report
from pipeline.parsing.context import Context, bounded
from pipeline.parsing.limits import MAX_EVIDENCE_CHARS
from pipeline.parsing.mime import header_text
from pipeline.parsing.notice_fields import read_declared

FORMAT = "freetext"
#: Where a signature or footer starts: the RFC 3676 §4.3 signature separator ``-- `` (also
#: without its trailing space, as clients strip it) or a rule of underscores, which mailing
#: lists and notice templates put above their footer. Links below it are the sender's own.
FOOTER = re.compile(r"^(?:-- ?|_{10,})$", re.MULTILINE)


#: RFC 3464 §2.3: a delivery-status block names the recipient a message could not reach and
#: the MTAs that tried; none of them is an offender, whoever the bounce went to.
STATUS_BLOCK = "message/delivery-status"


def without_footer(text: str) -> str:
    """``text`` up to its signature or footer separator (all of it when there is none)."""
    match = FOOTER.search(text)
    return text if match is None else text[: match.start()]


def is_automated(ctx: Context) -> bool:
    """RFC 3834 §5: ``Auto-Submitted`` with any value but ``no`` marks a machine's message."""
    value = header_text(ctx.headers, "Auto-Submitted").strip().lower()
    return bool(value) and not value.startswith("no")


def parse(ctx: Context) -> Report:
    offenders = ctx.offender_set()
    parts = [p for p in ctx.parts_of(0) if p.text is not None]
    text = "\n".join(p.text for p in parts if p.text is not None)
    attachments = "\n".join(p.text for p in parts if p.text is not None and p.filename)
    warnings: list[str] = []
    declared = read_declared(ctx.texts(0) + "\n" + attachments, offenders)
    if not (declared and is_automated(ctx)):
        offenders.scan_text(
            ctx.subject() + "\n" + "\n".join(
                without_footer(p.text or "") for p in parts if p.content_type != STATUS_BLOCK
            ),
            ip_role="source",
            url_role="reported",
            email_role="sender",
            hosts=True,
        )
    if not text.strip():
        warnings.append("report has no readable text")
    fields = {"declared_fields": str(declared)} if declared else {}
    return ctx.report(
        FORMAT,
        offenders,
        evidence=bounded(attachments, MAX_EVIDENCE_CHARS),
        fields=fields,
        warnings=warnings,
    )
