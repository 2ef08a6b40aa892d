"""`abuse-pipeline run` as a real process: durability across kill -9, graceful SIGTERM, config."""

from __future__ import annotations

import json
import smtplib
import socket
import time
from pathlib import Path

import pytest

from tests.support.mailbox import RawSession
from tests.support.service_process import ServiceProcess, run_cli

pytestmark = pytest.mark.integration

REPORT = b"Subject: [Spamhaus] 192.0.2.45 listed in SBL\r\n\r\nPlease remediate.\r\n"


def deliver(port: int, body: bytes = REPORT) -> tuple[int, bytes]:
    with smtplib.SMTP("127.0.0.1", port) as client:
        client.ehlo()
        client.mail("r@reporter.example")
        client.rcpt("abuse@example.net")
        return client.data(body)


def intake_list(data_dir: Path) -> list[dict[str, object]]:
    done = run_cli("intake", "list", "--jsonl", "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_report_survives_kill_9_right_after_250(tmp_path: Path) -> None:
    """A report answered 250 is in the store after SIGKILL and a restart."""
    data_dir = tmp_path / "var"
    with ServiceProcess(data_dir) as service:
        assert deliver(service.port)[0] == 250
        service.kill()
    with ServiceProcess(data_dir) as restarted:
        assert deliver(restarted.port)[1].startswith(b"2.0.0 Report already received, intake id 1")
        assert restarted.terminate() == 0
    [record] = intake_list(data_dir)
    assert record["size"] == len(REPORT)


def test_sigterm_exits_cleanly(tmp_path: Path) -> None:
    """SIGTERM stops the service with exit status 0 and a 'stopped' log line."""
    with ServiceProcess(tmp_path / "var") as service:
        assert service.terminate() == 0
        assert '"event": "service_stopped"' in service.stderr()


def test_sigterm_lets_a_session_mid_message_finish(tmp_path: Path) -> None:
    """A session in the middle of DATA when SIGTERM arrives still gets its 250 and is stored."""
    data_dir = tmp_path / "var"
    with ServiceProcess(data_dir) as service, RawSession(service.port) as session:
        session.command("EHLO mx.reporter.example")
        session.command("MAIL FROM:<r@reporter.example>")
        session.command("RCPT TO:<abuse@example.net>")
        session.command("DATA")
        session.send(REPORT[:20])
        service.proc.send_signal(15)
        time.sleep(0.3)
        session.send(REPORT[20:] + b".\r\n")
        assert session.reply().startswith("250 2.0.0")
        assert service.proc.wait(20) == 0
    assert len(intake_list(data_dir)) == 1


def test_sigterm_closes_idle_sessions_with_421(tmp_path: Path) -> None:
    """An idle session is told 421 4.3.2 at shutdown instead of holding the service up."""
    with ServiceProcess(tmp_path / "var") as service, RawSession(service.port) as session:
        session.command("EHLO mx.reporter.example")
        service.proc.send_signal(15)
        assert session.reply().startswith("421 4.3.2")
        assert service.proc.wait(20) == 0


def test_config_error_names_the_key(tmp_path: Path) -> None:
    """A misspelt key in the config file fails start-up with exit 2, naming the key."""
    config = tmp_path / "bad.toml"
    config.write_text("[smtp]\nprot = 25\n", encoding="utf-8")
    done = run_cli("run", "--config", str(config), "--data-dir", str(tmp_path / "var"))
    assert done.returncode == 2 and "smtp.prot" in done.stderr


def test_unreadable_tls_certificate_names_the_key(tmp_path: Path) -> None:
    """A TLS certificate that cannot be loaded fails start-up naming smtp.tls_cert."""
    config = tmp_path / "tls.toml"
    config.write_text(
        f'[smtp]\ntls_cert = "{tmp_path}/none.pem"\ntls_key = "{tmp_path}/none.key"\n',
        encoding="utf-8",
    )
    done = run_cli("run", "--config", str(config), "--data-dir", str(tmp_path / "var"))
    assert done.returncode == 2 and "smtp.tls_cert" in done.stderr


def test_several_listener_processes_share_the_port(tmp_path: Path) -> None:
    """With smtp.processes = 2 every delivery is stored and SIGTERM stops all processes."""
    data_dir = tmp_path / "var"
    env = {"ABUSE_PIPELINE_SMTP__PROCESSES": "2"}
    with ServiceProcess(data_dir, env=env) as service:
        replies = [deliver(service.port, REPORT + f"copy {n}\r\n".encode())[0] for n in range(12)]
        assert service.terminate() == 0
        assert '"event": "smtp_workers_started"' in service.stderr()
    assert replies == [250] * 12 and len(intake_list(data_dir)) == 12


def test_kill_9_leaves_no_listener_process_behind(tmp_path: Path) -> None:
    """After SIGKILL of the parent its extra listener processes exit and free the port."""
    env = {"ABUSE_PIPELINE_SMTP__PROCESSES": "2"}
    with ServiceProcess(tmp_path / "var", env=env) as service:
        port = service.port
        service.kill()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _accepts(port):
        time.sleep(0.1)
    assert not _accepts(port)


def _accepts(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def test_port_in_use_fails_start_up_with_a_message(tmp_path: Path) -> None:
    """When the SMTP port is taken, run exits 1 with a one-line reason, not a traceback."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_cli(
            "run",
            "--data-dir",
            str(tmp_path / "var"),
            env={
                "ABUSE_PIPELINE_SMTP__PORT": str(port),
                "ABUSE_PIPELINE_API__ENABLED": "false",
                "ABUSE_PIPELINE_WORKER__ENABLED": "false",
            },
        )
    assert done.returncode == 1 and "cannot start" in done.stderr
    assert "Traceback" not in done.stderr


def test_require_tls_with_lmtp_is_refused_at_start(tmp_path: Path) -> None:
    """A configuration asking for required TLS in LMTP mode fails naming smtp."""
    done = run_cli(
        "run",
        "--data-dir",
        str(tmp_path / "var"),
        env={
            "ABUSE_PIPELINE_SMTP__LMTP": "true",
            "ABUSE_PIPELINE_SMTP__REQUIRE_TLS": "true",
            "ABUSE_PIPELINE_SMTP__TLS_CERT": "/dev/null",
            "ABUSE_PIPELINE_SMTP__TLS_KEY": "/dev/null",
        },
    )
    assert done.returncode == 2 and "smtp" in done.stderr and "lmtp" in done.stderr
