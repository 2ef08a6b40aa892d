"""Complaints written by people: whatever IPs, URLs, hosts and mailboxes the text names.

Everything here is heuristic: reserved addresses, example domains, the reporter's own domain
and standards sites are never offenders. Attachments in text form are read too.
"""

from __future__ import annotations

from pipeline.models import Report
from pipeline.parsing.context import Context, bounded
from pipeline.parsing.dates import to_utc
from pipeline.parsing.limits import MAX_EVIDENCE_CHARS

FORMAT = "freetext"


def parse(ctx: Context) -> Report:
    offenders = ctx.offender_set()
    text = ctx.raw_texts(0)
    offenders.scan_text(
        ctx.subject() + "\n" + text,
        ip_role="source",
        url_role="reported",
        email_role="sender",
        hosts=True,
    )
    attachments = "\n".join(p.text for p in ctx.parts_of(0) if p.text is not None and p.filename)
    warnings = list(ctx.tree.warnings)
    if not text.strip():
        warnings.append("report has no readable text")
    fields = {"reporter_domain": ctx.reporter_domain} if ctx.reporter_domain else {}
    return Report(
        format=FORMAT,
        subject=ctx.subject(),
        reporter=ctx.reporter,
        offenders=offenders.result(),
        body=ctx.report_text(),
        evidence=bounded(attachments, MAX_EVIDENCE_CHARS),
        fields=fields,
        date=to_utc(ctx.date()),
        warnings=tuple(warnings),
    )
