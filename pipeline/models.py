"""The abuse desk's value objects, shared by every stage: frozen, typed, JSON-ready."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Channel(StrEnum):
    """How a report reached the desk."""

    SMTP = "smtp"
    LMTP = "lmtp"
    KAFKA = "kafka"
    HTTP = "http"


class IntakeState(StrEnum):
    """Where a stored raw report is in its life."""

    RECEIVED = "received"
    PARSED = "parsed"
    QUARANTINED = "quarantined"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class Envelope:
    """What the sending MTA told us in the SMTP/LMTP dialogue (or the Kafka record's origin)."""

    peer: str | None = None
    helo: str | None = None
    mail_from: str | None = None
    rcpt_to: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class IntakeRecord:
    """One raw report as stored durably, before any parsing."""

    id: int
    sha256: str
    channel: Channel
    envelope: Envelope
    received_at: datetime
    size: int
    state: IntakeState
    error: str | None = None


class OffenderKind(StrEnum):
    IP = "ip"
    DOMAIN = "domain"
    URL = "url"
    EMAIL = "email"


@dataclass(frozen=True, slots=True)
class Offender:
    """Something that abused the network: an address, domain, URL or mailbox — never a relay.

    ``role`` says how it took part (``source``, ``spamvertised``, ``phishing_url``, ``hosting``,
    ``sender``…). ``reserved`` marks an address a report *declared* as the source although it
    lies in a private, documentation or other reserved range (anonymised samples do that).
    """

    kind: OffenderKind
    value: str
    role: str
    reserved: bool = False

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind.value, "value": self.value, "role": self.role}
        if self.reserved:
            out["reserved"] = True
        return out


@dataclass(frozen=True, slots=True)
class Report:
    """A parsed abuse report: its format, reporter, offenders and the text the classifier reads.

    ``fields`` carries the structured signals a format declares (e.g. ``feedback_type`` from
    ARF, ``xarf_category``/``xarf_type`` from X-ARF, ``reporter_domain``), lower-case keys.
    ``body`` is the report's own human-readable text; ``evidence`` a bounded excerpt of the
    attached evidence (original message headers/body, log lines).
    """

    format: str
    subject: str = ""
    reporter: str | None = None
    offenders: tuple[Offender, ...] = ()
    body: str = ""
    evidence: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    #: Structured category a format declared itself (X-ARF, ARF Feedback-Type), if unambiguous.
    declared_category: str | None = None
    date: datetime | None = None
    warnings: tuple[str, ...] = ()
