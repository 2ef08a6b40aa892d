"""Received-chain origin rules: the first hop outside the trusted relays."""

from __future__ import annotations

import ipaddress

from pipeline.parsing.received import origin_hop, parse_hop

CHAIN = [
    "from mx1.desk.net (mx1.desk.net [127.0.0.1]) by store.desk.net; Mon, 1 Jan 2024",
    "from relay.desk.net (relay.desk.net [10.0.0.5]) by mx1.desk.net; Mon, 1 Jan 2024",
    "from edge.desk.net (edge.desk.net [9.9.9.9]) by relay.desk.net; Mon, 1 Jan 2024",
    "from spammer.bad (dsl.bad.isp [8.8.4.4]) by edge.desk.net; Mon, 1 Jan 2024",
    "from forged.hop ([1.1.1.1]) by spammer.bad; Mon, 1 Jan 2024",
]


def test_hop_reads_the_bracketed_client_address() -> None:
    """The client address is the one the receiving relay recorded in brackets."""
    hop = parse_hop("from helo.name (rdns.name [203.0.113.9]) by mx.example; date")
    assert hop.ip == ipaddress.ip_address("203.0.113.9")


def test_loopback_and_private_hops_are_internal_and_skipped() -> None:
    """Loopback and RFC 1918 hops relay inside one network; the walk passes over them."""
    hop = origin_hop(CHAIN[:2] + CHAIN[3:])
    assert hop is not None and str(hop.ip) == "8.8.4.4"


def test_trusted_network_hop_is_skipped() -> None:
    """A hop from a configured trusted network is the desk's own relay, not the origin."""
    hop = origin_hop(CHAIN, trusted_networks=[ipaddress.ip_network("9.9.9.0/24")])
    assert hop is not None and str(hop.ip) == "8.8.4.4"


def test_untrusted_hop_stops_the_walk() -> None:
    """Without trusting it, the first non-internal hop is the origin; deeper hops are ignored."""
    hop = origin_hop(CHAIN)
    assert hop is not None and str(hop.ip) == "9.9.9.9"


def test_trusted_domain_hop_is_skipped() -> None:
    """A hop whose name is under a trusted domain suffix is the desk's own relay."""
    hop = origin_hop(CHAIN, trusted_domains=["desk.net"])
    assert hop is not None and str(hop.ip) == "8.8.4.4"


def test_chain_without_addresses_has_no_origin() -> None:
    """Received headers naming no address give no origin rather than a guess."""
    assert origin_hop(["by mx.example with LMTP; date", "(qmail 123 invoked by uid 1)"]) is None


def test_forged_helo_of_a_trusted_name_is_not_trusted() -> None:
    """A client claiming a trusted name in HELO is judged by the relay's reverse look-up."""
    forged = "from mx1.desk.net (dsl.bad.isp [8.8.4.4]) by edge.desk.net; Mon, 1 Jan 2024"
    hop = origin_hop([forged], trusted_domains=["desk.net"])
    assert hop is not None and str(hop.ip) == "8.8.4.4"


def test_qmail_style_reverse_name_is_read() -> None:
    """qmail's 'from RDNS (HELO x) (IP)' form gives the reverse name, not the HELO."""
    hop = parse_hop("from relay.desk.net (HELO spoof.bad) (9.9.9.9) by mx.desk.net; date")
    assert hop.names == ("relay.desk.net",)
