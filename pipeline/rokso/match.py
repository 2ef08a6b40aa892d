"""Matching against the ROKSO register: offenders, customer identities, SBL references.

Each match is evidence: the record id, the operation, how it matched and both sides of the
comparison (what we looked at, what the record lists). Matching is exact after
normalisation — an IP inside a listed netblock, a listed domain or one of its subdomains, a
name equal to the operation's name or an alias, an SBL id the record links — never fuzzy.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable
from ipaddress import IPv4Address, IPv6Address, ip_address, ip_network
from urllib.parse import urlsplit

from pipeline.dnsbl.results import TargetResult
from pipeline.dnsbl.targets import InvalidTarget, parse_target
from pipeline.models import Offender, OffenderKind
from pipeline.rokso.models import CustomerIdentity, MatchKind, Netblock, RoksoMatch, RoksoRecord
from pipeline.rokso.normalize import InvalidValue, normalize_name, normalize_sbl_id

log = logging.getLogger(__name__)

#: How Spamhaus writes SBL record ids in TXT answers and on its pages (``…/sbl/query/SBL123``).
_SBL_REFERENCE = re.compile(r"\bSBL\d{1,10}\b", re.IGNORECASE)
_SBL_ID_ONLY = re.compile(r"^SBL\d{1,10}$", re.IGNORECASE)

Address = IPv4Address | IPv6Address


class RoksoIndex:
    """An in-memory index over one register version; cheap to query, rebuilt per version."""

    def __init__(self, records: Iterable[RoksoRecord]) -> None:
        self.records = tuple(records)
        # ip version -> prefix length -> network address as int -> [(record, netblock text)]:
        # an address is looked up once per prefix length present, not once per netblock.
        self._nets: dict[int, dict[int, dict[int, list[tuple[RoksoRecord, str]]]]] = {
            4: defaultdict(lambda: defaultdict(list)),
            6: defaultdict(lambda: defaultdict(list)),
        }
        self._blocks: list[tuple[RoksoRecord, Netblock]] = []
        self._domains: dict[str, list[RoksoRecord]] = defaultdict(list)
        self._names: dict[str, list[tuple[RoksoRecord, MatchKind, str]]] = defaultdict(list)
        self._sbl: dict[str, list[RoksoRecord]] = defaultdict(list)
        for record in self.records:
            for block in record.netblocks:
                by_prefix = self._nets[block.version][block.prefixlen]
                by_prefix[int(block.network_address)].append((record, str(block)))
                self._blocks.append((record, block))
            for domain in record.domains:
                self._domains[domain].append(record)
            self._names[normalize_name(record.operation)].append(
                (record, MatchKind.NAME, record.operation)
            )
            for alias in record.aliases:
                self._names[normalize_name(alias)].append((record, MatchKind.ALIAS, alias))
            for sbl_id in record.sbl_ids:
                self._sbl[sbl_id].append(record)

    def __len__(self) -> int:
        return len(self.records)

    def match_ip(self, addr: Address) -> tuple[RoksoMatch, ...]:
        """Records with a netblock containing ``addr``."""
        found: list[RoksoMatch] = []
        value = int(addr)
        text: str | None = None
        for prefixlen, table in self._nets[addr.version].items():
            host_bits = addr.max_prefixlen - prefixlen
            entries = table.get((value >> host_bits) << host_bits)
            if entries:
                text = text or str(addr)
                found.extend(
                    _match(record, MatchKind.IP_IN_NETBLOCK, text, listed)
                    for record, listed in entries
                )
        return _unique(found)

    def match_network(self, network: Netblock) -> tuple[RoksoMatch, ...]:
        """Records with a netblock overlapping ``network`` (either may contain the other)."""
        if network.num_addresses == 1:
            return self.match_ip(network.network_address)
        found = [
            _match(record, MatchKind.NETBLOCK_OVERLAP, str(network), str(block))
            for record, block in self._blocks
            if block.version == network.version and block.overlaps(network)
        ]
        return _unique(found)

    def match_domain(self, domain: str) -> tuple[RoksoMatch, ...]:
        """Records listing ``domain`` itself or a parent of it (normalised A-label input)."""
        found: list[RoksoMatch] = []
        labels = domain.lower().rstrip(".").split(".")
        for i in range(len(labels) - 1):
            candidate = ".".join(labels[i:])
            kind = MatchKind.DOMAIN if i == 0 else MatchKind.SUBDOMAIN
            for record in self._domains.get(candidate, ()):
                found.append(_match(record, kind, domain, candidate))
        return _unique(found)

    def match_name(self, name: str) -> tuple[RoksoMatch, ...]:
        """Records whose operation name or an alias equals ``name`` after normalisation."""
        try:
            key = normalize_name(name)
        except InvalidValue:
            return ()
        return _unique(
            _match(record, kind, name, listed) for record, kind, listed in self._names.get(key, ())
        )

    def match_sbl_text(self, text: str) -> tuple[RoksoMatch, ...]:
        """Records linking an SBL id that appears in ``text`` (e.g. a DNSBL TXT reason)."""
        found: list[RoksoMatch] = []
        for raw in _SBL_REFERENCE.findall(text):
            sbl_id = normalize_sbl_id(raw)
            for record in self._sbl.get(sbl_id, ()):
                found.append(_match(record, MatchKind.SBL_REFERENCE, text, sbl_id))
        return _unique(found)

    def match_dnsbl_result(self, result: TargetResult) -> tuple[RoksoMatch, ...]:
        """SBL references in any zone's TXT reason for a DNSBL result."""
        return _unique(
            m for zone in result.zones if zone.reason for m in self.match_sbl_text(zone.reason)
        )

    def match_target(self, text: str) -> tuple[RoksoMatch, ...]:
        """An IP, CIDR netblock, domain, SBL id or operation name, whichever ``text`` is."""
        value = text.strip()
        if _SBL_ID_ONLY.match(value):
            return self.match_sbl_text(value)
        if "/" in value:
            try:
                return self.match_network(ip_network(value, strict=False))
            except ValueError:
                pass
        try:
            target = parse_target(value)
        except InvalidTarget:
            return self.match_name(value)
        if target.kind == "ip":
            return self.match_ip(ip_address(target.value))
        # Operation names are sometimes domain-like ("bulkmailer.example"), so ask both.
        return _unique([*self.match_domain(target.value), *self.match_name(value)])

    def match_offenders(self, offenders: Iterable[Offender]) -> tuple[RoksoMatch, ...]:
        """Every record an offender of a report points to (IP, domain, URL host, mail domain)."""
        found: list[RoksoMatch] = []
        for offender in offenders:
            host = _offender_host(offender)
            if host is None:
                log.warning(
                    "rokso: offender has no host to match",
                    extra={"fields": {"kind": offender.kind.value, "value": offender.value}},
                )
                continue
            try:
                target = parse_target(host)
            except InvalidTarget as exc:
                log.warning(
                    "rokso: offender not matchable",
                    extra={"fields": {"kind": offender.kind.value, "error": str(exc)}},
                )
                continue
            if target.kind == "ip":
                found.extend(self.match_ip(ip_address(target.value)))
            else:
                found.extend(self.match_domain(target.value))
        return _unique(found)

    def match_customer(self, customer: CustomerIdentity) -> tuple[RoksoMatch, ...]:
        """Records matching a customer's name, any of its domains or netblocks."""
        found = list(self.match_name(customer.name))
        for domain in customer.domains:
            try:
                target = parse_target(domain)
            except InvalidTarget:
                log.warning(
                    "rokso: customer domain not matchable", extra={"fields": {"domain": domain}}
                )
                continue
            if target.kind == "domain":
                found.extend(self.match_domain(target.value))
        for block in customer.netblocks:
            found.extend(self.match_network(block))
        return _unique(found)


def _offender_host(offender: Offender) -> str | None:
    if offender.kind in (OffenderKind.IP, OffenderKind.DOMAIN):
        return offender.value
    if offender.kind is OffenderKind.EMAIL:
        _, at, domain = offender.value.rpartition("@")
        return domain or None if at else None
    try:
        host = urlsplit(offender.value).hostname
    except ValueError:
        return None
    return host or None


def _match(record: RoksoRecord, kind: MatchKind, value: str, listed: str) -> RoksoMatch:
    return RoksoMatch(
        record_id=record.record_id,
        operation=record.operation,
        kind=kind,
        value=value,
        listed=listed,
        reference_url=record.reference_url,
    )


def _unique(matches: Iterable[RoksoMatch]) -> tuple[RoksoMatch, ...]:
    matches = list(matches)
    if len(matches) < 2:
        return tuple(matches)
    return tuple(sorted(set(matches), key=lambda m: (m.record_id, m.kind.value, m.listed, m.value)))
