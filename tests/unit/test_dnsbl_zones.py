"""Zone and nameserver configuration: validated at start, DQS key folded in and kept hidden."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from pipeline.config import ConfigError, DnsblConfig, DnsblZoneConfig
from pipeline.dnsbl import parse_target, wire
from pipeline.dnsbl.transport import Nameserver
from pipeline.dnsbl.zones import build_zones

KEY = "abcdefghijklmnopqrstuvwxyz"
DQS = DnsblZoneConfig(name="zen.dq.spamhaus.net", kind="zen", dqs=True)


def test_dqs_zone_queries_under_the_key_but_displays_without_it() -> None:
    """The query name carries the key; the display name and repr do not."""
    (zone,) = build_zones(DnsblConfig(zones=(DQS,), dqs_key=SecretStr(KEY)))
    qname = wire.name_to_text(zone.qname(parse_target("192.0.2.1")))
    assert qname == f"1.2.0.192.{KEY}.zen.dq.spamhaus.net."
    assert zone.display == "zen.dq.spamhaus.net" and KEY not in repr(zone)


def test_dqs_zone_without_a_key_is_a_config_error() -> None:
    """A DQS zone with no dqs_key fails at start, naming the setting."""
    with pytest.raises(ConfigError, match="dqs_key"):
        build_zones(DnsblConfig(zones=(DQS,)))


def test_malformed_key_is_refused_without_quoting_it() -> None:
    """A key that is not one alphanumeric label is refused; the message does not contain it."""
    bad = "evil.key.example"
    with pytest.raises(ConfigError) as info:
        build_zones(DnsblConfig(zones=(DQS,), dqs_key=SecretStr(bad)))
    assert bad not in str(info.value)


def test_duplicate_zones_are_refused() -> None:
    """The same zone twice is a configuration error."""
    zen = DnsblZoneConfig(name="zen.spamhaus.org", kind="zen")
    with pytest.raises(ConfigError, match="twice"):
        build_zones(DnsblConfig(zones=(zen, zen)))


def test_kinds_pick_target_kinds_and_probes() -> None:
    """ZEN lists IPs and probes 127.0.0.2/127.0.0.1; DBL lists domains and probes dbltest.com."""
    zen, dbl = build_zones(DnsblConfig())
    assert (zen.lists, zen.probe_listed and zen.probe_listed.value) == ("ip", "127.0.0.2")
    assert (dbl.lists, dbl.probe_listed and dbl.probe_listed.value) == ("domain", "dbltest.com")


def test_overlong_query_name_is_an_encode_error() -> None:
    """A long domain under a long zone name cannot become a query (255-octet limit)."""
    zone = DnsblZoneConfig(name=("z" * 60 + ".") * 2 + "example", kind="dbl")
    (built,) = build_zones(DnsblConfig(zones=(zone,)))
    with pytest.raises(wire.EncodeError):
        built.qname(parse_target(("a" * 60 + ".") * 2 + "example"))


@pytest.mark.parametrize(
    ("text", "host", "port"),
    [
        ("127.0.0.1", "127.0.0.1", 53),
        ("127.0.0.1:5353", "127.0.0.1", 5353),
        ("[::1]:5353", "::1", 5353),
        ("::1", "::1", 53),
    ],
)
def test_nameserver_forms(text: str, host: str, port: int) -> None:
    """host, host:port, [v6]:port and bare IPv6 all parse."""
    assert Nameserver.parse(text) == Nameserver(host, port)


@pytest.mark.parametrize("text", ["127.0.0.1:", "127.0.0.1:0", "127.0.0.1:99999", "[::1", ":53"])
def test_bad_nameservers_are_refused(text: str) -> None:
    """Malformed nameserver text is a ValueError, not a socket error later."""
    with pytest.raises(ValueError):
        Nameserver.parse(text)


def test_zrd_probes_that_a_long_known_domain_is_not_listed() -> None:
    """ZRD's default probe is its clean half only: example.com must not be listed."""
    (zrd,) = build_zones(DnsblConfig(zones=(DnsblZoneConfig(name="zrd.example", kind="zrd"),)))
    assert zrd.probe_listed is None
    assert zrd.probe_clean is not None and zrd.probe_clean.value == "example.com"


def test_empty_probe_text_turns_the_default_off() -> None:
    """probe_clean = "" on ZRD leaves it with no probe at all."""
    spec = DnsblZoneConfig(name="zrd.example", kind="zrd", probe_clean="")
    (zrd,) = build_zones(DnsblConfig(zones=(spec,)))
    assert (zrd.probe_listed, zrd.probe_clean) == (None, None)
