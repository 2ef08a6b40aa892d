"""A bounded, never-raising walk over a MIME message: parts decoded to text within set limits.

The stdlib parser is lenient but unbounded; this module puts the bounds around it: a header
flood is refused before parsing, nesting deeper than ``max_mime_depth`` is not descended into,
a part larger than ``max_part_bytes`` is not decoded, and text is decoded with the declared
charset when it is a real text encoding and honest, else UTF-8, else Latin-1 (which cannot
fail). Compressed attachments are only ever read up to a bound (see ``read_archive_text``).
"""

from __future__ import annotations

import codecs
import gzip
import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.header import Header, decode_header
from email.message import Message
from email.policy import compat32
from typing import Any

from pipeline.config import ParsingConfig
from pipeline.parsing.indexed import IndexedMessage, fetched
from pipeline.parsing.limits import MAX_ARCHIVE_MEMBERS, MAX_HEADER_VALUE_CHARS
from pipeline.parsing.splitter import parse_bytes, parse_text

#: ``message/*`` types whose body is a block of ``Name: value`` fields, not a message.
FIELD_BLOCK_TYPES = frozenset(
    {"message/feedback-report", "message/delivery-status", "message/disposition-notification"}
)
#: Types that carry a complete (or headers-only) original message.
EMBEDDED_TYPES = frozenset({"message/rfc822", "message/global", "text/rfc822-headers"})
#: Non-``text/*`` types, and attachment names, whose content is text worth reading.
TEXT_APPLICATION_TYPES = frozenset({"application/json", "application/xml", "application/yaml"})
TEXT_FILE_SUFFIXES = (".txt", ".log", ".csv", ".json", ".xml", ".yaml", ".yml")
#: Base64 grows data by 4/3 (RFC 2045 §6.8) plus line breaks; used to bound before decoding.
BASE64_GROWTH = 1.4


class MimeError(Exception):
    """The message cannot be walked at all; ``str(exc)`` is the quarantine reason."""


@dataclass(frozen=True, slots=True)
class MimePart:
    """One leaf (or field block) of the message, decoded within the limits."""

    content_type: str
    filename: str | None
    depth: int
    #: 0 for the report itself, n for the n-th embedded original message.
    message_index: int
    #: Decoded text for text parts and field blocks, else ``None``.
    text: str | None
    #: Decoded payload (empty for parts over the size limit).
    data: bytes
    truncated: bool = False


@dataclass(frozen=True, slots=True)
class MimeTree:
    """The walked message: its root, its leaves in order and the embedded originals."""

    #: The report itself; its header look-ups are indexed, and every format reads several.
    root: IndexedMessage
    parts: tuple[MimePart, ...]
    embedded: tuple[Message, ...]
    warnings: tuple[str, ...]
    #: Decoded payloads of the leaves, by ``id`` of their message, for readers that would
    #: otherwise decode them again (the evidence excerpt of an attached original).
    decoded: Mapping[int, bytes] = field(default_factory=dict, repr=False, compare=False)


def decode_bytes(data: bytes, charset: str | None) -> tuple[str, bool]:
    """Decode ``data`` with ``charset`` if it is a real text encoding that fits, else fall back.

    Returns the text and whether the declared charset was missing, unknown or a lie.
    """
    name = (charset or "us-ascii").strip().strip('"').lower()
    try:
        info = codecs.lookup(name)
        if getattr(info, "_is_text_encoding", True):
            return data.decode(info.name), False
    except (LookupError, UnicodeDecodeError, ValueError):
        pass
    try:
        return data.decode("utf-8"), True
    except UnicodeDecodeError:
        return data.decode("latin-1"), True


def _clean(text: str) -> str:
    # compat32 keeps undecodable header bytes as surrogates; make them printable replacements.
    if text.isascii():  # the common case has none, and the round trip costs a copy
        return text
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def header_text(msg: Message, name: str) -> str:
    """A header's value with RFC 2047 encoded-words decoded; ``""`` when absent or broken."""
    if type(msg) is IndexedMessage:
        found = msg.first_field(name)
        return "" if found is None else _first_text(msg, *found)
    try:
        raw = msg.get(name)
    except Exception:  # a broken header must not fail the report
        return ""
    return "" if raw is None else field_text(raw)


def _eight_bit_text(raw: Header) -> str:
    """The text of a field compat32 wrapped for its raw 8-bit octets.

    RFC 6532 allows UTF-8 in header fields, and older mailers send legacy charsets; compat32
    wraps such a field in a ``Header`` whose ``str()`` turns every octet into U+FFFD. Its
    encoded form keeps the octets, which ``decode_bytes`` reads as UTF-8 first.
    """
    try:
        return "".join(
            decode_bytes(chunk, charset)[0] if isinstance(chunk, bytes) else chunk
            for chunk, charset in decode_header(raw.encode())
        )
    except Exception:  # an unreadable field keeps compat32's replacement text
        return str(raw)


def field_text(raw: object) -> str:
    """One raw header value as ``header_text`` returns it: decoded, cleaned and bounded."""
    if isinstance(raw, Header):
        return " ".join(_eight_bit_text(raw)[:MAX_HEADER_VALUE_CHARS].split())
    value = _clean(str(raw))[:MAX_HEADER_VALUE_CHARS]
    if "=?" not in value:
        return " ".join(value.split())
    try:
        chunks = decode_header(value)
    except Exception:  # malformed encoded-words: keep the raw text
        return " ".join(value.split())
    out = []
    for chunk, charset in chunks:
        out.append(decode_bytes(chunk, charset)[0] if isinstance(chunk, bytes) else chunk)
    return " ".join("".join(out).split())


def header_block(msg: Message, limit: int | None = None) -> str:
    """Every header field as a ``Name: value`` line: each name once, with its first value.

    With a ``limit``, lines stop once the block is that long: the result is then a prefix of
    the whole block at least ``limit`` characters long, all that a caller keeping no more needs.
    """
    # One pass over the fields instead of one look-up per name; each line is exactly
    # ``f"{name}: {header_text(msg, name)}"``. A name's line comes where it first appears,
    # and by then the first field of its case-insensitive name has been seen: the line can be
    # built on the spot, and the pass can stop at the limit instead of reading every field.
    first: dict[str, tuple[str, Any]] = {}
    names: set[str] = set()
    lines = []
    size = -1  # length of the lines joined so far
    for stored in msg.raw_items():
        name = stored[0]
        if name in names:
            continue
        names.add(name)
        found = first.setdefault(name.lower(), stored)
        line = f"{name}: {_first_text(msg, *found)}"
        lines.append(line)
        size += len(line) + 1
        if limit is not None and size >= limit:
            break
    return "\n".join(lines)


def _first_text(msg: Message, name: str, value: Any) -> str:
    """``header_text`` of the field stored as ``(name, value)``."""
    # The usual field, plain ASCII without encoded-words, is stored as compat32's ``get``
    # returns it, and ``field_text`` would only join its words: done here without its calls.
    if msg.policy is compat32 and type(value) is str and value.isascii() and "=?" not in value:
        return " ".join(value[:MAX_HEADER_VALUE_CHARS].split())
    try:
        value = fetched(msg, name, value)
    except Exception:  # a broken header must not fail the report
        return ""
    return field_text(value)


def header_values(msg: Message, name: str) -> list[str]:
    """All values of a repeated header (e.g. ``Received``), cleaned and bounded."""
    try:
        # compat32 hands 8-bit fields out as ``Header`` objects, which the stubs leave out.
        values: list[Any] = msg.get_all(name) or []
    except Exception:
        return []
    return [
        " ".join(
            (_eight_bit_text(v) if isinstance(v, Header) else _clean(str(v)))[
                :MAX_HEADER_VALUE_CHARS
            ].split()
        )
        for v in values
    ]


def _header_end(raw: bytes) -> int:
    """Where the top-level header block ends (the first empty line), or ``-1``."""
    end = raw.find(b"\n\n")
    # Only a CRLF blank line before the LF one matters: no need to search past it.
    end_crlf = raw.find(b"\r\n\r\n", 0, end + 3 if end >= 0 else len(raw))
    return end_crlf if end < 0 or (0 <= end_crlf < end) else end


def count_header_fields(raw: bytes) -> int:
    """Header fields of the top-level header block, counted without parsing it."""
    end = _header_end(raw)
    block = raw if end < 0 else raw[:end]
    return sum(1 for line in block.split(b"\n") if line[:1] not in (b" ", b"\t", b""))


def _header_flood(raw: bytes, limit: int) -> int | None:
    """The field count when it exceeds ``limit``, else ``None``."""
    # Every field takes at least one line: a short header is settled by one count in C.
    end = _header_end(raw)
    if raw.count(b"\n", 0, end if end > 0 else len(raw)) < limit:
        return None
    fields = count_header_fields(raw)
    return fields if fields > limit else None


def read_archive_text(data: bytes, filename: str, limit: int) -> str | None:
    """The first text member of a zip or gzip attachment, inflated to at most ``limit`` bytes.

    Never inflates more than ``limit`` bytes, so a decompression bomb costs nothing.
    """
    lowered = filename.lower()
    try:
        if lowered.endswith(".zip") or data[:4] == b"PK\x03\x04":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for info in archive.infolist()[:MAX_ARCHIVE_MEMBERS]:
                    if info.is_dir():
                        continue
                    with archive.open(info) as member:
                        return decode_bytes(member.read(limit), "utf-8")[0]
            return None
        if lowered.endswith(".gz") or data[:2] == b"\x1f\x8b":
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
                return decode_bytes(stream.read(limit), "utf-8")[0]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError):
        return None
    return None


class _Walker:
    def __init__(self, config: ParsingConfig) -> None:
        self.config = config
        self.parts: list[MimePart] = []
        self.embedded: list[Message] = []
        self.warnings: list[str] = []
        self.decoded: dict[int, bytes] = {}

    def walk(self, msg: Message, depth: int, index: int) -> None:
        if depth > self.config.max_mime_depth:
            self.warnings.append(
                f"MIME nesting deeper than {self.config.max_mime_depth}: not descended"
            )
            return
        ctype = msg.get_content_type()
        if ctype in FIELD_BLOCK_TYPES:
            self.parts.append(MimePart(ctype, None, depth, index, _field_block(msg), b""))
            return
        # Only a multipart's payload is needed here: a leaf's is read (and decoded) once, below.
        payload = msg.get_payload() if msg.is_multipart() else None
        if isinstance(payload, list):
            if ctype in EMBEDDED_TYPES and payload and isinstance(payload[0], Message):
                self.embedded.append(payload[0])
                index = len(self.embedded)
            for sub in payload:
                if isinstance(sub, Message):
                    self.walk(sub, depth + 1, index)
            return
        if ctype == "text/rfc822-headers":
            headers = msg.get_payload()
            if isinstance(headers, str):
                self.embedded.append(parse_text(headers[: self.config.max_part_bytes]))
                self.parts.append(MimePart(ctype, None, depth, len(self.embedded), None, b""))
                return
        self.parts.append(self._leaf(msg, ctype, depth, index))

    def _leaf(self, msg: Message, ctype: str, depth: int, index: int) -> MimePart:
        filename = _filename(msg)
        size = _payload_size(msg)
        if size > self.config.max_part_bytes * BASE64_GROWTH:
            self.warnings.append(f"part {ctype} of {size} bytes over the part limit: not decoded")
            return MimePart(ctype, filename, depth, index, None, b"", truncated=True)
        try:
            data = msg.get_payload(decode=True)
        except Exception:  # a broken transfer encoding is a warning, not a failure
            self.warnings.append(f"part {ctype}: undecodable transfer encoding")
            data = None
        if not isinstance(data, bytes):
            data = b""
        elif len(data) <= self.config.max_part_bytes:  # kept whole below: shared, not copied
            self.decoded[id(msg)] = data
        data = data[: self.config.max_part_bytes]
        text = None
        if (
            ctype.startswith("text/")
            or ctype in TEXT_APPLICATION_TYPES
            or (filename or "").lower().endswith(TEXT_FILE_SUFFIXES)
        ):
            charset = msg.get_content_charset()
            text, lied = decode_bytes(data, charset)
            # One line-break convention for every reader downstream.
            text = text.replace("\r\n", "\n")
            if lied and charset:
                self.warnings.append(f"part {ctype}: charset {charset!r} wrong or unknown")
        return MimePart(ctype, filename, depth, index, text, data)


def _payload_size(msg: Message) -> int:
    """``len(msg.get_payload())`` of a leaf (0 when it is no string)."""
    stored = msg._payload  # type: ignore[attr-defined]
    # An ASCII payload is what ``get_payload`` returns as it is; only 8-bit text (held as
    # surrogates) is decoded first, and only then is the stdlib asked for it.
    if type(stored) is str and stored.isascii():
        return len(stored)
    payload = msg.get_payload()
    return len(payload) if isinstance(payload, str | bytes) else 0


def _filename(msg: Message) -> str | None:
    try:
        name = msg.get_filename()
    except Exception:
        return None
    return _clean(str(name)) if name else None


def _field_block(msg: Message) -> str:
    """The ``Name: value`` lines of a field block, however the stdlib split it up."""
    payload = msg.get_payload()
    blocks = payload if isinstance(payload, list) else [msg]
    lines: list[str] = []
    for block in blocks:
        if not isinstance(block, Message):
            continue
        if block is msg:
            body = msg.get_payload(decode=True)
            lines.append(decode_bytes(body, "utf-8")[0] if isinstance(body, bytes) else "")
            continue
        lines.extend(f"{k}: {_clean(str(fetched(block, k, v)))}" for k, v in block.raw_items())
        rest = block.get_payload()
        if isinstance(rest, str):
            lines.append(rest)
    return "\n".join(lines)


def walk_message(raw: bytes, config: ParsingConfig) -> MimeTree:
    """Parse and walk ``raw`` within the configured limits; raises ``MimeError`` with a reason."""
    if len(raw) > config.max_message_bytes:
        raise MimeError(f"message of {len(raw)} bytes exceeds max_message_bytes")
    fields = _header_flood(raw[: config.max_part_bytes], config.max_headers)
    if fields is not None:
        raise MimeError(f"header flood: {fields} header fields, limit {config.max_headers}")
    walker = _Walker(config)
    try:
        root = parse_bytes(raw)
        walker.walk(root, 0, 0)
    except RecursionError:
        raise MimeError("MIME structure nested too deeply to parse") from None
    except Exception as exc:  # the stdlib's lenient parser still has corner cases
        raise MimeError(f"malformed MIME: {type(exc).__name__}: {exc}") from None
    for defect in root.defects[:5]:
        walker.warnings.append(f"MIME defect: {type(defect).__name__}")
    return MimeTree(
        root, tuple(walker.parts), tuple(walker.embedded), tuple(walker.warnings), walker.decoded
    )
