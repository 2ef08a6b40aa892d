"""Whether an IPv4 address is reserved (not global), from a range table built with ipaddress.

``ipaddress`` answers ``is_global``/``is_private``/``is_multicast``/``is_reserved`` by testing
the address against each special-purpose network in turn (RFC 6890 registry), some 15 µs for
an address seen the first time. Those answers only change at the edges of those networks, so
the address space falls into a few dozen ranges, each wholly reserved or wholly not. The
table is built at import from the very networks ``ipaddress`` consults, each range's answer
asked of ``ipaddress`` itself at both ends; if any range gave two answers (a Python whose
``ipaddress`` consults something else), the table is not used and every address goes to
``ipaddress``. IPv6 always goes to ``ipaddress``.
"""

from __future__ import annotations

import ipaddress
from bisect import bisect_right
from collections.abc import Callable, Iterable

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

IPV4_SPACE = 2**32


def stdlib_reserved(ip: IpAddress) -> bool:
    """Private, loopback, link-local, documentation, shared, multicast or otherwise non-global."""
    return not ip.is_global or ip.is_multicast or ip.is_reserved or ip.is_unspecified


def _edges(items: Iterable[object]) -> set[int]:
    """Where the answer may change: the first address of each network and the one after it."""
    found = {0}
    for item in items:
        if isinstance(item, ipaddress.IPv4Network):
            found.update((int(item.network_address), int(item.broadcast_address) + 1))
        elif isinstance(item, ipaddress.IPv4Address):
            found.update((int(item), int(item) + 1))
    return {edge for edge in found if edge < IPV4_SPACE}


def _special_networks() -> list[object]:
    """Every network and address ``ipaddress`` keeps for its IPv4 properties."""
    constants = getattr(ipaddress, "_IPv4Constants", None)
    found: list[object] = []
    for value in vars(constants).values() if constants is not None else ():
        found.extend(value if isinstance(value, list | tuple) else [value])
    return found


def _table() -> tuple[list[int], list[bool]] | None:
    starts = sorted(_edges(_special_networks()))
    if len(starts) < 2:
        return None
    ends = [*starts[1:], IPV4_SPACE]
    answers = []
    for start, end in zip(starts, ends, strict=True):
        first = stdlib_reserved(ipaddress.IPv4Address(start))
        if stdlib_reserved(ipaddress.IPv4Address(end - 1)) != first:
            return None  # not the ranges this table assumes: ask ipaddress every time
        answers.append(first)
    return starts, answers


_TABLE = _table()


def _from_table(table: tuple[list[int], list[bool]]) -> Callable[[IpAddress], bool]:
    starts, answers = table

    def reserved(ip: IpAddress) -> bool:
        if ip.version != 4:
            return stdlib_reserved(ip)
        return answers[bisect_right(starts, int(ip)) - 1]

    return reserved


#: ``stdlib_reserved``, for IPv4 from the range table when it could be built.
is_reserved_ip: Callable[[IpAddress], bool] = (
    stdlib_reserved if _TABLE is None else _from_table(_TABLE)
)
