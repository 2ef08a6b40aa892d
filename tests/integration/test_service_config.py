"""The documented example configuration: complete, valid, and `abuse-pipeline run` starts on it."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from pipeline.config import Config, load_config
from tests.support.service_process import ServiceProcess

EXAMPLE = Path(__file__).resolve().parents[2] / "deploy" / "examples" / "local.toml"


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example's relative paths (data dir, token file) resolved inside tmp_path."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "noc.token").write_text("0123456789abcdef0123456789abcdef\n")
    return tmp_path


def test_example_covers_every_section() -> None:
    """deploy/examples/local.toml sets every top-level key and section of Config."""
    written = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert set(written) == set(Config.model_fields)


def test_example_loads(in_tmp: Path) -> None:
    """The example validates, with its API token read from the token file."""
    config = load_config(EXAMPLE, environ={})
    token = config.api.tokens[0].token
    assert token is not None and token.get_secret_value() == "0123456789abcdef0123456789abcdef"


@pytest.mark.integration
def test_run_starts_on_the_example(in_tmp: Path) -> None:
    """`abuse-pipeline run --config local.toml` comes up, listens and stops cleanly."""
    env = {**os.environ, "ABUSE_PIPELINE_SMTP__HOST": "127.0.0.1"}
    with ServiceProcess(in_tmp / "var", "--config", str(EXAMPLE), env=env) as service:
        assert service.port > 0
        assert service.terminate() == 0
