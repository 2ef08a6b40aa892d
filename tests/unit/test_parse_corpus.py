"""Every sample of the corpus against its hand-written expectation (tests/data/expected)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from pipeline.models import Report
from pipeline.parsing import ParseFailure, parse_message
from pipeline.parsing.psl import registrable_domain

DATA = Path(__file__).parent.parent / "data"
CORPUS = DATA / "corpus"
MESSAGES: dict[str, Any] = json.loads((DATA / "expected" / "messages.json").read_text())
MESSAGES.pop("_comment")
XARF: dict[str, list[str]] = json.loads((DATA / "expected" / "xarf.json").read_text())


def _json_under(folders: list[str]) -> list[str]:
    return sorted(str(p.relative_to(CORPUS)) for f in folders for p in (CORPUS / f).rglob("*.json"))


def _parse(relative: str) -> Report:
    outcome = parse_message((CORPUS / relative).read_bytes())
    assert isinstance(outcome, Report), outcome
    return outcome


def _offenders(report: Report) -> set[tuple[str, str, str, bool]]:
    return {(o.kind.value, o.value, o.role, o.reserved) for o in report.offenders}


def test_every_message_sample_has_an_expectation() -> None:
    """Each .eml in the corpus is listed in messages.json, and nothing listed is missing."""
    on_disk = {str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*.eml")}
    assert on_disk == set(MESSAGES)


@pytest.mark.parametrize("relative", sorted(MESSAGES))
def test_message_sample_matches_expectation(relative: str) -> None:
    """A sample parses to its expected format, category, reporter and offenders."""
    expected = MESSAGES[relative]
    report = _parse(relative)
    assert report.format == expected["format"]
    if "category" in expected:
        assert report.declared_category == expected["category"]
    if "reporter" in expected:
        assert report.reporter == expected["reporter"]
    found = _offenders(report)
    for kind, value, role, reserved in expected.get("include", []):
        assert (kind, value, role, reserved) in found
    values = {(kind, value) for kind, value, _, _ in found}
    for kind, value in expected.get("exclude", []):
        assert (kind, value) not in values


FULL_SETS = sorted(k for k, v in MESSAGES.items() if "offenders" in v)


@pytest.mark.parametrize("relative", FULL_SETS)
def test_sample_offenders_are_exactly_the_pinned_set(relative: str) -> None:
    """A sample yields exactly the IPs, domains and mailboxes a desk would act on, no more."""
    expected = MESSAGES[relative]
    found = {o for o in _offenders(_parse(relative)) if o[0] != "url"}
    assert found == {tuple(o) for o in expected["offenders"]}


@pytest.mark.parametrize("relative", FULL_SETS)
def test_sample_urls_are_exactly_the_pinned_set(relative: str) -> None:
    """A sample's URL offenders are the pinned URLs, or lie on exactly the pinned hosts."""
    expected = MESSAGES[relative]
    urls = [o for o in _parse(relative).offenders if o.kind.value == "url"]
    if "urls" in expected:
        assert {(o.value, o.role, o.reserved) for o in urls} == {tuple(u) for u in expected["urls"]}
    else:
        hosts = {urlsplit(o.value).hostname or "" for o in urls}
        assert {registrable_domain(h) or h for h in hosts} == set(expected["url_hosts"])


def test_every_notifier_and_arf_sample_pins_its_full_offender_set() -> None:
    """Each abuseio-notifier, sisimai and mail-auth ARF sample has a full pinned set."""
    folders = ("abuseio-notifier-samples/", "sisimai-arf/", "mail-auth-arf/")
    assert {k for k in MESSAGES if k.startswith(folders)} == set(FULL_SETS)


def _declared_source(doc: dict[str, Any]) -> str | None:
    if "source_identifier" in doc:
        value = str(doc["source_identifier"])
        return value if value[:1].isdigit() or "://" in value else None
    report = doc["Report"]
    source = report.get("Source")
    if isinstance(source, dict):
        return str(source.get("IP") or source.get("URL"))
    value = report.get("SourceIp")
    return str(value) if value is not None else None


@pytest.mark.parametrize("relative", _json_under(XARF["accept"]))
def test_valid_xarf_sample_is_accepted_with_its_source(relative: str) -> None:
    """A must-validate X-ARF sample parses, and its declared source is a source offender."""
    report = _parse(relative)
    assert report.format == "xarf"
    source = _declared_source(json.loads((CORPUS / relative).read_text()))
    if source is not None:
        values = {o.value for o in report.offenders if o.role == "source"}
        assert source.replace(":0:0:", "::") in values or source in values


@pytest.mark.parametrize("relative", _json_under(XARF["reject"]))
def test_invalid_xarf_sample_is_rejected_with_a_reason(relative: str) -> None:
    """A must-be-rejected X-ARF sample yields a ParseFailure naming what is wrong."""
    outcome = parse_message((CORPUS / relative).read_bytes())
    assert isinstance(outcome, ParseFailure)
    assert outcome.reason.startswith("X-ARF JSON")


@pytest.mark.parametrize("number", ["001", "002", "003", "004", "005"])
def test_arf_fields_match_mail_auth_expectations(number: str) -> None:
    """ARF fields (type, Source-IP, arrival date) equal what mail-auth's own parser reads."""
    expected = json.loads((CORPUS / "mail-auth-arf" / f"{number}.json").read_text())
    report = _parse(f"mail-auth-arf/{number}.eml")
    feedback = {"Abuse": "abuse", "AuthFailure": "auth-failure"}[expected["feedback_type"]]
    assert report.fields["feedback_type"] == feedback
    assert report.fields.get("source_ip", "").split()[:1] == (
        [expected["source_ip"]] if expected["source_ip"] else []
    )
    if expected["arrival_date"] is not None:
        assert report.date == datetime.fromtimestamp(expected["arrival_date"], UTC)
