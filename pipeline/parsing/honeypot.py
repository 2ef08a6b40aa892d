"""Project Honey Pot monitor reports: IP lists per activity, under fixed section headings.

The report lists, per activity ("Harvesting", "Email Spamming", "Dictionary Attacks",
"Comment Spamming", "Other Potentially Suspicious"), the IPs on the recipient's network seen
doing it; paid reports add the spam's ``From:`` per event. Those are declared offenders; the
rest (links to projecthoneypot.org, the account holder's address, the Unspam footer) is the
reporter's boilerplate.
"""

from __future__ import annotations

import re

from pipeline.models import Report
from pipeline.parsing.context import Context
from pipeline.parsing.offenders import OffenderSet

FORMAT = "honeypot"
_SECTION = re.compile(
    r"^(?:IPs Engaged In|Other) (?P<activity>.{1,60}?) On Your Network:[ \t]*$", re.MULTILINE
)
#: A listed IP: the line starts with the address, optionally followed by ``(H)``-style codes.
_LISTED = re.compile(r"^[ \t]*([0-9A-Fa-f:.]{3,45})(?:[ \t]+\([A-Z]\))?[ \t]*$", re.MULTILINE)
_EVENT_FROM = re.compile(r"^[ \t]*-[ \t]+From:[ \t]*(.+)$", re.MULTILINE)
#: Where the listing ends: the rule of dashes the template closes it with.
_END = re.compile(r"^-{10,}[ \t]*$", re.MULTILINE)


def looks_like(ctx: Context) -> bool:
    return _SECTION.search(ctx.texts(0, limit=2)[:65536]) is not None


def read_sections(text: str, offenders: OffenderSet) -> list[str]:
    """Add the listed IPs (role ``source``) and spam senders; returns the activities seen."""
    activities = []
    headings = list(_SECTION.finditer(text))
    for i, heading in enumerate(headings):
        stop = headings[i + 1].start() if i + 1 < len(headings) else len(text)
        block = text[heading.end() : stop]
        end = _END.search(block)
        block = block[: end.start()] if end else block
        activities.append(heading.group("activity"))
        for listed in _LISTED.finditer(block):
            offenders.declared_ip(listed.group(1), "source")
        for sender in _EVENT_FROM.finditer(block):
            address = sender.group(1).rsplit("<", 1)[-1].rstrip(">").strip()
            offenders.declared_email(address, "sender")
    return activities


def parse(ctx: Context) -> Report:
    offenders = ctx.offender_set()
    text = ctx.texts(0, limit=3)
    activities = read_sections(text, offenders)
    warnings: list[str] = []
    if not offenders.result():
        warnings.append("Project Honey Pot report lists no IPs")
    return ctx.report(
        FORMAT, offenders, fields={"activities": ", ".join(activities)}, warnings=warnings
    )
