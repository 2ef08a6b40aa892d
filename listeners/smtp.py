"""The abuse mailbox: a thin aiosmtpd handler (check, store, reply) and its SMTP/LMTP sessions.

The handler refuses recipients that are not the desk's, hands the message to the intake
writer and answers ``250`` only after the writer reports the message committed to disk; a
store failure answers ``451 4.3.0`` so the sending MTA keeps the message and retries. The
session classes add what aiosmtpd lacks: enhanced status codes on the library's own refusals,
a per-session command budget, a ``421`` on idle timeout and one JSON log line per session.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, syntax

from listeners import smtp_replies as replies
from listeners.recipients import RecipientPolicy
from listeners.smtp_data import read_data
from listeners.smtp_paths import plain_path
from pipeline.models import Channel, Envelope, IntakeRecord
from pipeline.store.writer import IntakeWriter

log = logging.getLogger(__name__)
# aiosmtpd logs every command line (addresses included) at INFO and message lines at DEBUG;
# the desk logs one line per session itself and keeps bodies out of logs entirely.
logging.getLogger("mail.log").setLevel(logging.WARNING)


#: The method name prefixes aiosmtpd looks up when a session starts: commands, AUTH, hooks.
_HOOK_PREFIXES = ("smtp_", "auth_", "handle_")


class _HookListing:
    """``dir()`` lists only the hook methods, which is all aiosmtpd looks for.

    aiosmtpd's ``SMTP.__init__`` runs ``dir()`` and ``inspect.getmembers()`` on the session
    and on the handler for every connection, only to pick out the ``smtp_``/``auth_``/
    ``handle_`` methods; over the full attribute list that took 308 µs of the 352 µs spent
    building a session here. The names are worked out once per class instead.
    """

    _hook_names: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._hook_names = tuple(name for name in dir(cls) if name.startswith(_HOOK_PREFIXES))

    def __dir__(self) -> Iterable[str]:
        return self._hook_names


def has_bare_line_ending(data: bytes) -> bool:
    """True when ``data`` holds a CR or LF that is not part of a CRLF pair.

    Every SMTP-smuggling end-of-data variant (``\\n.\\n``, ``\\r.\\n``, ``\\n.\\r\\n`` …) needs
    one, so refusing them all closes the attack whatever a downstream parser would make of it.
    """
    pairs = data.count(b"\r\n")
    return data.count(b"\r") != pairs or data.count(b"\n") != pairs


@dataclass(slots=True)
class SessionOutcome:
    """What happened in one connection; logged as one line when it ends (never the body)."""

    peer: str | None = None
    helo: str | None = None
    tls: bool = False
    mail_from: str | None = None
    rcpt_count: int = 0
    size: int | None = None
    sha256: str | None = None
    intake_ids: list[int] = field(default_factory=list)
    reply: str | None = None
    refusals: list[str] = field(default_factory=list)
    commands: int = 0
    ended: str = "disconnect"

    def fields(self) -> dict[str, Any]:
        return {"event": "smtp_session", **{k: getattr(self, k) for k in self.__slots__}}


class AbuseMailboxHandler(_HookListing):
    """aiosmtpd hooks: only the desk's recipients, at most ``max_recipients``, stored before 250."""

    def __init__(
        self,
        writer: IntakeWriter,
        policy: RecipientPolicy,
        *,
        max_recipients: int,
        channel: Channel = Channel.SMTP,
    ) -> None:
        self._writer = writer
        self._policy = policy
        self._max_recipients = max_recipients
        self._channel = channel

    async def handle_RCPT(
        self, server: MailboxSMTP, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if not self._policy.accepts(address):
            return replies.RELAY_DENIED.format(address=address)
        if len(envelope.rcpt_tos) >= self._max_recipients:
            return replies.TOO_MANY_RECIPIENTS
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 2.1.5 Recipient ok"

    async def handle_DATA(self, server: MailboxSMTP, session: Any, envelope: Any) -> str:
        raw: bytes = envelope.original_content
        outcome = server.outcome
        outcome.mail_from = envelope.mail_from
        outcome.rcpt_count = len(envelope.rcpt_tos)
        outcome.size = len(raw)
        outcome.sha256 = None
        return await self._store(raw, session, envelope, outcome)

    async def _store(self, raw: bytes, session: Any, envelope: Any, outcome: SessionOutcome) -> str:
        if has_bare_line_ending(raw):
            return replies.BARE_LINE_ENDING
        peer = session.peer[0] if isinstance(session.peer, tuple) else session.peer
        stored = Envelope(
            peer=peer,
            helo=session.host_name,
            mail_from=envelope.mail_from,
            rcpt_to=tuple(envelope.rcpt_tos),
        )
        try:
            record, created = await self._writer.submit(raw, self._channel, stored)
        except Exception as exc:
            log.error(
                "report not stored, sender told to retry",
                extra={
                    "fields": {
                        "event": "smtp_store_failed",
                        "peer": peer,
                        "error": f"{type(exc).__name__}: {exc}",
                    }
                },
            )
            return replies.STORE_FAILED
        _note_stored(outcome, record)
        template = replies.ACCEPTED if created else replies.DUPLICATE
        return template.format(intake_id=record.id)


def _note_stored(outcome: SessionOutcome, record: IntakeRecord) -> None:
    outcome.sha256 = record.sha256
    outcome.intake_ids.append(record.id)


class MailboxSMTP(_HookListing, SMTP):
    """An aiosmtpd SMTP session with the desk's limits, replies and session log line."""

    line_length_limit = replies.TEXT_LINE_LIMIT

    def __init__(
        self,
        handler: AbuseMailboxHandler,
        *,
        max_commands: int,
        on_close: Callable[[MailboxSMTP], None] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(handler, **kwargs)
        self.outcome = SessionOutcome()
        self._max_commands = max_commands
        self._commands_left = max_commands
        self._on_close = on_close
        #: Loop time after which a silent session is closed, and when the idle timer is due.
        self._idle_deadline = 0.0
        self._idle_timer_at: float | None = None
        self._smtp_methods = {
            name: self._counted(method) for name, method in self._smtp_methods.items()
        }

    def _getaddr(self, arg: str) -> tuple[str | None, str | None]:
        # Plain paths skip aiosmtpd's per-call class and header parser (see smtp_paths).
        fast = plain_path(arg)
        if fast is None:
            return super()._getaddr(arg)
        address, rest = fast
        if self.local_part_limit and len(address.rpartition("@")[0]) > self.local_part_limit:
            return None, None
        return address, rest

    @property
    def in_transaction(self) -> bool:
        """True between MAIL and the end of DATA: shutting down now would cut a report off."""
        return self.envelope is not None and self.envelope.mail_from is not None

    def _counted(self, method: Callable[[str | None], Awaitable[None]]) -> Callable[..., Any]:
        async def counted(arg: str | None) -> None:
            self._commands_left -= 1
            self.outcome.commands += 1
            if self._commands_left < 0:
                self.outcome.ended = "too_many_commands"
                await self.push(replies.TOO_MANY_COMMANDS.format(hostname=self.hostname))
                if self.transport is not None:
                    self.transport.close()
                return
            await method(arg)

        return counted

    @syntax("DATA")
    async def smtp_DATA(self, arg: str | None) -> None:
        """aiosmtpd's DATA, reading the message in chunks (see ``listeners.smtp_data``)."""
        if await self.check_helo_needed() or await self.check_auth_needed("DATA"):
            return
        assert self.envelope is not None
        if not self.envelope.rcpt_tos:
            await self.push("503 5.5.1 Error: need RCPT command")
            return
        if arg:
            await self.push("501 5.5.4 Syntax: DATA")
            return
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        data = await read_data(self._reader, self.data_size_limit, self._reset_timeout)
        if data is None:
            if self.transport is not None:
                self.transport.close()
            return
        if data.rest:
            # A client that ignores the missing PIPELINING sent its next commands along; put
            # them back so the command loop reads them as aiosmtpd's line reader would have.
            self._reader._buffer[:0] = data.rest  # type: ignore[attr-defined]
        if data.content is None:
            status = data.refusal or replies.TOO_BIG
        else:
            self.envelope.content = self.envelope.original_content = data.content
            status = await self._call_handler_hook("DATA")
        recipients = len(self.envelope.rcpt_tos)
        self.envelope = self._create_envelope()
        await self.push(self.data_reply(status, recipients))

    def data_reply(self, status: str, recipients: int) -> str:
        """SMTP answers the end of data once."""
        return status

    async def push(self, status: str | bytes) -> None:
        text = replies.translate(status if isinstance(status, str) else status.decode())
        if text.startswith("221"):
            self.outcome.ended = "quit"
        elif text[:1] in ("4", "5"):
            self.outcome.refusals.append(text[:9].strip())
        if text.startswith(("250 2.0.0 Report", "4", "5")):
            self.outcome.reply = text[:9].strip()
        if text.startswith("250 2.0.0 Report"):
            # The budget bounds commands between reports (like Postfix's junk command limit),
            # so an MTA reusing one connection for many reports is never cut off.
            self._commands_left = self._max_commands
        await super().push(text)

    def say_goodbye(self, template: str, ended: str) -> None:
        """Send a ``421`` and close: used on idle timeout and at shutdown."""
        self.outcome.ended = ended
        # uvloop's transports do not subclass asyncio.WriteTransport, so no isinstance here.
        transport = cast(asyncio.WriteTransport | None, self.transport)
        if transport is not None and not transport.is_closing():
            transport.write((template.format(hostname=self.hostname) + "\r\n").encode())
            transport.close()

    def _reset_timeout(self, duration: float | None = None) -> None:
        # aiosmtpd cancels and re-creates a timer on every command and DATA line; under load
        # that churn shows in the profile. Moving the deadline is enough: the one pending
        # timer re-arms itself when it fires before the deadline.
        self._idle_deadline = self.loop.time() + (duration or self._timeout_duration)
        if self._idle_timer_at is None or self._idle_timer_at > self._idle_deadline:
            if self._timeout_handle is not None:
                self._timeout_handle.cancel()
            self._arm_idle_timer()

    def _arm_idle_timer(self) -> None:
        self._idle_timer_at = self._idle_deadline
        self._timeout_handle = self.loop.call_at(self._idle_deadline, self._idle_timer_fired)

    def _idle_timer_fired(self) -> None:
        self._idle_timer_at = None
        if self.loop.time() < self._idle_deadline:
            self._arm_idle_timer()
        else:
            self._timeout_cb()

    def _timeout_cb(self) -> None:
        # aiosmtpd closes silently; RFC 5321 §3.8 wants a 421 before the server hangs up.
        self.say_goodbye(replies.IDLE_TIMEOUT, "idle_timeout")

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        # aiosmtpd annotates peer as str, but it holds the socket's (host, port) tuple.
        peer: Any = self.session.peer if self.session is not None else None
        if self.outcome.peer is None and peer:
            self.outcome.peer = str(peer[0]) if isinstance(peer, tuple) else str(peer)

    def connection_lost(self, error: Exception | None) -> None:
        if self.session is not None:
            self.outcome.helo = self.session.host_name
            self.outcome.tls = self.session.ssl is not None
        log.info("smtp session", extra={"fields": self.outcome.fields()})
        super().connection_lost(error)
        if self._on_close is not None:
            self._on_close(self)


class MailboxLMTP(MailboxSMTP, LMTP):
    """The same session speaking LMTP (RFC 2033), for delivery from Postfix or Dovecot."""

    def data_reply(self, status: str, recipients: int) -> str:
        """RFC 2033 §4.2: one reply per accepted recipient, in RCPT order."""
        return "\r\n".join([status] * recipients)
