"""SpamCop reports: the source line, spamvertised sites and the attached or quoted spam.

SpamCop states the source it resolved (``Email from 192.0.2.1 / <date>``) and every
spamvertised site (``Spamvertised web site: http://…``); both are declared offenders. The
spam follows an ``[ Offending message ]`` marker or comes as a ``message/rfc822`` part.
"""

from __future__ import annotations

import re

from pipeline.models import Report
from pipeline.parsing.context import Context, add_origin, bounded, evidence_of
from pipeline.parsing.dates import to_utc
from pipeline.parsing.limits import MAX_BODY_CHARS, MAX_EVIDENCE_CHARS

FORMAT = "spamcop"
SPAMCOP_DOMAIN = "spamcop.net"
MARKER = re.compile(r"\[\s*SpamCop V[\d.]+\s*\]")
_SOURCE = re.compile(r"^\s*Email from\s+(\S+)\s*/\s*(.*)$", re.MULTILINE | re.IGNORECASE)
_SITE = re.compile(r"^\s*Spamvertised web site:\s*(\S+)", re.MULTILINE | re.IGNORECASE)
_OFFENDING = re.compile(r"^\[\s*Offending message\s*\]\s*$", re.MULTILINE | re.IGNORECASE)


def looks_like(ctx: Context) -> bool:
    reporter = ctx.reporter or ""
    return (
        reporter.endswith("." + SPAMCOP_DOMAIN)
        or reporter.endswith("@" + SPAMCOP_DOMAIN)
        or (MARKER.search(ctx.texts(0, limit=2)[:8192]) is not None)
    )


def parse(ctx: Context) -> Report:
    text = ctx.texts(0, limit=3)
    offenders = ctx.offender_set(SPAMCOP_DOMAIN)
    warnings: list[str] = []
    parts = _OFFENDING.split(text, maxsplit=1)
    head, quoted = parts[0], parts[1] if len(parts) == 2 else ""
    source = _SOURCE.search(head)
    date = None
    if source:
        if not offenders.declared_ip(source.group(1)):
            warnings.append(f"SpamCop source {source.group(1)[:60]!r} is not an IP address")
        date = to_utc(source.group(2))
    else:
        warnings.append("SpamCop report without an 'Email from' source line")
    for site in _SITE.finditer(head):
        offenders.declared_url(site.group(1), "spamvertised")
    evidence = bounded(quoted, MAX_EVIDENCE_CHARS)
    if ctx.tree.embedded:
        original = ctx.tree.embedded[0]
        if not source:
            add_origin(ctx, offenders, original)
        evidence = evidence or evidence_of(original, ctx.tree.decoded)
        offenders.scan_text(
            ctx.raw_texts(1), ip_role=None, url_role="spamvertised", email_role=None
        )
    elif quoted:
        body = quoted.split("\n\n", 1)[1] if "\n\n" in quoted else ""
        offenders.scan_text(body, ip_role=None, url_role="spamvertised", email_role=None)
    return Report(
        format=FORMAT,
        subject=ctx.subject(),
        reporter=ctx.reporter,
        offenders=offenders.result(),
        body=bounded(head, MAX_BODY_CHARS),
        evidence=evidence,
        fields={"reporter_domain": SPAMCOP_DOMAIN},
        declared_category="spam",
        date=date or to_utc(ctx.date()),
        warnings=(*ctx.tree.warnings, *warnings),
    )
