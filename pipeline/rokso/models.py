"""ROKSO value objects: a register record, a match (evidence), an import's diff summary.

Spamhaus's Register Of Known Spam Operations has no machine feed; the desk imports what its
operators hold. A customer or offender that matches a record is grounds for suspension under
the Lumen AUP ("no service on behalf of persons or firms listed in ROKSO"), so a match must
always say which record and exactly what matched, for the case file and for review.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from ipaddress import IPv4Network, IPv6Network, ip_network
from typing import Any

Netblock = IPv4Network | IPv6Network


@dataclass(frozen=True, slots=True)
class RoksoRecord:
    """One ROKSO record as imported: an operation, its aliases, domains and netblocks.

    Values are normalised on import (domains lower-case A-labels, netblocks canonical,
    SBL ids upper-case), so two imports of the same data compare equal.
    """

    record_id: str
    operation: str
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    netblocks: tuple[Netblock, ...] = ()
    reference_url: str | None = None
    #: SBL records Spamhaus links to this operation (``SBL123456``).
    sbl_ids: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "record_id": self.record_id,
            "operation": self.operation,
            "aliases": list(self.aliases),
            "domains": list(self.domains),
            "netblocks": [str(n) for n in self.netblocks],
            "reference_url": self.reference_url,
            "sbl_ids": list(self.sbl_ids),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RoksoRecord:
        """The record ``to_json`` wrote (the register's own storage; already normalised)."""
        return cls(
            record_id=data["record_id"],
            operation=data["operation"],
            aliases=tuple(data["aliases"]),
            domains=tuple(data["domains"]),
            netblocks=tuple(ip_network(n) for n in data["netblocks"]),
            reference_url=data["reference_url"],
            sbl_ids=tuple(data["sbl_ids"]),
        )


class MatchKind(StrEnum):
    """What tied a target to a record."""

    IP_IN_NETBLOCK = "ip_in_netblock"
    NETBLOCK_OVERLAP = "netblock_overlap"
    DOMAIN = "domain"
    SUBDOMAIN = "subdomain"
    NAME = "name"
    ALIAS = "alias"
    SBL_REFERENCE = "sbl_reference"


@dataclass(frozen=True, slots=True)
class RoksoMatch:
    """Evidence: ``value`` (what we looked at) matched ``listed`` (the record's entry)."""

    record_id: str
    operation: str
    kind: MatchKind
    value: str
    listed: str
    reference_url: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "record_id": self.record_id,
            "operation": self.operation,
            "kind": self.kind.value,
            "value": self.value,
            "listed": self.listed,
            "reference_url": self.reference_url,
        }


@dataclass(frozen=True, slots=True)
class CustomerIdentity:
    """Who a customer says they are: checked against the register at sign-up and on reports."""

    name: str
    domains: tuple[str, ...] = ()
    netblocks: tuple[Netblock, ...] = ()


@dataclass(frozen=True, slots=True)
class ImportDiff:
    """What an import changed against the version before it (record ids, sorted)."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def to_json(self) -> dict[str, Any]:
        return {
            "added": list(self.added),
            "removed": list(self.removed),
            "changed": list(self.changed),
        }


@dataclass(frozen=True, slots=True)
class RegisterVersion:
    """One imported version of the register."""

    version: int
    imported_at: datetime
    source: str
    sha256: str
    record_count: int
    diff: ImportDiff

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "imported_at": self.imported_at.isoformat(),
            "source": self.source,
            "sha256": self.sha256,
            "record_count": self.record_count,
            "diff": self.diff.to_json(),
        }


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """The result of ``import``: the version in force and whether this import created it."""

    version: RegisterVersion
    created: bool
