"""Session set-up: aiosmtpd still finds every command, AUTH mechanism and hook of our classes."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from listeners.recipients import RecipientPolicy
from listeners.smtp import AbuseMailboxHandler, MailboxLMTP, MailboxSMTP
from pipeline.config import Config
from pipeline.store.engine import create_store_engine
from pipeline.store.intake import SqlIntakeStore
from pipeline.store.writer import IntakeWriter


def named(cls: type, prefix: str) -> set[str]:
    """Names aiosmtpd would derive from a full ``dir()`` of the class."""
    return {n.removeprefix(prefix) for n in dir(cls) if n.startswith(prefix)}


@pytest.mark.parametrize("session_class", [MailboxSMTP, MailboxLMTP])
async def test_session_discovers_every_hook(
    tmp_path: Path, session_class: type[MailboxSMTP]
) -> None:
    """The short ``dir()`` listing leaves aiosmtpd the same commands, AUTH methods and hooks."""
    writer = IntakeWriter(SqlIntakeStore(create_store_engine(Config(data_dir=tmp_path))))
    handler = AbuseMailboxHandler(writer, RecipientPolicy(["abuse@localhost"]), max_recipients=5)
    session = session_class(handler, max_commands=5, loop=asyncio.get_running_loop())
    writer.close()
    assert set(session._smtp_methods) == named(session_class, "smtp_")
    assert set(session._handle_hooks) == named(AbuseMailboxHandler, "handle_") == {"RCPT", "DATA"}
    assert set(session._auth_methods) == named(session_class, "auth_") == {"LOGIN", "PLAIN"}
