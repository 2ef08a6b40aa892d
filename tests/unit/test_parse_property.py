"""Property: whatever bytes arrive, parse_message returns an outcome and the record holds."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.config import ParsingConfig
from pipeline.parsing import ParseFailure, parse_message
from pipeline.parsing.records import record

CORPUS = Path(__file__).parent.parent / "data" / "corpus"
SEEDS = [
    (CORPUS / p).read_bytes()
    for p in (
        "abuseio-notifier-samples/feedback-loop/AOL_example_1.eml",
        "abuseio-notifier-samples/netcraft/Netcraft_Example_1.eml",
        "abuseio-notifier-samples/shadowserver/2019-10-15-scan_dns-sample-asn.csv.zip.eml",
        "sisimai-arf/bsd-arf-22.eml",
        "xarf-samples/v4/messaging-spam.json",
    )
]
#: Small limits so mutated messages hit every bound quickly.
LIMITS = ParsingConfig(max_part_bytes=20_000, max_mime_depth=5, max_headers=200)
KEYS = {"source", "ok", "error", "format", "category", "confidence", "reporter", "offenders"}


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    raw = bytearray(draw(st.sampled_from(SEEDS)))
    kind = draw(
        st.sampled_from(
            ["flip", "truncate", "boundary", "charset", "nest", "flood", "base64", "splice"]
        )
    )
    at = draw(st.integers(0, max(len(raw) - 1, 0)))
    if kind == "flip":
        for _ in range(draw(st.integers(1, 20))):
            i = draw(st.integers(0, len(raw) - 1))
            raw[i] = draw(st.integers(0, 255))
    elif kind == "truncate":
        del raw[at:]
    elif kind == "boundary":
        raw = bytearray(bytes(raw).replace(b"--", b"-", draw(st.integers(1, 5))))
    elif kind == "charset":
        raw = bytearray(
            bytes(raw).replace(
                b"charset=",
                b"charset=" + draw(st.sampled_from([b"x-bogus;", b"utf-7;", b"hex;", b'"'])),
                3,
            )
        )
    elif kind == "nest":
        depth = draw(st.integers(1, 300))
        raw[at:at] = b"".join(
            b'Content-Type: multipart/mixed; boundary="n%d"\r\n\r\n--n%d\r\n' % (i, i)
            for i in range(depth)
        )
    elif kind == "flood":
        raw[0:0] = b"X-F: y\r\n" * draw(st.integers(150, 400))
    elif kind == "base64":
        raw[at:at] = b"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b"QUJD=" * 6000
    else:
        raw[at:at] = draw(st.binary(max_size=200))
    return bytes(raw)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_messages_never_raise_and_keep_the_contract(raw: bytes) -> None:
    """No exception escapes parse_message, and its JSON record has the contract's shape."""
    outcome = parse_message(raw, config=LIMITS)
    line = json.loads(json.dumps(record("m.eml", outcome)))
    assert set(line) == KEYS
    assert line["ok"] is not isinstance(outcome, ParseFailure)
    assert (line["error"] is None) == line["ok"]
    for offender in line["offenders"]:
        assert offender["kind"] in {"ip", "domain", "url", "email"}
        assert set(offender) <= {"kind", "value", "role", "reserved"}
    if isinstance(outcome, ParseFailure):
        assert not outcome.reason.startswith("internal parser error"), outcome.reason
