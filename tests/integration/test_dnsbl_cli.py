"""`abuse-pipeline dnsbl check --jsonl` as a subprocess against rbldnsd: every answer class."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support import rbldnsd as data
from tests.support.rbldnsd import RbldnsdServer

pytestmark = pytest.mark.integration

DEFAULT_ZONE_TARGETS = [
    data.SBL_XBL_PBL,
    data.DROP_SBL,
    data.CSS,
    data.XBL,
    data.PBL_ONLY,
    data.CLEAN_IP,
    data.SBL_V6,
    *data.DBL_CODES,
    data.CLEAN_DOMAIN,
]


def _run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "dnsbl", "check", *args],
        capture_output=True,
        text=True,
        timeout=60,
        input=stdin,
        check=False,
    )


def _lines(proc: subprocess.CompletedProcess[str]) -> dict[str, dict[str, Any]]:
    return {line["target"]: line for line in map(json.loads, proc.stdout.splitlines())}


@pytest.fixture(scope="module")
def default_zones(rbldnsd: RbldnsdServer) -> tuple[int, dict[str, dict[str, Any]]]:
    """One run with no config (zen.spamhaus.org + dbl.spamhaus.org) over every answer class."""
    proc = _run("--jsonl", "--nameserver", rbldnsd.nameserver, *DEFAULT_ZONE_TARGETS)
    return proc.returncode, _lines(proc)


def _zone(lines: dict[str, dict[str, Any]], target: str) -> dict[str, Any]:
    zones: list[dict[str, Any]] = lines[target]["zones"]
    assert len(zones) == 1
    return zones[0]


def _names(zone: dict[str, Any]) -> list[str]:
    return [item["name"] for item in zone["listings"]]


def test_one_line_per_target_and_exit_zero(default_zones: tuple[int, dict[str, Any]]) -> None:
    """Every target gets one JSON line; all answers definite, so the exit status is 0."""
    status, lines = default_zones
    assert (status, list(lines)) == (0, DEFAULT_ZONE_TARGETS)


def test_multi_code_listing_with_reason(default_zones: tuple[int, dict[str, Any]]) -> None:
    """SBL+XBL+PBL come out with their codes and the SBL TXT reference."""
    zone = _zone(default_zones[1], data.SBL_XBL_PBL)
    assert [(i["code"], i["name"]) for i in zone["listings"]] == [
        ("127.0.0.2", "SBL"),
        ("127.0.0.4", "XBL"),
        ("127.0.0.10", "PBL"),
    ]
    assert data.SBL_REFERENCE in zone["reason"]


@pytest.mark.parametrize(
    ("target", "names"),
    [
        (data.DROP_SBL, ["SBL", "DROP"]),
        (data.CSS, ["CSS"]),
        (data.XBL, ["XBL"]),
        (data.PBL_ONLY, ["PBL"]),
        (data.SBL_V6, ["SBL"]),
        (data.CLEAN_IP, []),
        (data.CLEAN_DOMAIN, []),
        *[(domain, [name]) for domain, (_code, name) in data.DBL_CODES.items()],
    ],
)
def test_listing_names(
    default_zones: tuple[int, dict[str, Any]], target: str, names: list[str]
) -> None:
    """Each target's zone lists exactly the expected names (none when not listed)."""
    zone = _zone(default_zones[1], target)
    assert _names(zone) == names
    assert zone["status"] == ("listed" if names else "not_listed")


def _config(tmp_path: Path, server: RbldnsdServer, key: str, *zones: str) -> Path:
    key_file = tmp_path / "dqs.key"
    key_file.write_text(key + "\n")
    path = tmp_path / "abuse.toml"
    path.write_text(
        "[dnsbl]\n"
        f'nameservers = ["{server.nameserver}"]\n'
        f'dqs_key_file = "{key_file}"\n'
        "timeout = 0.3\nretries = 0\nhealth_checks = false\n"
        + "".join(f"[[dnsbl.zones]]\n{z}\n" for z in zones)
    )
    return path


def test_refusals_and_dqs_through_a_config_file(tmp_path: Path, rbldnsd: RbldnsdServer) -> None:
    """With a config: DQS zone listed (key hidden), .254/.255 errors, ZRD, IP-on-DBL error."""
    config = _config(
        tmp_path,
        rbldnsd,
        data.DQS_KEY,
        f'name = "{data.DQS_ZEN}"\nkind = "zen"\ndqs = true',
        f'name = "{data.PUBLIC_RESOLVER_ZONE}"\nkind = "zen"',
        f'name = "{data.RATE_LIMITED_ZONE}"\nkind = "zen"',
        f'name = "{data.DBL}"\nkind = "dbl"\nlists = "ip"',
        f'name = "{data.DQS_ZRD}"\nkind = "zrd"\ndqs = true',
    )
    proc = _run("--jsonl", "--config", str(config), data.SBL_XBL_PBL, data.ZRD_YOUNG)
    lines = _lines(proc)
    by_zone = {z["zone"]: z for z in lines[data.SBL_XBL_PBL]["zones"]}
    assert _names(by_zone[data.DQS_ZEN]) == ["SBL", "XBL", "PBL"]
    assert by_zone[data.PUBLIC_RESOLVER_ZONE]["error"] == "public_resolver"
    assert by_zone[data.RATE_LIMITED_ZONE]["error"] == "rate_limited"
    assert by_zone[data.DBL]["error"] == "ip_on_domain_list"
    assert {z["status"] for z in by_zone.values() if z["error"]} == {"error"}
    assert _names(lines[data.ZRD_YOUNG]["zones"][0]) == ["ZRD"]
    assert proc.returncode == 3  # some zone answers were errors
    assert data.DQS_KEY not in proc.stdout + proc.stderr


def test_dqs_key_problem_through_the_cli(tmp_path: Path, rbldnsd: RbldnsdServer) -> None:
    """127.255.255.250 for a bad DQS key is the dqs_key error."""
    config = _config(
        tmp_path, rbldnsd, data.EXPIRED_KEY, f'name = "{data.DQS_ZEN}"\nkind = "zen"\ndqs = true'
    )
    proc = _run("--jsonl", "--config", str(config), data.CSS)
    assert json.loads(proc.stdout)["zones"][0]["error"] == "dqs_key"


def test_timeout_is_unknown_with_exit_three(silent_nameserver: str) -> None:
    """A silent nameserver gives status unknown / timeout and exit status 3."""
    proc = _run("--jsonl", "--no-probe", "--nameserver", silent_nameserver, data.CLEAN_IP)
    zone = json.loads(proc.stdout)["zones"][0]
    assert (zone["status"], zone["error"], proc.returncode) == ("unknown", "timeout", 3)


def test_invalid_target_gets_an_error_line_and_exit_one(rbldnsd: RbldnsdServer) -> None:
    """Text that is not a target yields an invalid_target line; the others are still checked."""
    proc = _run("--jsonl", "--nameserver", rbldnsd.nameserver, "evil.com zen", data.CSS)
    first, second = map(json.loads, proc.stdout.splitlines())
    assert (first["error"], first["zones"], second["listed"]) == ("invalid_target", [], True)
    assert proc.returncode == 1 and "invalid dnsbl target" in proc.stderr


def test_targets_from_stdin(rbldnsd: RbldnsdServer) -> None:
    """`-` reads one target per line from standard input."""
    proc = _run("--jsonl", "--nameserver", rbldnsd.nameserver, "-", stdin=f"{data.CSS}\n\n")
    assert [json.loads(line)["target"] for line in proc.stdout.splitlines()] == [data.CSS]


def test_human_output_names_the_listing(rbldnsd: RbldnsdServer) -> None:
    """Without --jsonl each zone's verdict is a readable line."""
    proc = _run("--nameserver", rbldnsd.nameserver, data.PBL_ONLY)
    assert "zen.spamhaus.org: listed PBL(127.0.0.10)" in proc.stdout


def test_bad_nameserver_is_a_usage_error() -> None:
    """A malformed --nameserver exits 2 with a message naming the key, not a traceback."""
    proc = _run("--jsonl", "--nameserver", "127.0.0.1:notaport", data.CSS)
    assert proc.returncode == 2 and "dnsbl.nameservers" in proc.stderr
    assert "Traceback" not in proc.stderr
