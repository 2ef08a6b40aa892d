"""Messages whose header look-ups are indexed (with the same answers), and the stdlib's parse.

``Message.get`` lower-cases and compares every header field for each name it is asked for, and
the stdlib asks often: the parser itself calls ``get_content_type`` several times per part,
and every ``get_content_charset``, ``get_filename`` and ``get_payload(decode=True)`` is one
more scan, then a report's own header is asked for a dozen names. ``IndexedMessage`` answers
from a name → first field map built on the first look-up, with the very values
``Message.get`` returns.

Content type, charset, boundary and file name re-parse the field (RFC 2045 §5.1, RFC 2231
parameters) on each call. The content type is worked out as the stdlib does; the parameters
of a plain value are read by ``params.plain_parameter``; any other value (8-bit text, which
compat32 turns into ``Header`` objects, RFC 2231 parameters, escapes) is the stdlib's to read.

``feed_text`` is the stdlib's own parse building indexed messages: the parse of the messages
the splitter (``splitter.py``) leaves to the stdlib.
"""

from __future__ import annotations

import email
from email import policy
from email.message import Message
from typing import Any

from pipeline.parsing.params import plain_parameter

#: (the field list indexed, its length then, lower-case name → the first field of that name).
_FieldIndex = tuple[list[tuple[str, Any]], int, dict[str, tuple[str, Any]]]


def _ascii(value: object) -> bool:
    """Whether ``value`` is stored text that compat32's ``get`` hands back as it is."""
    return isinstance(value, str) and value.isascii()


def fetched(msg: Message, name: str, value: Any) -> Any:
    """A stored field's value as ``msg.get`` returns it (``msg.policy.header_fetch_parse``)."""
    # compat32 hands a plain-ASCII string back as it is (only 8-bit ones become Headers).
    if msg.policy is policy.compat32 and type(value) is str and value.isascii():
        return value
    return msg.policy.header_fetch_parse(name, value)


class IndexedMessage(Message):
    """A ``Message`` whose header look-ups use an index of its fields, with the same answers.

    The index is rebuilt whenever the field list was replaced or grew (every ``Message``
    mutator but ``replace_header`` does one of the two; that one drops it explicitly), so it
    never answers from stale fields.
    """

    _field_index: _FieldIndex | None = None
    #: The last content type worked out, with the field list (and its length) it came from.
    _content_type: tuple[list[tuple[str, Any]], int, str] | None = None

    def _fields(self) -> dict[str, tuple[str, Any]]:
        headers: list[tuple[str, Any]] = self._headers  # type: ignore[attr-defined]
        index = self._field_index
        if index is None or index[0] is not headers or index[1] != len(headers):
            first: dict[str, tuple[str, Any]] = {}
            for name, value in headers:
                first.setdefault(name.lower(), (name, value))
            index = self._field_index = (headers, len(headers), first)
        return index[2]

    def first_field(self, name: str) -> tuple[str, Any] | None:
        """The first field called ``name`` (any case) as stored: its name and raw value."""
        return self._fields().get(name.lower())

    def raw_field(self, name: str) -> Any:
        """The stored value of the first field called ``name`` (any case), or ``None``."""
        found = self._fields().get(name.lower())
        return None if found is None else found[1]

    def get(self, name: str, failobj: Any = None) -> Any:
        found = self._fields().get(name.lower())
        return failobj if found is None else fetched(self, *found)

    def __contains__(self, name: str) -> bool:
        return name.lower() in self._fields()

    def replace_header(self, _name: str, _value: Any) -> None:
        self._field_index = self._content_type = None
        super().replace_header(_name, _value)

    def get_content_type(self) -> str:
        # The parser alone asks this some twenty times a message: the last answer stands
        # while the field list is the same list of the same length (``replace_header``, the
        # one in-place change, forgets it).
        headers = self._headers  # type: ignore[attr-defined]
        last = self._content_type
        if last is not None and last[0] is headers and last[1] == len(headers):
            return last[2]
        index = self._field_index
        if index is not None and index[0] is headers and index[1] == len(headers):
            found = index[2].get("content-type")
        else:  # the parser's first question of a part: a scan, as ``Message.get`` does
            found = None
            for field in headers:
                if field[0].lower() == "content-type":
                    found = field
                    break
        if found is None:  # the default type is the container's to set: never remembered
            return self.get_default_type()
        value = found[1]
        if self.policy is policy.compat32 and type(value) is str and value.isascii():
            # ``Message.get_content_type`` on the value ``get`` returns for it, which is the
            # value itself: its part before any ``;``, stripped and lower-cased, if it is
            # ``type/subtype`` (RFC 2045 §5.2: else text/plain).
            content_type = value.partition(";")[0].strip().lower()
            if content_type.count("/") != 1:
                content_type = "text/plain"
        else:
            content_type = super().get_content_type()
        self._content_type = (headers, len(headers), content_type)
        return content_type

    def get_content_charset(self, failobj: Any = None) -> Any:
        value = self.raw_field("content-type")
        if value is None:
            return failobj
        if self.policy is policy.compat32 and _ascii(value):
            plain, charset = plain_parameter(value, "charset")
            if plain:
                return failobj if charset is None else charset.lower()  # RFC 2046 §4.1.2
        return super().get_content_charset(failobj)

    def get_payload(self, i: Any = None, decode: bool = False) -> Any:
        # A leaf's decoded payload, the commonest call after the parse: an ASCII payload that
        # no transfer encoding (RFC 2045 §6: 7bit/8bit/binary or none) wraps is its own bytes,
        # which is what the stdlib returns after two whole-payload checks and a header read.
        payload = self._payload  # type: ignore[attr-defined]
        if (
            decode
            and i is None
            and type(payload) is str
            and payload.isascii()
            and self.policy is policy.compat32
        ):
            cte = self.raw_field("content-transfer-encoding")
            if cte is None or (
                type(cte) is str and cte.isascii() and cte.lower() not in _DECODED_ENCODINGS
            ):
                return payload.encode("ascii")
        return super().get_payload(i, decode)  # type: ignore[call-overload]

    def get_boundary(self, failobj: Any = None) -> Any:
        value = self.raw_field("content-type")
        if self.policy is policy.compat32 and _ascii(value):
            plain, boundary = plain_parameter(value, "boundary")
            if plain:  # RFC 2046 §5.1.1: a boundary may not end in white space
                return failobj if boundary is None else boundary.rstrip()
        return super().get_boundary(failobj)

    def get_filename(self, failobj: Any = None) -> Any:
        fields = self._fields()
        found = fields.get("content-disposition")
        disposition = None if found is None else found[1]
        found = fields.get("content-type")
        content_type = None if found is None else found[1]
        if (
            self.policy is not policy.compat32
            or (disposition is not None and not _ascii(disposition))
            or (content_type is not None and not _ascii(content_type))
        ):
            return super().get_filename(failobj)
        # Most parts name no file, which a substring test settles (RFC 2183 ``filename``,
        # RFC 2045 ``name``, RFC 2231 ``filename*0*``…) before any parameter is parsed.
        if not (
            (disposition is not None and "name" in disposition.lower())
            or (content_type is not None and "name" in content_type.lower())
        ):
            return failobj
        # The disposition's ``filename`` first, then the type's ``name`` (RFC 2183 §2.3).
        plain = True
        name = None
        if disposition is not None:
            plain, name = plain_parameter(disposition, "filename")
        if plain and name is None and content_type is not None:
            plain, name = plain_parameter(content_type, "name")
        if plain:
            return failobj if name is None else name.strip()
        return super().get_filename(failobj)


#: The transfer encodings ``Message.get_payload(decode=True)`` undoes (RFC 2045 §6, uuencode).
_DECODED_ENCODINGS = frozenset(
    {"quoted-printable", "base64", "x-uuencode", "uuencode", "uue", "x-uue"}
)


def feed_text(text: str) -> IndexedMessage:
    """``email.message_from_string(text)``, with indexed messages: the stdlib's own parse."""
    message = email.message_from_string(text, _class=IndexedMessage)
    assert isinstance(message, IndexedMessage)  # the factory builds every part
    return message


def feed_bytes(raw: bytes) -> IndexedMessage:
    """``email.message_from_bytes(raw)``, with indexed messages: the stdlib's own parse."""
    message = email.message_from_bytes(raw, _class=IndexedMessage)
    assert isinstance(message, IndexedMessage)
    return message
