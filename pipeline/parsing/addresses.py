"""Mailbox addresses named in address header fields (From, To, Cc, Reply-To, Return-Path…).

``email.utils.getaddresses`` implements the full RFC 5322 §3.4 grammar (groups, comments,
quoted local parts, obsolete routes) and is slow at it; a report's header mostly holds the
plain shapes ``addr``, ``<addr>`` and ``Display Name <addr>``, comma separated. Those are
read with one regular expression; any value not wholly made of them goes to the stdlib,
so the result is the stdlib's for every input.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from email.utils import getaddresses

#: A dot-atom address (RFC 5322 §3.4.1) of the plain kind: no quoting, no comments.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_ADDR = rf"{_ATEXT}(?:\.{_ATEXT})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
#: A display name: a quoted string without escapes, or words free of RFC 5322 specials.
_NAME = r'"[^"\\]*"|[^"<>()\[\]\\,;:@.]*(?:\.[^"<>()\[\]\\,;:@.]+)*'
#: One mailbox: the bare address, or an optional display name and the address in brackets;
#: or the null path ``<>`` (RFC 5321 §4.5.5, a bounce's Return-Path), which names nobody.
_MAILBOX = re.compile(rf"\s*(?:(?P<bare>{_ADDR})|(?:{_NAME})\s*<(?P<angled>{_ADDR})>|<>)\s*")


def addresses(values: Iterable[str]) -> list[str]:
    """The ``addr-spec`` of every mailbox in the given header values, in order.

    Exactly ``[a for _, a in getaddresses(values) if a]``. The stdlib joins the values before
    parsing (an unbalanced quote in one value reaches into the next), so one value that is
    not plain sends them all to it.
    """
    values = list(values)
    found: list[str] = []
    for value in values:
        if not value or value.isspace():
            continue
        plain = _plain_mailboxes(value)
        if plain is None:
            return [address for _, address in getaddresses(values) if address]
        found.extend(plain)
    return found


def _plain_mailboxes(value: str) -> list[str] | None:
    """The addresses of ``value`` when it is a list of plain mailboxes only, else ``None``."""
    found = []
    position = 0
    while True:
        match = _MAILBOX.match(value, position)
        if match is None:
            return None
        address = match.group("bare") or match.group("angled")
        if address:
            found.append(address)
        position = match.end()
        if position == len(value):
            return found
        if value[position] != ",":
            return None
        position += 1
