"""Message → ``Report`` for the training data, through the project's parser when it exists.

Training text must come from the same path as inference text, so ``report_from_message``
uses ``pipeline.parsing.parse_message``. While that parser is being built, or when it
returns a failure for a message, a minimal stdlib reading (subject, first text part,
Feedback-Type, X-ARF JSON fields, attached evidence) stands in, and the fallback is logged.
"""

from __future__ import annotations

import email
import email.policy
import json
import logging
from email.message import EmailMessage, Message
from email.utils import parseaddr
from typing import Any

from pipeline.models import Report

log = logging.getLogger(__name__)

MAX_EVIDENCE_CHARS = 4000


def _text_of(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:
        return payload.decode("utf-8", errors="replace")


def _xarf_fields(text: str) -> dict[str, str]:
    try:
        data: Any = json.loads(text)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    fields: dict[str, str] = {}
    if isinstance(data.get("category"), str):
        fields["xarf_category"] = data["category"]
    report: dict[str, Any] = data["Report"] if isinstance(data.get("Report"), dict) else data
    for key in ("type", "ReportType", "Report-Type"):
        if isinstance(report.get(key), str):
            fields["xarf_type"] = report[key]
            break
    return fields


def stdlib_report(raw: bytes) -> Report:
    """A minimal ``Report`` read with the stdlib alone: the stand-in for the real parser."""
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    body, evidence, fields = "", [], {}
    for part in msg.walk():
        ctype = part.get_content_type()
        if part.is_multipart() and ctype != "message/rfc822":
            continue
        if ctype == "message/feedback-report":
            text = _text_of(part) or str(part.get_payload())
            for line in text.splitlines():
                if line.lower().startswith("feedback-type:"):
                    fields["feedback_type"] = line.split(":", 1)[1].strip().lower()
            evidence.append(text)
        elif ctype == "message/rfc822":
            evidence.append(str(part.get_payload(0)) if part.get_payload() else "")
        elif ctype in ("application/json", "text/json") or "json" in ctype:
            text = _text_of(part)
            fields.update(_xarf_fields(text))
            evidence.append(text)
        elif ctype.startswith("text/"):
            text = _text_of(part)
            if not body and part.get_filename() is None:
                body = text
            else:
                evidence.append(text)
    reporter = parseaddr(str(msg.get("From", "")))[1] or None
    if reporter and "@" in reporter:
        fields["reporter_domain"] = reporter.rsplit("@", 1)[1].lower()
    return Report(
        format="stdlib",
        subject=str(msg.get("Subject", "")),
        reporter=reporter,
        body=body,
        evidence="\n".join(evidence)[:MAX_EVIDENCE_CHARS],
        fields=fields,
    )


def report_from_message(raw: bytes) -> Report:
    """The project's ``Report`` for a raw message, falling back to the stdlib reading."""
    try:
        from pipeline.parsing import parse_message  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return stdlib_report(raw)
    result = parse_message(raw)
    if isinstance(result, Report):
        return result
    log.warning("parser failed on a training message, stdlib reading used: %s", result)
    return stdlib_report(raw)


def build_message(record: dict[str, Any]) -> EmailMessage:
    """An RFC 5322 message from a written example: headers, body, attachments as MIME parts."""
    msg = EmailMessage()
    msg["From"] = record.get("from") or "reporter@example.org"
    msg["To"] = "abuse@example.net"
    msg["Subject"] = str(record.get("subject", "")).replace("\n", " ").replace("\r", " ")
    msg["Message-ID"] = f"<{record.get('id', 'example')}@written.invalid>"
    msg.set_content(str(record.get("body", "")))
    for att in record.get("attachments") or []:
        if not isinstance(att, dict):
            continue
        content = str(att.get("content", ""))
        filename = str(att.get("filename") or "attachment.txt")
        maintype, _, subtype = str(att.get("content_type") or "text/plain").partition("/")
        if (maintype, subtype) == ("message", "rfc822"):
            # From bytes, not str: a str-parsed message with an 8-bit body cannot be written
            # back out as bytes, a bytes-parsed one keeps its octets as they were.
            msg.add_attachment(email.message_from_bytes(content.encode("utf-8"),
                                                        policy=email.policy.default))
        elif (maintype, subtype) == ("message", "delivery-status"):
            # Parsed, not set: the generator writes this type from per-recipient header blocks.
            status = email.message_from_string(
                f"Content-Type: message/delivery-status\n\n{content}", policy=email.policy.default
            )
            msg.make_mixed()
            msg.attach(status)
        elif maintype == "text":
            msg.add_attachment(content, subtype=subtype or "plain", filename=filename)
        else:
            msg.add_attachment(
                content.encode("utf-8"), maintype=maintype, subtype=subtype or "octet-stream",
                filename=filename,
            )
    return msg
