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

from functools import lru_cache

from email_validator import EmailNotValidError, validate_email
from email_validator.rfc_constants import (
    CASE_INSENSITIVE_MAILBOX_NAMES,
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


@HostCache  # a domain longer than a host name can be is computed (rejected), never kept
def _domain(domain: str) -> tuple[str, str] | None:
    """email-validator's verdict on a domain: its Unicode and ASCII forms, or ``None``."""
    if not domain:
        return None
    try:
        checked = validate_email_domain_name(domain, test_environment=False)
    except EmailNotValidError:
        return None
    return checked["domain"], checked["ascii_domain"]


def clear_caches() -> None:
    """Forget remembered addresses and domains (a benchmark round starts cold)."""
    valid_email.cache_clear()
    _domain.cache_clear()
