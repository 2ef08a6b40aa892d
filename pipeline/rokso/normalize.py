"""Canonical forms for what ROKSO records hold, so imports and look-ups compare like with like.

Names are compared after Unicode compatibility folding, case folding and dropping punctuation
and legal-form suffixes: "Example Media, Ltd." and "EXAMPLE MEDIA LTD" are one operation.
The comparison stays exact after that — a fuzzy name match would suspend the wrong customer.
"""

from __future__ import annotations

import re
import unicodedata
from ipaddress import ip_address, ip_network

from pipeline.dnsbl.targets import InvalidTarget, parse_target
from pipeline.rokso.models import Netblock

#: Names and aliases longer than this are not names; they are pasted paragraphs.
MAX_NAME_LENGTH = 200

_SBL_ID = re.compile(r"^SBL(\d{1,10})$", re.IGNORECASE)
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
#: Legal-form words dropped from the end of a name; they distinguish nothing between operations.
_LEGAL_FORMS = frozenset(
    {
        *("ltd", "limited", "llc", "inc", "incorporated", "corp", "corporation", "co"),
        *("company", "gmbh", "ag", "sa", "sarl", "srl", "bv", "nv", "plc", "oy", "ab"),
        *("as", "lp", "llp", "pte"),
    }
)


class InvalidValue(ValueError):
    """A value that cannot be a name, domain, netblock or SBL id; the message says why."""


def normalize_name(text: str) -> str:
    """The comparable form of an operation name or alias; raises InvalidValue if empty."""
    if len(text) > MAX_NAME_LENGTH:
        raise InvalidValue(f"name longer than {MAX_NAME_LENGTH} characters")
    folded = unicodedata.normalize("NFKC", text).casefold()
    words = _NON_WORD.sub(" ", folded).split()
    while len(words) > 1 and words[-1] in _LEGAL_FORMS:
        words.pop()
    if not words:
        raise InvalidValue(f"name {text!r} has no letters or digits")
    return " ".join(words)


def normalize_domain(text: str) -> str:
    """Lower-case A-label form of a domain name (the DNSBL target rules); else InvalidValue."""
    try:
        target = parse_target(text)
    except InvalidTarget as exc:
        raise InvalidValue(str(exc)) from None
    if target.kind != "domain":
        raise InvalidValue(f"{text!r} is an IP address, not a domain name")
    return target.value


def normalize_netblock(text: str) -> Netblock:
    """A netblock in CIDR form, or a single address as a /32 or /128.

    Host bits set (``192.0.2.5/24``) are refused rather than silently widened or narrowed:
    in a suspension register a typo must surface, not change what is covered.
    """
    value = text.strip()
    try:
        if "/" not in value:
            return ip_network(ip_address(value))
        return ip_network(value, strict=True)
    except ValueError as exc:
        raise InvalidValue(f"{text!r} is not an IP address or CIDR netblock: {exc}") from exc


def normalize_sbl_id(text: str) -> str:
    """``SBL123456`` in upper case; raises InvalidValue for anything else."""
    found = _SBL_ID.match(text.strip())
    if found is None:
        raise InvalidValue(f"{text!r} is not an SBL record id (SBL followed by digits)")
    return f"SBL{found.group(1)}"
