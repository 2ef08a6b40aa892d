"""A keyword-rule baseline: the anchor the model must beat, in accuracy as well as speed.

An abuse desk's first triage rule is usually a handful of keywords on subject and body; this
is that rule, kept deliberately plain. Rules are tried in order (most specific label first),
the first hit decides, and a report that hits nothing is ``not_abuse``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.models import Report

RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (label, re.compile(pattern, re.IGNORECASE))
    for label, pattern in (
        ("child_abuse", r"child (sexual )?abuse|csam|ncmec|kinderporn|pedopornogra"),
        ("copyright", r"copyright|dmca|infring|urheberrecht|droit d.auteur"),
        ("phishing", r"phish|credential|hameçonnage|fraudulent login"),
        ("malware", r"malware|botnet|trojan|infected|c&c|sinkhole|ransomware"),
        ("blocklisting", r"blocklist|blacklist|listed on|spamhaus|delist"),
        ("vulnerable_service", r"open resolver|vulnerab|exposed|unpatched|accessible .* service"),
        ("network_attack", r"ddos|brute.?force|port ?scan|attack|intrusion|login attempts"),
        ("fraud", r"fraud|scam|fake shop|ponzi|advance fee|betrug|oplichting"),
        ("harassment", r"harass|threat|stalk|doxx?ing|hate speech|bedrohung"),
        ("spam", r"spam|unsolicited|feedback report|unsubscribe|bulk mail"),
    )
)


def keyword_label(report: Report) -> str:
    """The baseline's label for one report: the first rule whose keywords appear."""
    text = f"{report.subject}\n{report.body[:3000]}"
    for label, pattern in RULES:
        if pattern.search(text):
            return label
    return "not_abuse"


def keyword_labels(reports: Sequence[Report]) -> list[str]:
    return [keyword_label(r) for r in reports]
