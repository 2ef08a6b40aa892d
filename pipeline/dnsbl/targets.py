"""What may be looked up: an IPv4/IPv6 address or a domain, validated before any query is built.

Anything that is not exactly one of those is refused with ``InvalidTarget`` here, so no caller
text ever reaches a DNS query name (no label injection such as ``1.2.3.4.evil.zone``, no
wildcards, no empty labels).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Literal

import dns.exception
import dns.name

TargetKind = Literal["ip", "domain"]

#: RFC 1035 §2.3.4: a name is at most 255 octets on the wire, i.e. 253 characters in text.
MAX_NAME_TEXT = 253
#: RFC 1035 §2.3.4: a label is at most 63 octets.
MAX_LABEL = 63
#: Longest input looked at at all; longer text is refused before any parsing work.
MAX_INPUT = 1024

# RFC 1123 §2.1 host name labels (LDH): letters, digits, hyphen; no hyphen at either end.
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_NUMERIC = re.compile(r"^[0-9]+$")
# Dotted-quad IPv4 in normal form (no leading zeros, which ipaddress also refuses): the common
# case, parsed without ipaddress's general machinery.
_OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4 = re.compile(rf"^{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}$")


class InvalidTarget(ValueError):
    """The text is not an IP address or a domain name that a DNSBL can be asked about."""


@dataclass(frozen=True, slots=True)
class Target:
    """A validated look-up target; ``value`` is its normal form (compressed IP, A-label domain)."""

    value: str
    kind: TargetKind
    #: The labels queried in front of the zone: reversed octets or nibbles, or the domain itself.
    query_prefix: str = field(repr=False, compare=False)


def _ip_target(addr: ipaddress.IPv4Address | ipaddress.IPv6Address) -> Target:
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        # ::ffff:a.b.c.d is an IPv4 sender seen through a dual-stack socket; the lists know it
        # by its IPv4 address.
        addr = addr.ipv4_mapped
    # reverse_pointer is "4.3.2.1.in-addr.arpa" or 32 reversed nibbles + ".ip6.arpa".
    prefix = addr.reverse_pointer.rsplit(".", 2)[0]
    return Target(value=addr.compressed, kind="ip", query_prefix=prefix)


def _domain_target(text: str) -> Target:
    name = text[:-1] if text.endswith(".") else text
    if not name or ".." in name or name.startswith("."):
        raise InvalidTarget(f"not a domain name: {text!r}")
    try:
        ascii_name = dns.name.from_unicode(
            name, origin=None, idna_codec=dns.name.IDNA_2008_Practical
        ).to_text(omit_final_dot=True)
    except (dns.exception.DNSException, UnicodeError, ValueError) as exc:
        raise InvalidTarget(f"not a domain name: {text!r} ({exc})") from None
    ascii_name = ascii_name.lower()
    labels = ascii_name.split(".")
    if len(ascii_name) > MAX_NAME_TEXT:
        raise InvalidTarget(f"domain name longer than {MAX_NAME_TEXT} characters")
    if len(labels) < 2:
        raise InvalidTarget(f"not a registrable domain name (one label): {text!r}")
    for label in labels:
        if not _LABEL.match(label):
            raise InvalidTarget(f"not a host name label: {label!r} in {text!r}")
    if _NUMERIC.match(labels[-1]):
        raise InvalidTarget(f"neither an IP address nor a domain name: {text!r}")
    return Target(value=ascii_name, kind="domain", query_prefix=ascii_name)


def parse_target(text: str) -> Target:
    """Validate and normalise ``text``; raise ``InvalidTarget`` for anything else."""
    if not isinstance(text, str):
        raise InvalidTarget("target must be text")
    if len(text) > MAX_INPUT:
        raise InvalidTarget(f"target longer than {MAX_INPUT} characters")
    stripped = text.strip()
    quad = _IPV4.match(stripped)
    if quad is not None:
        a, b, c, d = quad.groups()
        return Target(value=stripped, kind="ip", query_prefix=f"{d}.{c}.{b}.{a}")
    if not stripped:
        raise InvalidTarget("empty target")
    # isprintable() is False for control characters and for every space except " ".
    if not stripped.isprintable() or " " in stripped:
        raise InvalidTarget(f"whitespace or control character in target {stripped!r}")
    if "%" in stripped:
        raise InvalidTarget(f"scoped IPv6 addresses cannot be listed: {stripped!r}")
    try:
        return _ip_target(ipaddress.ip_address(stripped))
    except ValueError:
        pass
    if ":" in stripped or "/" in stripped:
        raise InvalidTarget(f"not an IP address or domain name: {stripped!r}")
    return _domain_target(stripped)
