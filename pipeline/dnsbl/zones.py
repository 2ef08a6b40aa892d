"""A configured zone made ready for querying: display name, code table, query suffix.

For a DQS zone the query suffix is ``<key>.<name>``; the key lives only in that suffix (and
the query names built from it), never in the display name, ``repr``, results or counters.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from pipeline.config import ConfigError, DnsblConfig, DnsblZoneConfig
from pipeline.dnsbl import wire
from pipeline.dnsbl.codes import ZoneKind
from pipeline.dnsbl.targets import InvalidTarget, Target, TargetKind, parse_target

# A DQS key is one DNS label of letters and digits; anything else would change the query name.
_DQS_KEY = re.compile(r"^[A-Za-z0-9]{1,63}$")

_DEFAULT_LISTS: Mapping[str, TargetKind] = {
    "zen": "ip",
    "dbl": "domain",
    "zrd": "domain",
    "generic": "ip",
}
# Spamhaus's documented test points: 127.0.0.2 is on every IP list, 127.0.0.1 on none;
# dbltest.com is on DBL. example.com (RFC 2606) is on no domain list: ZRD lists domains first
# seen in the last 24 hours and example.com has existed since 1992. Spamhaus documents no ZRD
# test point that must answer, so ZRD's probe has its clean half only: it proves the zone
# answers and does not refuse us, not that it lists (set probe_listed if you know one).
_DEFAULT_PROBES: Mapping[str, tuple[str | None, str | None]] = {
    "ip": ("127.0.0.2", "127.0.0.1"),
    "dbl": ("dbltest.com", "example.com"),
    "zrd": (None, "example.com"),
}


@dataclass(frozen=True, slots=True)
class Zone:
    display: str
    kind: ZoneKind
    lists: TargetKind
    codes: Mapping[str, str]
    probe_listed: Target | None
    probe_clean: Target | None
    #: ``.<name>`` or ``.<key>.<name>`` in text: secret for DQS zones, so kept out of repr.
    suffix: str = field(repr=False)

    #: ``suffix`` in wire form, encoded once.
    suffix_wire: bytes = field(repr=False)

    def qname(self, target: Target) -> bytes:
        """The wire query name; ``wire.EncodeError`` when target + zone exceed 255 octets."""
        return wire.encode_name(target.query_prefix, suffix=self.suffix_wire)


def _probe(text: str | None, default: str | None, zone: str, key: str) -> Target | None:
    chosen = default if text is None else text
    if not chosen:
        return None
    try:
        return parse_target(chosen)
    except InvalidTarget as exc:
        raise ConfigError(f"dnsbl.zones[{zone}].{key}: {exc}") from None


def build_zone(spec: DnsblZoneConfig, dqs_key: str | None) -> Zone:
    """Validate one zone's configuration and fold in the DQS key when the zone uses one."""
    name = spec.name.strip().rstrip(".").lower()
    try:
        wire.encode_name(name)
    except (wire.EncodeError, UnicodeError) as exc:
        raise ConfigError(f"dnsbl.zones[{spec.name}].name: {exc}") from None
    suffix = "." + name
    if spec.dqs:
        if not dqs_key:
            raise ConfigError(f"dnsbl.zones[{name}].dqs: needs dnsbl.dqs_key (or dqs_key_file)")
        if not _DQS_KEY.match(dqs_key):
            # The message must not quote the key.
            raise ConfigError("dnsbl.dqs_key: must be letters and digits only")
        suffix = f".{dqs_key.lower()}.{name}"
    lists = spec.lists or _DEFAULT_LISTS[spec.kind]
    defaults = _DEFAULT_PROBES["ip"] if lists == "ip" else _DEFAULT_PROBES.get(spec.kind)
    listed_default, clean_default = defaults if defaults else (None, None)
    return Zone(
        display=name,
        kind=spec.kind,
        lists=lists,
        codes=dict(spec.codes),
        probe_listed=_probe(spec.probe_listed, listed_default, name, "probe_listed"),
        probe_clean=_probe(spec.probe_clean, clean_default, name, "probe_clean"),
        suffix=suffix,
        suffix_wire=wire.encode_name(suffix[1:]),
    )


def build_zones(config: DnsblConfig) -> tuple[Zone, ...]:
    key = config.dqs_key.get_secret_value().strip() if config.dqs_key is not None else None
    zones = tuple(build_zone(spec, key) for spec in config.zones)
    names = [z.display for z in zones]
    if len(set(names)) != len(names):
        raise ConfigError("dnsbl.zones: a zone name appears twice")
    return zones
