"""ARF feedback reports (RFC 5965, RFC 6591 auth-failure, RFC 6650) and Microsoft JMRP.

The ``message/feedback-report`` part declares the source (``Source-IP``), the reported domain
and URIs and the envelope sender; the attached original is evidence. Microsoft's JMRP sends no
feedback part and no Source-IP: the source is recovered from the original's Received chain.
"""

from __future__ import annotations

from email.message import Message

from pipeline.models import Report
from pipeline.parsing.addresses import addresses
from pipeline.parsing.context import Context, add_origin, evidence_of, field_lines
from pipeline.parsing.dates import to_utc
from pipeline.parsing.mime import header_text, header_values
from pipeline.parsing.offenders import OffenderSet
from pipeline.parsing.psl import registrable_domain

FORMAT = "arf"
#: RFC 6591 §3.1 Feedback-Type of an authentication failure report.
AUTH_FAILURE = "auth-failure"

#: RFC 5965 §7.3 Feedback-Type → taxonomy, only where the meaning is unambiguous.
#: ``fraud`` ("fraud or phishing", RFC 5965) could route either way, ``auth-failure`` (RFC
#: 6591) reports spoofing, which may be innocent forwarding, and ``other`` says nothing: all
#: three are left to the classifier. ``opt-out`` is RFC 5965's legacy "unsubscribe me" (spam).
FEEDBACK_TYPES = {
    "abuse": "spam",
    "opt-out": "spam",
    "optout": "spam",
    "virus": "malware",
    "not-spam": "not_abuse",
}

#: Feedback-report fields copied to ``Report.fields`` (RFC 5965 §3.5, RFC 6591 §3.1).
COPIED_FIELDS = (
    "feedback-type",
    "user-agent",
    "version",
    "source-ip",
    "reported-domain",
    "reported-uri",
    "original-mail-from",
    "original-rcpt-to",
    "arrival-date",
    "received-date",
    "auth-failure",
    "delivery-result",
    "reporting-mta",
    "incidents",
    "source-port",
)


def is_jmrp(ctx: Context) -> bool:
    """Microsoft's JMRP: an attached original carrying ``X-HmXmrOriginalRecipient``."""
    return any(m.get("X-HmXmrOriginalRecipient") is not None for m in ctx.tree.embedded)


def parse(ctx: Context) -> Report:
    block = next(
        (p.text for p in ctx.tree.parts if p.content_type == "message/feedback-report"), None
    )
    values = field_lines(block or "")
    fields = {k.replace("-", "_"): v[0] for k, v in values.items() if k in COPIED_FIELDS and v}
    warnings: list[str] = []
    if block is None:
        fields["feedback_type"] = "abuse" if is_jmrp(ctx) else ""
        fields["variant"] = "jmrp" if is_jmrp(ctx) else "no-feedback-part"
    offenders = ctx.offender_set()
    original: Message | None = ctx.tree.embedded[-1] if ctx.tree.embedded else None

    declared = [v for v in values.get("source-ip", []) if v]
    for value in declared:
        if not offenders.declared_ip(value):
            warnings.append(f"Source-IP {value[:60]!r} is not an IP address")
    if not declared and original is not None:
        add_origin(ctx, offenders, original)
    feedback_type = fields.get("feedback_type", "").strip().lower()
    auth_failure = feedback_type == AUTH_FAILURE
    for value in values.get("reported-uri", []):
        offenders.declared_url(value, "reported" if auth_failure else "spamvertised")
    # RFC 6591: in an auth-failure report the reported domain and envelope sender are the
    # identity that failed authentication, i.e. the one (maybe) spoofed: the victim, not the
    # abuser, and the original's content is not what is reported. They stay in ``fields``.
    if not auth_failure:
        warnings.extend(_declared_senders(values, offenders, original))
    if original is not None and not auth_failure:
        index = ctx.tree.embedded.index(original) + 1
        offenders.scan_text(
            ctx.raw_texts(index), ip_role=None, url_role="spamvertised", email_role=None
        )
    if offenders.truncated:
        warnings.append("offender list truncated")

    fields["feedback_type"] = feedback_type
    return ctx.report(
        FORMAT,
        offenders,
        evidence=evidence_of(original, ctx.tree.decoded) if original is not None else "",
        fields=fields,
        declared_category=FEEDBACK_TYPES.get(feedback_type),
        date=to_utc(fields.get("arrival_date") or fields.get("received_date")),
        warnings=warnings,
    )


def _declared_senders(
    values: dict[str, list[str]], offenders: OffenderSet, original: Message | None
) -> list[str]:
    """Reported-Domain and Original-Mail-From as ``sender`` offenders; warnings for the rest.

    Neither the complaining recipient's domain (some feedback loops put it in
    Reported-Domain) nor the feedback loop operator's own domain (a sending service reporting
    complaints about its own bounce addresses) is ever the abuser.
    """
    warnings = []
    victims = _recipient_domains(values.get("original-rcpt-to", []), original)
    for value in values.get("reported-domain", []):
        if registrable_domain(value.strip().lower()) in victims:
            continue
        if offenders.own_domain(value.strip().lower()):
            warnings.append(f"Reported-Domain {value[:60]!r} is the reporter's own: ignored")
        else:
            offenders.declared_domain(value, "sender")
    senders = values.get("original-mail-from", [])
    label = "Original-Mail-From"
    if not senders and original is not None:
        label = "Return-Path"
        # RFC 5965 §3.2: Original-Mail-From is optional; the envelope sender is then the
        # Return-Path the reporter's receiving MTA recorded on the attached original.
        # A relay of the reporter's may have added its own (bounce) Return-Path above it.
        senders = header_values(original, "Return-Path")
    for value in senders:
        if offenders.own_domain(value.rsplit("@", 1)[-1].strip(" <>").lower()):
            warnings.append(f"{label} {value[:60]!r} is the reporter's own: ignored")
        else:
            offenders.declared_email(value, "sender")
    return warnings


def _recipient_domains(rcpt_to: list[str], original: Message | None) -> set[str | None]:
    """Registrable domains of the complaining recipients (the victims, never offenders)."""
    values = list(rcpt_to)
    if original is not None:
        values.append(header_text(original, "To"))
    return {
        registrable_domain(address.rsplit("@", 1)[1].strip(" >"))
        for address in addresses(values)
        if "@" in address
    }
