"""The AUP violation taxonomy: every label, what it covers, and the AUP clause it enforces.

Docs, the HTTP API and the routing policy read this one table, so a label's meaning is defined
in exactly one place. Clauses cite the seed policies in ``shared/policies`` (Lumen AUP, 11:11
Systems AUP v2.1).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Label(StrEnum):
    """One AUP violation category (or ``not_abuse``); the classifier's output space."""

    SPAM = "spam"
    PHISHING = "phishing"
    MALWARE = "malware"
    NETWORK_ATTACK = "network_attack"
    COPYRIGHT = "copyright"
    FRAUD = "fraud"
    HARASSMENT = "harassment"
    CHILD_ABUSE = "child_abuse"
    BLOCKLISTING = "blocklisting"
    VULNERABLE_SERVICE = "vulnerable_service"
    NOT_ABUSE = "not_abuse"


@dataclass(frozen=True, slots=True)
class Category:
    """A label with its one-line definition and the AUP clauses it enforces."""

    label: Label
    definition: str
    aup_clauses: tuple[str, ...]


CATEGORIES: tuple[Category, ...] = (
    Category(
        Label.SPAM,
        "Unsolicited bulk mail, spamvertised sites, feedback-loop complaints, spamtrap hits.",
        ("Lumen: Email and Unsolicited Messages", "11:11: 5a Email Spamming"),
    ),
    Category(
        Label.PHISHING,
        "Phishing mail or sites impersonating a brand to steal credentials or card data.",
        ("Lumen: Illegal Use (credit card fraud)", "11:11: 2c Fraudulent Activities", "11:11: 4"),
    ),
    Category(
        Label.MALWARE,
        "Malware hosting or distribution, botnet C&C, infected or compromised hosts.",
        ("Lumen: Harmful Content", "11:11: 3b Distribution of Viruses"),
    ),
    Category(
        Label.NETWORK_ATTACK,
        "DDoS, port scans, brute-force logins, exploitation attempts and intrusions.",
        (
            "Lumen: Security Breaches and Obligations",
            "11:11: 1a Unauthorized Access",
            "11:11: 3c Denial of Service",
            "11:11: 3f Vulnerability Testing",
        ),
    ),
    Category(
        Label.COPYRIGHT,
        "Copyright or trademark infringement, DMCA and similar take-down notices.",
        ("Lumen: Intellectual Property",),
    ),
    Category(
        Label.FRAUD,
        "Scams, fraudulent offers, fake shops, advance-fee and Ponzi/HYIP schemes.",
        ("Lumen: Fraudulent/Misleading Content", "11:11: 2c Fraudulent Activities"),
    ),
    Category(
        Label.HARASSMENT,
        "Threats, abusive or hateful content, stalking and doxing.",
        ("Lumen: Inappropriate Content", "11:11: 3a Harassment"),
    ),
    Category(
        Label.CHILD_ABUSE,
        "Reports of child sexual abuse material hosted or distributed on the network.",
        ("Lumen: Illegal Use (child pornography)", "11:11: 2a Child Pornography"),
    ),
    Category(
        Label.BLOCKLISTING,
        "Notice that a customer IP address or domain is listed on a blocklist.",
        ("11:11: 3e Blacklisting (remedy within 48 hours)",),
    ),
    Category(
        Label.VULNERABLE_SERVICE,
        "Open resolvers and other exposed, misconfigured or unpatched services; no attack claimed.",
        ("Lumen: Security Breaches and Obligations",),
    ),
    Category(
        Label.NOT_ABUSE,
        "Bounces, auto-replies, ticket acknowledgements, replies and mail that reports nothing.",
        (),
    ),
)

LABELS: tuple[str, ...] = tuple(c.label.value for c in CATEGORIES)
BY_LABEL: dict[str, Category] = {c.label.value: c for c in CATEGORIES}
