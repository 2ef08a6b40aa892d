"""The abuse mailbox as a service component: bind, serve sessions, drain them on stop."""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from collections.abc import Callable

from listeners import smtp_replies as replies
from listeners.recipients import RecipientPolicy
from listeners.smtp import AbuseMailboxHandler, MailboxLMTP, MailboxSMTP
from pipeline.config import ConfigError, SmtpConfig
from pipeline.models import Channel
from pipeline.store.writer import IntakeWriter

log = logging.getLogger(__name__)

#: How often shutdown looks for sessions that finished their message.
_DRAIN_POLL = 0.05


def tls_context(config: SmtpConfig) -> ssl.SSLContext | None:
    """The STARTTLS context from ``smtp.tls_cert``/``smtp.tls_key``, or None without them."""
    if config.tls_cert is None or config.tls_key is None:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(config.tls_cert, config.tls_key)
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(f"smtp.tls_cert/smtp.tls_key: cannot load: {exc}") from exc
    return context


class SmtpListener:
    """Component serving SMTP (or LMTP) on ``smtp.host:smtp.port`` into the intake writer."""

    name = "smtp"

    def __init__(
        self,
        config: SmtpConfig,
        writer: Callable[[], IntakeWriter],
        *,
        reuse_port: bool = False,
    ) -> None:
        self._config = config
        self._writer = writer
        self._reuse_port = reuse_port
        self._tls = tls_context(config)
        self._server: asyncio.Server | None = None
        self._sessions: set[MailboxSMTP] = set()
        self.address: tuple[str, int] | None = None

    @property
    def port(self) -> int:
        """The bound port (resolves ``smtp.port = 0``); only valid once started."""
        if self.address is None:
            raise RuntimeError("smtp listener not started")
        return self.address[1]

    async def start(self) -> None:
        cfg = self._config
        loop = asyncio.get_running_loop()
        channel = Channel.LMTP if cfg.lmtp else Channel.SMTP
        handler = AbuseMailboxHandler(
            self._writer(),
            RecipientPolicy(cfg.accept_recipients, cfg.accept_domains),
            max_recipients=cfg.max_recipients,
            channel=channel,
        )
        session_class = MailboxLMTP if cfg.lmtp else MailboxSMTP

        def new_session() -> MailboxSMTP:
            session = session_class(
                handler,
                max_commands=cfg.max_commands,
                on_close=self._sessions.discard,
                data_size_limit=cfg.max_message_size,
                enable_SMTPUTF8=True,
                hostname=cfg.hostname,
                ident="abuse-pipeline",
                tls_context=self._tls,
                require_starttls=cfg.require_tls,
                timeout=cfg.idle_timeout,
                loop=loop,
            )
            self._sessions.add(session)
            return session

        self._server = await loop.create_server(
            new_session, cfg.host, cfg.port, reuse_port=self._reuse_port or None
        )
        sock = self._server.sockets[0]
        host, port = sock.getsockname()[:2]
        self.address = (str(host), int(port))
        log.info(
            "abuse mailbox listening",
            extra={
                "fields": {
                    "event": "smtp_listening",
                    "protocol": channel.value,
                    "host": host,
                    "port": port,
                    "tls": self._tls is not None,
                    "require_tls": cfg.require_tls,
                }
            },
        )

    async def stop(self) -> None:
        """Stop accepting, let sessions mid-message finish (bounded), then close the rest."""
        if self._server is None:
            return
        self._server.close()
        deadline = time.monotonic() + self._config.shutdown_grace
        while self._sessions:
            final = time.monotonic() >= deadline
            for session in list(self._sessions):
                if final or not session.in_transaction:
                    session.say_goodbye(replies.SHUTTING_DOWN, "shutdown")
                    self._sessions.discard(session)
            if self._sessions:
                await asyncio.sleep(_DRAIN_POLL)
        await self._server.wait_closed()
        self._server = None
