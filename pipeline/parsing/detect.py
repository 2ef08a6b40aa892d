"""Which format a report is in: the most specific recognisable structure wins.

Order: X-ARF (declares its own structure) → ARF (``message/feedback-report`` part, or
Microsoft JMRP) → ACNS copyright notice (``<Infringement>`` XML) → Google Safe Browsing
alert (``<notification_message>`` XML) → Project Honey Pot monitor report → SpamCop → tabular
notices → forwarded originals → free text. Tables come before forwards because table notices
sometimes attach a sample message; an ARF or X-ARF report wrapped in a forward is still
recognised, since the walk sees nested parts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pipeline.models import Report
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


@dataclass(frozen=True, slots=True)
class Format:
    """A report format: its name, how to recognise it, and the parser that reads it."""

    name: str
    matches: Callable[[Context], bool]
    parse: Callable[[Context], Report]


def _is_xarf(ctx: Context) -> bool:
    return bool(header_text(ctx.headers, "X-XARF")) or xarf.find_report_part(ctx) is not None


def _is_arf(ctx: Context) -> bool:
    return any(p.content_type == "message/feedback-report" for p in ctx.tree.parts) or (
        arf.is_jmrp(ctx)
    )


#: Formats in detection order, most specific first; ``freetext`` always matches.
FORMATS: tuple[Format, ...] = (
    Format(xarf.FORMAT, _is_xarf, xarf.parse_mail),
    Format(arf.FORMAT, _is_arf, arf.parse),
    Format(acns.FORMAT, lambda ctx: acns.notice_text(ctx) is not None, acns.parse),
    Format(safebrowsing.FORMAT, safebrowsing.looks_like, safebrowsing.parse),
    Format(honeypot.FORMAT, honeypot.looks_like, honeypot.parse),
    Format(spamcop.FORMAT, spamcop.looks_like, spamcop.parse),
    Format(tabular.FORMAT, tabular.looks_like, tabular.parse),
    Format(forwarded.FORMAT, forwarded.looks_like, forwarded.parse),
    Format(freetext.FORMAT, lambda ctx: True, freetext.parse),
)


def detect(ctx: Context) -> Format:
    """The format of the walked message: the first in ``FORMATS`` that recognises it."""
    return next(f for f in FORMATS if f.matches(ctx))
