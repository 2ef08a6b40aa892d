"""The service's configuration: one TOML file plus ``ABUSE_PIPELINE_…`` overrides, validated once.

Every section is a frozen pydantic model that forbids unknown keys, so a typo fails at start-up
with the dotted name of the bad key instead of being silently ignored. Secrets are
``SecretStr`` (their ``repr`` and ``str`` are masked) and may be read from a file named by the
sibling ``<name>_file`` key, which keeps them out of the config file and the process list.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from ipaddress import IPv4Network, IPv6Network
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator

ENV_PREFIX = "ABUSE_PIPELINE_"
#: ``ABUSE_PIPELINE_SMTP__PORT=2526`` sets ``smtp.port``: the double underscore nests.
ENV_NESTING = "__"
DEFAULT_DATA_DIR = Path("var")


class ConfigError(Exception):
    """The configuration is invalid; the message names every bad key."""


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SmtpConfig(_Section):
    """The abuse mailbox listener (issue 2)."""

    enabled: bool = True
    host: str = "127.0.0.1"
    port: int = Field(default=2525, ge=0, le=65535)
    #: LMTP (RFC 2033) instead of SMTP, for delivery from Postfix or Dovecot.
    lmtp: bool = False
    hostname: str = "localhost"
    #: Recipients accepted; anything else is refused with 550 5.1.1 (never an open relay).
    accept_recipients: tuple[str, ...] = ("abuse@localhost", "abuse@example.net")
    #: Whole domains accepted (every local part), e.g. ``abuse.example.net``.
    accept_domains: tuple[str, ...] = ()
    max_message_size: int = Field(default=25 * 1024 * 1024, gt=0)
    #: RFC 5321 §4.5.3.1.8: a server must accept at least 100 recipients per message.
    max_recipients: int = Field(default=100, gt=0)
    #: Seconds a session may stay silent before it is closed; RFC 5321 §4.5.3.2.7 asks servers
    #: to wait at least 5 minutes for the next command.
    idle_timeout: float = Field(default=300.0, gt=0)
    #: Commands a session may send between accepted reports before it is closed with 421.
    max_commands: int = Field(default=200, gt=0)
    tls_cert: Path | None = None
    tls_key: Path | None = None
    require_tls: bool = False
    #: Listener processes sharing the port with SO_REUSEPORT (1 = in-process).
    processes: int = Field(default=1, ge=1, le=64)
    #: Seconds sessions in the middle of a message get to finish when the service stops.
    shutdown_grace: float = Field(default=10.0, ge=0)

    @model_validator(mode="after")
    def _tls_pair(self) -> SmtpConfig:
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ValueError("tls_cert and tls_key must be given together")
        if self.require_tls and self.tls_cert is None:
            raise ValueError("require_tls needs tls_cert and tls_key")
        if self.require_tls and self.lmtp:
            # aiosmtpd refuses LHLO before STARTTLS, so the session could never start; LMTP is
            # for delivery from the local MTA over loopback anyway.
            raise ValueError("require_tls cannot be combined with lmtp")
        return self


class StoreConfig(_Section):
    """Where intake, cases and timers live."""

    #: ``None`` means SQLite under the data directory; otherwise a SQLAlchemy URL (PostgreSQL).
    url: SecretStr | None = None
    url_file: Path | None = None
    #: How long a SQLite write waits for a lock held elsewhere before the write fails (ms).
    busy_timeout_ms: int = Field(default=5000, ge=0)
    #: Most messages the intake writer commits in one transaction (group commit).
    max_batch: int = Field(default=256, gt=0)


class ParsingConfig(_Section):
    """Report parsing and offender extraction (issue 3)."""

    #: Networks of the provider's and reporters' own relays: never offenders in Received chains.
    trusted_networks: tuple[IPv4Network | IPv6Network, ...] = ()
    #: Hostname suffixes of trusted relays (``mx.example.net`` trusts ``in1.mx.example.net``).
    trusted_domains: tuple[str, ...] = ()
    max_message_bytes: int = Field(default=25 * 1024 * 1024, gt=0)
    max_part_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    max_mime_depth: int = Field(default=10, gt=0)
    max_headers: int = Field(default=1000, gt=0)


class ClassifierConfig(_Section):
    """The AUP violation classifier (issue 4)."""

    #: ``None`` means the model shipped in ``classifiers/model``.
    model_path: Path | None = None
    #: Below this confidence a report is routed to ``review``.
    review_threshold: float = Field(default=0.6, ge=0.0, le=1.0)


class DnsblZoneConfig(_Section):
    """One DNSBL zone; ``kind`` picks the return-code table used to decode its answers."""

    name: str
    kind: Literal["zen", "dbl", "zrd", "generic"] = "generic"
    #: DQS zones are ``<key>.<name>``; the key is a secret and never leaves the resolver.
    dqs: bool = False
    #: What the zone lists; ``None`` follows ``kind`` (zen: ip; dbl, zrd: domain; generic: ip).
    lists: Literal["ip", "domain"] | None = None
    #: Return-code names for a ``generic`` zone, e.g. ``{"127.0.0.2" = "LISTED"}``.
    codes: dict[str, str] = Field(default_factory=dict)
    #: Health probe targets; ``None`` follows ``kind`` (127.0.0.2 / 127.0.0.1 for IP lists,
    #: dbltest.com / example.com for DBL, clean half example.com only for ZRD); empty string
    #: disables that half of the probe.
    probe_listed: str | None = None
    probe_clean: str | None = None


class DnsblConfig(_Section):
    """Spamhaus and other DNSBL look-ups (issue 5)."""

    zones: tuple[DnsblZoneConfig, ...] = (
        DnsblZoneConfig(name="zen.spamhaus.org", kind="zen"),
        DnsblZoneConfig(name="dbl.spamhaus.org", kind="dbl"),
    )
    #: ``host:port`` pairs; empty means the system resolver.
    nameservers: tuple[str, ...] = ()
    dqs_key: SecretStr | None = None
    dqs_key_file: Path | None = None
    timeout: float = Field(default=2.0, gt=0)
    retries: int = Field(default=2, ge=0)
    max_concurrency: int = Field(default=256, gt=0)
    cache_min_ttl: int = Field(default=60, ge=0)
    cache_max_ttl: int = Field(default=3600, ge=0)
    negative_ttl: int = Field(default=300, ge=0)
    cache_size: int = Field(default=100_000, ge=0)
    health_interval: float = Field(default=300.0, gt=0)
    #: Probe every zone in the background from start on, then every ``health_interval``; off,
    #: zones stay ``unprobed`` and are asked as usual.
    health_checks: bool = True
    #: Seconds ``start()`` waits for the first probe before going on without it (zones then
    #: stay ``unprobed`` until it is back): a quick resolver starts with known health, an
    #: unreachable one delays start by this much at most.
    health_start_wait: float = Field(default=0.5, ge=0)
    #: Seconds a zone stays unasked after it answered 127.255.255.x (refused us).
    breaker_cooldown: float = Field(default=300.0, gt=0)
    #: Fetch the TXT record (reason, e.g. SBL reference) of every listing.
    fetch_reason: bool = True
    #: UDP sockets per nameserver; more spreads the 16-bit query-id space under load.
    sockets: int = Field(default=1, ge=1, le=16)


#: Scopes an API token may carry; ``cases:*`` grants every ``cases:`` scope.
API_SCOPES = frozenset(
    {"dnsbl:read", "rokso:read", "metrics:read", "cases:read", "cases:write", "cases:*"}
)
#: Shorter bearer tokens are guessable; ``openssl rand -hex 32`` gives 64 characters.
MIN_API_TOKEN_LENGTH = 16


class ApiTokenConfig(_Section):
    """A bearer token and what it may do."""

    name: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    token: SecretStr | None = None
    token_file: Path | None = None
    scopes: tuple[str, ...] = ("dnsbl:read",)
    #: Requests per minute for this token.
    rate_limit: int = Field(default=600, gt=0)

    @model_validator(mode="after")
    def _usable(self) -> ApiTokenConfig:
        if self.token is None or len(self.token.get_secret_value()) < MIN_API_TOKEN_LENGTH:
            raise ValueError(f"token (or token_file) of at least {MIN_API_TOKEN_LENGTH} characters")
        unknown = sorted(set(self.scopes) - API_SCOPES)
        if unknown:
            raise ValueError(f"unknown scope(s) {unknown}; known: {sorted(API_SCOPES)}")
        return self


class ApiConfig(_Section):
    """The HTTP API (DNSBL look-ups, ROKSO, health, metrics).

    With no token configured the API serves ``/healthz`` only and answers 401 to the rest.
    """

    enabled: bool = True
    host: str = "127.0.0.1"
    port: int = Field(default=8025, ge=0, le=65535)
    tokens: tuple[ApiTokenConfig, ...] = ()
    max_batch: int = Field(default=100, gt=0, le=10_000)

    @model_validator(mode="after")
    def _distinct_names(self) -> ApiConfig:
        names = [t.name for t in self.tokens]
        if len(names) != len(set(names)):
            raise ValueError("token names must be distinct (they key rate limits and logs)")
        return self


class WorkerConfig(_Section):
    """The intake runner that takes stored reports through parse and classify."""

    enabled: bool = True
    #: Seconds between passes when there is nothing to do.
    poll_interval: float = Field(default=1.0, gt=0)
    batch_size: int = Field(default=64, gt=0)


class Config(_Section):
    """The whole service configuration."""

    data_dir: Path = DEFAULT_DATA_DIR
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    smtp: SmtpConfig = SmtpConfig()
    store: StoreConfig = StoreConfig()
    parsing: ParsingConfig = ParsingConfig()
    classifier: ClassifierConfig = ClassifierConfig()
    dnsbl: DnsblConfig = DnsblConfig()
    api: ApiConfig = ApiConfig()
    worker: WorkerConfig = WorkerConfig()

    def secrets(self) -> tuple[str, ...]:
        """Every secret value in force, so log output can be scrubbed of them."""
        found = [
            s.get_secret_value()
            for s in (self.store.url, self.dnsbl.dqs_key, *(t.token for t in self.api.tokens))
            if s is not None
        ]
        return tuple(v for v in found if v)


def _read_secret_files(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Resolve every ``<name>_file`` key into ``<name>``, recursively, reading the file once."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, Mapping):
            out[key] = _read_secret_files(value)
        elif isinstance(value, list):
            out[key] = [_read_secret_files(v) if isinstance(v, Mapping) else v for v in value]
        else:
            out[key] = value
    for key, value in list(out.items()):
        if key.endswith("_file") and value is not None and key[: -len("_file")] not in out:
            path = Path(str(value))
            try:
                out[key[: -len("_file")]] = path.read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ConfigError(f"{key}: cannot read secret file {path}: {exc.strerror}") from exc
    return out


def _apply_env(raw: dict[str, Any], environ: Mapping[str, str]) -> dict[str, Any]:
    """Overlay ``ABUSE_PIPELINE_SECTION__KEY=value`` onto the file's values.

    Values are parsed as TOML scalars or arrays when they parse (``2526``, ``true``,
    ``["a", "b"]``) and kept as strings otherwise, so pydantic validates them like file values.
    """
    merged = dict(raw)
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX):
            continue
        path = [p.lower() for p in name[len(ENV_PREFIX) :].split(ENV_NESTING)]
        node = merged
        for part in path[:-1]:
            child = node.get(part)
            child = dict(child) if isinstance(child, Mapping) else {}
            node[part] = child
            node = child
        try:
            parsed: Any = tomllib.loads(f"v = {value}")["v"]
        except tomllib.TOMLDecodeError:
            parsed = value
        node[path[-1]] = parsed
    return merged


def _describe(exc: ValidationError) -> str:
    lines = []
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"]) or "(top level)"
        lines.append(f"{key}: {err['msg']}")
    return "invalid configuration:\n  " + "\n  ".join(lines)


def load_config(
    path: Path | None = None,
    *,
    data_dir: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Config:
    """Build the one configuration object: file, then environment, then command-line data dir."""
    raw: dict[str, Any] = {}
    if path is not None:
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"cannot read configuration file {path}: {exc.strerror}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    raw = _apply_env(raw, os.environ if environ is None else environ)
    if data_dir is not None:
        raw["data_dir"] = str(data_dir)
    raw = _read_secret_files(raw)
    try:
        return Config.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_describe(exc)) from None
