"""Which format a report is in: the most specific recognisable structure wins.

Order: X-ARF (declares its own structure) → ARF (``message/feedback-report`` part, or
Microsoft JMRP) → ACNS copyright notice (``<Infringement>`` XML) → Google Safe Browsing
alert (``<notification_message>`` XML) → Project Honey Pot monitor report → SpamCop → tabular
notices → forwarded originals → free text. Tables come before forwards because table notices
sometimes attach a sample message; an ARF or X-ARF report wrapped in a forward is still
recognised, since the walk sees nested parts.
"""

from __future__ import annotations

from pipeline.parsing import (
    acns,
    arf,
    forwarded,
    freetext,
    honeypot,
    safebrowsing,
    spamcop,
    tabular,
    xarf,
)
from pipeline.parsing.context import Context
from pipeline.parsing.mime import header_text

#: Formats in detection order; ``freetext`` always matches.
FORMATS = (
    xarf.FORMAT,
    arf.FORMAT,
    acns.FORMAT,
    safebrowsing.FORMAT,
    honeypot.FORMAT,
    spamcop.FORMAT,
    tabular.FORMAT,
    forwarded.FORMAT,
    freetext.FORMAT,
)


def detect(ctx: Context) -> str:
    """The format name of the walked message."""
    if header_text(ctx.headers, "X-XARF") or xarf.find_report_part(ctx) is not None:
        return xarf.FORMAT
    if any(p.content_type == "message/feedback-report" for p in ctx.tree.parts) or arf.is_jmrp(ctx):
        return arf.FORMAT
    if acns.notice_text(ctx) is not None:
        return acns.FORMAT
    if safebrowsing.looks_like(ctx):
        return safebrowsing.FORMAT
    if honeypot.looks_like(ctx):
        return honeypot.FORMAT
    if spamcop.looks_like(ctx):
        return spamcop.FORMAT
    if tabular.looks_like(ctx):
        return tabular.FORMAT
    if forwarded.looks_like(ctx):
        return forwarded.FORMAT
    return freetext.FORMAT
