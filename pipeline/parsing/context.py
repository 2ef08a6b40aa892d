"""What every format parser reads: the walked message, the reporter and shared helpers."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.message import Message
from functools import cached_property
from typing import Any, TypeVar, cast

from pipeline.config import ParsingConfig
from pipeline.models import Report
from pipeline.parsing.addresses import addresses
from pipeline.parsing.dates import to_utc
from pipeline.parsing.limits import MAX_BODY_CHARS, MAX_EVIDENCE_CHARS, MAX_RECEIVED_HOPS
from pipeline.parsing.mailboxes import valid_email
from pipeline.parsing.mime import (
    MimePart,
    MimeTree,
    decode_bytes,
    header_block,
    header_text,
    header_values,
)
from pipeline.parsing.offenders import OffenderSet
from pipeline.parsing.psl import registrable_domain
from pipeline.parsing.received import origin_hop

_TAG = re.compile(r"<[^>]{0,2000}>")
_DKIM_DOMAIN = re.compile(r"(?:^|;)\s*d\s*=\s*([A-Za-z0-9.-]+)")
_BY_HOST = re.compile(r"\bby\s+([A-Za-z0-9][A-Za-z0-9.-]*\.[A-Za-z]{2,63})\b", re.IGNORECASE)
#: Header fields naming the reporter's own mail system (RFC 5322 §3.6.2 originator fields,
#: §3.6.7 Return-Path; with Message-ID §3.6.4 and DKIM ``d=``, RFC 6376 §3.5): links and
#: addresses under these domains are the reporter's, not the abuser's.
OWN_ADDRESS_FIELDS = ("From", "Sender", "Reply-To", "Return-Path")
_FIELD = re.compile(r"^([A-Za-z][A-Za-z0-9_-]{0,63})\s*:\s*(.*)$")
T = TypeVar("T")


class FormatError(Exception):
    """The message is in a recognised format but violates it; ``str(exc)`` is the reason."""


# Not slotted: the header-derived sets below are cached per message (``cached_property``
# needs an instance ``__dict__``) because every format parser asks for them, some twice.
@dataclass(frozen=True)
class Context:
    """The walked message plus who sent it; built once per message."""

    tree: MimeTree
    config: ParsingConfig
    reporter: str | None
    _memo: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def root(self) -> Message:
        return self.tree.root

    @property
    def headers(self) -> Message:
        """The report's own header fields (``root``, whose look-ups are indexed)."""
        return self.tree.root

    def remember(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()``, run once per message: detection and the chosen parser share it."""
        if key not in self._memo:
            self._memo[key] = compute()
        return cast(T, self._memo[key])

    @cached_property
    def reporter_domain(self) -> str | None:
        if not self.reporter:
            return None
        return registrable_domain(self.reporter.rsplit("@", 1)[-1])

    @cached_property
    def own_domains(self) -> frozenset[str]:
        """Registrable domains of the reporter's own mail system, read from the report's header.

        From, Sender, Reply-To, Return-Path, every DKIM-Signature ``d=`` and the Message-ID's
        right-hand side. The desk's own domain (its recipients') is never counted: a hosting
        provider's customers live under it, and a forward can rewrite Return-Path to it.
        """
        return own_domains(self.headers, self.recipients)

    @cached_property
    def relay_domains(self) -> frozenset[str]:
        """Registrable domains of the hosts that received the report itself (``by`` clauses).

        These relays belong to the reporter and to the desk; a report's attached original
        passed them last, so they are never its origin.
        """
        found = set()
        for value in header_values(self.headers, "Received")[:MAX_RECEIVED_HOPS]:
            for host in _BY_HOST.findall(value):
                base = registrable_domain(host)
                if base:
                    found.add(base)
        return frozenset(found)

    def offender_set(self, *extra_ignored: str | None) -> OffenderSet:
        """A collector that ignores the reporter's and trusted relays' own domains."""

        def ignores() -> tuple[frozenset[str], frozenset[str]]:
            ignored = {self.reporter_domain, *self.own_domains, *extra_ignored}
            ignored.update(registrable_domain(d) for d in self.config.trusted_domains)
            return frozenset(d for d in ignored if d), self.recipients

        # Worked out on the collector's first question: many reports never ask one.
        return OffenderSet(ignores=ignores)

    @cached_property
    def recipients(self) -> frozenset[str]:
        """The desk's own addresses: where this report was sent (To, Cc, Delivered-To).

        Only the addresses, not their domains: a hosting provider's customers often live
        under the provider's own domain, and those are exactly the offenders we look for.
        """
        values = [header_text(self.headers, name) for name in ("To", "Cc", "Delivered-To")]
        return frozenset(a.lower() for a in addresses(values) if "@" in a)

    def parts_of(self, message_index: int) -> list[MimePart]:
        return [p for p in self.tree.parts if p.message_index == message_index]

    def report_text(self) -> str:
        """The report's own human text: the first text part(s) of the outer message."""
        return bounded(self.texts(0, limit=3), MAX_BODY_CHARS)

    def texts(self, message_index: int, *, limit: int = 20) -> str:
        """The plain text of one message (an HTML part, tag-stripped, when it has none)."""
        # Detection asks each format in turn for the same text; join (and strip HTML) once.
        key = f"texts:{message_index}:{limit}"
        return self.remember(key, lambda: self._texts(message_index, limit))

    def _texts(self, message_index: int, limit: int) -> str:
        chunks: list[str] = []
        for part in self.parts_of(message_index):
            if part.text is None or part.filename:
                continue
            if part.content_type == "text/plain":
                chunks.append(part.text)
            elif part.content_type == "text/html" and not chunks:
                chunks.append(html_to_text(part.text))
            if len(chunks) >= limit:
                break
        return "\n".join(chunks)

    def raw_texts(self, message_index: int) -> str:
        """All text of one message including HTML source (hrefs hold the URLs)."""
        return "\n".join(p.text for p in self.parts_of(message_index) if p.text is not None)

    def date(self) -> str:
        return header_text(self.headers, "Date")

    def report(
        self,
        format: str,
        offenders: OffenderSet,
        *,
        body: str | None = None,
        evidence: str = "",
        fields: dict[str, str] | None = None,
        declared_category: str | None = None,
        date: datetime | None = None,
        warnings: Sequence[str] = (),
    ) -> Report:
        """The format's findings as a ``Report``, with what every format takes from the mail.

        Subject, reporter, the report's own text, its date and the MIME walk's warnings come
        from the message unless the format read better ones; ``reporter_domain`` is added to
        ``fields`` when the format did not set it.
        """
        fields = dict(fields or {})
        if self.reporter_domain and "reporter_domain" not in fields:
            fields["reporter_domain"] = self.reporter_domain
        return Report(
            format=format,
            subject=self.subject(),
            reporter=self.reporter,
            offenders=offenders.result(),
            body=self.report_text() if body is None else body,
            evidence=evidence,
            fields=fields,
            declared_category=declared_category,
            date=date or to_utc(self.date()),
            warnings=(*self.tree.warnings, *warnings),
        )

    def subject(self) -> str:
        return header_text(self.headers, "Subject")


def reporter_of(msg: Message) -> str | None:
    """The reporting organisation's address: ``Reply-To``-independent ``From`` of the report."""
    value = header_text(msg, "From") or header_text(msg, "Sender")
    for address in addresses([value]):
        checked = valid_email(address)
        if checked:
            return checked.lower()
    return None


def own_domains(msg: Message, recipients: frozenset[str] = frozenset()) -> frozenset[str]:
    """See ``Context.own_domains``: the sender side's domains named in ``msg``'s header."""
    values = [header_text(msg, name) for name in OWN_ADDRESS_FIELDS]
    hosts = [a.rsplit("@", 1)[1] for a in addresses(values) if "@" in a]
    message_id = header_text(msg, "Message-ID").strip().strip("<>")
    if "@" in message_id:
        hosts.append(message_id.rsplit("@", 1)[1])
    for signature in header_values(msg, "DKIM-Signature"):
        hosts.extend(_DKIM_DOMAIN.findall(signature))
    desk = {registrable_domain(a.rsplit("@", 1)[1]) for a in recipients}
    found = {registrable_domain(h.strip(" >.")) for h in hosts}
    return frozenset(d for d in found if d and d not in desk)


def html_to_text(html: str) -> str:
    return " ".join(_TAG.sub(" ", html).split())


def bounded(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit]


def field_lines(text: str) -> dict[str, list[str]]:
    """``Name: value`` lines (with folded continuations) as lower-case name → values."""
    fields: dict[str, list[str]] = {}
    last: str | None = None
    for line in text.splitlines():
        if line[:1] in (" ", "\t") and last is not None:
            fields[last][-1] += " " + line.strip()
            continue
        match = _FIELD.match(line)
        if match:
            last = match.group(1).lower()
            fields.setdefault(last, []).append(match.group(2).strip())
        else:
            last = None
    return fields


def evidence_of(msg: Message, decoded: Mapping[int, bytes] | None = None) -> str:
    """Headers and the start of the body of an attached original message.

    ``decoded`` (the walk's ``MimeTree.decoded``) spares decoding a part the walk decoded.
    """
    head = header_block(msg, MAX_EVIDENCE_CHARS)
    if len(head) >= MAX_EVIDENCE_CHARS:  # the header alone fills the excerpt
        return head[:MAX_EVIDENCE_CHARS]
    known = decoded or {}
    body = ""
    payload = msg.get_payload()
    if isinstance(payload, list):
        for sub in msg.walk():
            if sub.get_content_maintype() == "text":
                data = _payload_of(sub, known)
                if isinstance(data, bytes):
                    body = decode_bytes(data[:MAX_EVIDENCE_CHARS], sub.get_content_charset())[0]
                    break
    elif isinstance(payload, str):
        data = _payload_of(msg, known)
        if isinstance(data, bytes):
            body = decode_bytes(data[:MAX_EVIDENCE_CHARS], msg.get_content_charset())[0]
    return bounded(head + "\n\n" + body, MAX_EVIDENCE_CHARS)


def _payload_of(part: Message, decoded: Mapping[int, bytes]) -> object:
    """``part.get_payload(decode=True)``, from the walk's decoding when it has it."""
    known = decoded.get(id(part))
    return part.get_payload(decode=True) if known is None else known


def add_origin(ctx: Context, offenders: OffenderSet, msg: Message) -> None:
    """The Received-chain origin of an original message, if it is a global address."""
    trusted = {*filter(None, [ctx.reporter_domain]), *ctx.own_domains, *ctx.relay_domains}
    received = header_values(msg, "Received")
    # The newest hop's ``by`` host is the reporter's receiving MX (the FBL operator's own).
    if received:
        trusted.update(filter(None, map(registrable_domain, _BY_HOST.findall(received[0])[:1])))
    desk = {registrable_domain(a.rsplit("@", 1)[1]) for a in ctx.recipients}
    hop = origin_hop(
        received,
        trusted_networks=ctx.config.trusted_networks,
        trusted_domains=(*ctx.config.trusted_domains, *sorted(trusted - desk - {None})),
    )
    if hop is not None and hop.ip is not None:
        offenders.heuristic_ip(hop.ip, "source")
