"""E-mail address validation with email-validator (no DNS), its costly half done once per domain.

``validate_email`` spends most of its time on the domain (UTS-46 mapping, IDNA, per-character
checks) and on splitting the address (Unicode normalisation per character); reports name the
same few domains under many mailboxes. For the plain shape — an ASCII dot-atom local part
(RFC 5322 §3.2.3) and an ASCII domain — the address is assembled here exactly as
``validate_email`` assembles it, from email-validator's own domain check, remembered per
domain, and its own local-part rule and length limit. Every other shape (quoted local parts,
display names, domain literals, non-ASCII) goes to ``validate_email`` itself. A property test
pins the two to the same answer.
"""

from __future__ import annotations

import re
from functools import lru_cache

from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email
from email_validator.rfc_constants import (
    CASE_INSENSITIVE_MAILBOX_NAMES,
    DNS_LABEL_LENGTH_LIMIT,
    DOMAIN_MAX_LENGTH,
    DOT_ATOM_TEXT,
    EMAIL_MAX_LENGTH,
)
from email_validator.syntax import validate_email_domain_name

from pipeline.parsing.memo import HostCache

#: Distinct addresses remembered.
ADDRESS_CACHE_SIZE = 8192


@lru_cache(maxsize=ADDRESS_CACHE_SIZE)
def valid_email(value: str) -> str | None:
    """The normalised address if it is syntactically valid (no DNS look-up), else ``None``.

    Cached: reports repeat the same few addresses, and validation is the costly step.
    """
    address = value.strip().strip("<>")
    local, at, domain = address.partition("@")
    if at and address.isascii() and DOT_ATOM_TEXT.match(local) and not domain.startswith("["):
        return _plain(local, domain)
    try:
        result = validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return None
    return str(result.normalized)


def _plain(local: str, domain: str) -> str | None:
    """``validate_email(f"{local}@{domain}").normalized`` for a dot-atom local part."""
    checked = _domain(domain)
    if checked is None:
        return None
    unicode_domain, ascii_domain = checked
    if local.lower() in CASE_INSENSITIVE_MAILBOX_NAMES:  # RFC 2142 role mailboxes
        local = local.lower()
    normalized = f"{local}@{unicode_domain}"
    # The three forms email-validator measures: as given, normalised, and all-ASCII.
    forms = (f"{local}@{domain}", normalized, f"{local}@{ascii_domain}")
    if any(len(form.encode("utf-8")) > EMAIL_MAX_LENGTH for form in forms):
        return None
    return normalized


#: RFC 1035 §2.3.1 letters-digits-hyphen host names of two or more labels, each at most 63
#: characters, hyphens inside only and never two in a row (which rules out RFC 5890 ``xn--``
#: and R-LDH labels), the last label ending in a letter: every check ``email-validator``
#: makes of such a name passes, and its UTS-46 mapping only lower-cases it.
_LDH_LABEL = r"[A-Za-z0-9](?:-?[A-Za-z0-9]){0,62}"
_PLAIN_DOMAIN = re.compile(rf"(?:{_LDH_LABEL}\.)+{_LDH_LABEL}")


def _plain_domain(domain: str) -> str | None:
    """The ASCII form ``validate_email_domain_name`` gives a plain host name, else ``None``.

    ``None`` also for names it would reject (too long, special-use): the caller asks it then.
    """
    if (
        len(domain) > DOMAIN_MAX_LENGTH
        or not domain[-1:].isalpha()
        or _PLAIN_DOMAIN.fullmatch(domain) is None
        or any(len(label) > DNS_LABEL_LENGTH_LIMIT for label in domain.split("."))
    ):
        return None
    lowered = domain.lower()
    if any(lowered == name or lowered.endswith("." + name) for name in SPECIAL_USE_DOMAIN_NAMES):
        return None
    return lowered


@HostCache  # a domain longer than a host name can be is computed (rejected), never kept
def _domain(domain: str) -> tuple[str, str] | None:
    """email-validator's verdict on a domain: its Unicode and ASCII forms, or ``None``."""
    if not domain:
        return None
    # The library's domain check runs UTS-46 and IDNA machinery character by character;
    # the plain host names reports use need none of it.
    plain = _plain_domain(domain)
    if plain is not None:
        return plain, plain
    try:
        checked = validate_email_domain_name(domain, test_environment=False)
    except EmailNotValidError:
        return None
    return checked["domain"], checked["ascii_domain"]


def clear_caches() -> None:
    """Forget remembered addresses and domains (a benchmark round starts cold)."""
    valid_email.cache_clear()
    _domain.cache_clear()
