"""Field lines by which notices written for people still declare their offenders.

Many automated notices are prose around a few ``Name: value`` lines: Cyscon's log block
(``IP:``, ``URL:``) and its YAML attachment (``ip:``, ``uri:``), WebIron's ``Offending/Source
IP:``, generic ``Source IP:`` lines. A value in such a line is *declared* (kept, flagged
``reserved`` when in a reserved range), and the prose around it is the reporter's boilerplate.
"""

from __future__ import annotations

import re

from pipeline.parsing.offenders import OffenderSet

#: Field names (lower case, ``-``/``_`` as space) that declare the offending IP address.
IP_FIELDS = frozenset(
    {"ip", "source ip", "offending ip", "offending/source ip", "attacker ip", "src ip"}
)
#: Field names that declare the offending URL.
URL_FIELDS = frozenset({"url", "uri", "offending url", "malicious url", "infected url"})
#: A field line: optional list bullet, a short name, a colon, the value (whole line).
_LINE = re.compile(r"^[ \t]*(?:[-*][ \t]+)?([A-Za-z][A-Za-z /_-]{0,30}?)[ \t]*:[ \t]*(\S.*)$")
#: Lines scanned: declared fields sit near the top of a notice or in a small attachment.
MAX_FIELD_LINES = 2000


def read_declared(text: str, offenders: OffenderSet) -> int:
    """Add every offender that a field line of ``text`` declares; returns how many lines did."""
    found = 0
    for line in text.splitlines()[:MAX_FIELD_LINES]:
        match = _LINE.match(line)
        if match is None:
            continue
        name = " ".join(match.group(1).lower().replace("-", " ").replace("_", " ").split())
        value = match.group(2).strip()
        if name in IP_FIELDS and offenders.declared_ip(value):
            found += 1
        elif name in URL_FIELDS and "://" in value:
            offenders.declared_url(value.split()[0], "reported")
            found += 1
    return found
