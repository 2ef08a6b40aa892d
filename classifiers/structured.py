"""Structured signals that decide a label without the model: X-ARF types, ARF Feedback-Type.

An X-ARF report names its own category and type (xarf-spec v4 ``category``/``type``, v3
``Report-Type``), and RFC 5965 ARF reports of Feedback-Type ``virus`` or ``fraud`` say what
they are; the reporter already classified these, so re-guessing from the text only adds error.
Everything else (notably Feedback-Type ``abuse``, which is nearly always spam but is also
used for phishing and scams) is left to the model.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from classifiers.taxonomy import LABELS, Label

#: X-ARF report types (v4 ``type``, v3 ``Report-Type``), normalised to lower-case letters only.
XARF_TYPES: dict[str, Label] = {
    **dict.fromkeys(("spam", "bulkmessaging", "spamvertised", "trap"), Label.SPAM),
    **dict.fromkeys(("phishing", "phishingsite"), Label.PHISHING),
    **dict.fromkeys(("fraud", "socialengineering"), Label.FRAUD),
    **dict.fromkeys(
        (
            "malware", "botnet", "bot", "infectedhost", "compromisedserver",
            "compromisedwebsite", "compromisedaccount", "compromisedmicrosoftexchange",
            "remotecompromise", "webhack", "defacement", "potentiallycompromisedaccount",
        ),
        Label.MALWARE,
    ),
    **dict.fromkeys(
        (
            "ddos", "dos", "ddosamplification", "portscan", "loginattack", "reconnaissance",
            "sqlinjection", "vulnerabilityscan", "exploit", "ipspoof", "scraping", "webcrawler",
        ),
        Label.NETWORK_ATTACK,
    ),
    **dict.fromkeys(
        (
            "copyright", "cyberlocker", "linksite", "p2p", "ugcplatform", "usenet", "trademark",
            "brandinfringement",
        ),
        Label.COPYRIGHT,
    ),
    **dict.fromkeys(
        ("csam", "csem", "childabuse", "childsexualabusematerial"), Label.CHILD_ABUSE
    ),
    "harassment": Label.HARASSMENT,
    "blocklist": Label.BLOCKLISTING,
    **dict.fromkeys(
        (
            "cve", "open", "openservice", "misconfiguration", "outdateddnssec", "sslfreak",
            "sslpoodle", "exposeddata",
        ),
        Label.VULNERABLE_SERVICE,
    ),
}

#: X-ARF v4 categories, used only when the type is unknown; ``content`` is too broad to decide.
XARF_CATEGORIES: dict[str, Label] = {
    "messaging": Label.SPAM,
    "connection": Label.NETWORK_ATTACK,
    "copyright": Label.COPYRIGHT,
    "vulnerability": Label.VULNERABLE_SERVICE,
    "reputation": Label.BLOCKLISTING,
    "infrastructure": Label.MALWARE,
}

#: RFC 5965 section 7.3 Feedback-Types that say what the report is about by themselves.
FEEDBACK_TYPES: dict[str, Label] = {
    "virus": Label.MALWARE,
    "fraud": Label.FRAUD,
    "not-spam": Label.NOT_ABUSE,
}


def _norm(value: str) -> str:
    return re.sub(r"[^a-z0-9]", "", value.lower())


def xarf_label(category: str | None, report_type: str | None) -> str | None:
    """The label an X-ARF category/type pair declares, or ``None`` if it is not decisive."""
    if report_type and (label := XARF_TYPES.get(_norm(report_type))):
        return label.value
    if category and (label := XARF_CATEGORIES.get(_norm(category))):
        return label.value
    return None


def structured_label(fields: Mapping[str, str], declared: str | None = None) -> str | None:
    """The label a report's structured fields decide unambiguously, or ``None`` for the model."""
    label = xarf_label(fields.get("xarf_category"), fields.get("xarf_type"))
    if label:
        return label
    feedback_type = fields.get("feedback_type", "").strip().lower()
    if feedback_type or "feedback_type" in fields:
        # An ARF parser may declare ``abuse`` as spam; that is the model's call to make.
        feedback = FEEDBACK_TYPES.get(feedback_type)
        return feedback.value if feedback else None
    return declared if declared in LABELS else None
