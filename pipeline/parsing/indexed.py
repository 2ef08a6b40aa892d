"""The stdlib parser, building messages whose header look-ups are indexed and memoised.

``Message.get`` lower-cases and compares every header field for each name it is asked for, and
the stdlib asks often: the parser itself calls ``get_content_type`` several times per part,
and every ``get_content_charset``, ``get_filename`` and ``get_payload(decode=True)`` is one
more scan, then a report's own header is asked for a dozen names. ``IndexedMessage`` answers
from a name → first field map built on the first look-up, with the very values
``Message.get`` returns.

Content type, charset and file name re-parse the field (RFC 2045 §5.1, RFC 2231 parameters)
on each call, yet reports repeat the same few field values (``text/plain;
charset="us-ascii"``) in message after message. Each answer depends on the field's value
alone, so it is computed once per distinct value by the stdlib itself, on a probe message
holding just that field, and remembered: the same answer, by construction. Values that are
not plain ASCII (the stdlib turns those into ``Header`` objects), or longer than a header
line may be, are never remembered.

``feed_text`` is the stdlib's ``FeedParser`` (compat32 policy) fed the whole message at once,
where ``email.message_from_bytes`` feeds it in 8 KiB pieces, with a line buffer that hands
out lines with one call instead of two: the parse of the messages the splitter
(``splitter.py``) leaves to the stdlib. Tests pin the trees it builds to the stdlib's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from email import errors, feedparser, policy
from email.feedparser import FeedParser
from email.message import Message
from functools import lru_cache
from typing import Any

from pipeline.parsing.params import plain_parameter

#: RFC 5322 §2.1.1: a line MUST be at most 998 characters; a longer value is not remembered.
MAX_REMEMBERED_VALUE_CHARS = 998
#: Distinct field values (or value pairs) remembered per look-up.
FIELD_CACHE_SIZE = 1024

#: (the field list indexed, its length then, lower-case name → the first field of that name).
_FieldIndex = tuple[list[tuple[str, Any]], int, dict[str, tuple[str, Any]]]


def _rememberable(value: object) -> bool:
    return isinstance(value, str) and len(value) <= MAX_REMEMBERED_VALUE_CHARS and value.isascii()


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
        if self.policy is policy.compat32 and _rememberable(value):
            plain, charset = plain_parameter(value, "charset")
            if not plain:
                charset = _charset_of(value)
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
        # The parser asks once per multipart, and RFC 2045 parameter parsing costs ~15 µs;
        # boundaries are unique, so the field is remembered with its boundary blanked out.
        value = self.raw_field("content-type")
        if self.policy is policy.compat32 and _rememberable(value):
            plain, boundary = plain_parameter(value, "boundary")
            if plain:  # RFC 2046 §5.1.1: a boundary may not end in white space
                return failobj if boundary is None else boundary.rstrip()
            found = _boundary_in(value)
            if found is not None:
                return found
        return super().get_boundary(failobj)

    def get_filename(self, failobj: Any = None) -> Any:
        fields = self._fields()
        found = fields.get("content-disposition")
        disposition = None if found is None else found[1]
        found = fields.get("content-type")
        content_type = None if found is None else found[1]
        if (
            self.policy is not policy.compat32
            or (disposition is not None and not _rememberable(disposition))
            or (content_type is not None and not _rememberable(content_type))
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
        name = _filename_of(disposition, content_type)
        return failobj if name is None else name


@lru_cache(maxsize=FIELD_CACHE_SIZE)
def _charset_of(content_type: str) -> str | None:
    probe = Message()
    probe.set_raw("Content-Type", content_type)
    return probe.get_content_charset()


@lru_cache(maxsize=FIELD_CACHE_SIZE)
def _filename_of(disposition: str | None, content_type: str | None) -> str | None:
    probe = Message()
    if disposition is not None:
        probe.set_raw("Content-Disposition", disposition)
    if content_type is not None:
        probe.set_raw("Content-Type", content_type)
    return probe.get_filename()


#: The transfer encodings ``Message.get_payload(decode=True)`` undoes (RFC 2045 §6, uuencode).
_DECODED_ENCODINGS = frozenset(
    {"quoted-printable", "base64", "x-uuencode", "uuencode", "uue", "x-uue"}
)
#: A boundary value made only of RFC 2046 §5.1.1 ``bchars`` that no step of the stdlib's
#: parameter parse treats specially (no quote, backslash, ``;``, ``*``, ``<>`` or space).
_BOUNDARY_VALUE = re.compile(r"(?i:boundary)\s*=\s*\"?([A-Za-z0-9()+_,./:=?-]+)")
#: Stands in for the boundary; upper case, so a spot where the parse lower-cases it shows.
_BLANK_BOUNDARY = "BOUNDARY0BLANKED0OUT"


def _boundary_in(content_type: str) -> str | None:
    """``get_boundary()`` of a message with this Content-Type, or ``None`` for "ask the stdlib".

    The stdlib only splits, strips, unquotes and lower-cases names around a run of ``bchars``
    (with no RFC 2231 ``*`` or backslash anywhere, parameters are never joined or unescaped),
    so its answer for the value with the run replaced by the blank is the blank exactly when
    its answer for the value itself is that run.
    """
    if "*" in content_type or "\\" in content_type or _BLANK_BOUNDARY in content_type:
        return None
    # Any run of bchars after a ``boundary=`` will do (a wrong one only sends the question
    # to the stdlib): the first one, found without a case-blind regex scan.
    found = _BOUNDARY_VALUE.match(content_type, max(content_type.lower().find("boundary"), 0))
    if found is None:
        return None
    start, end = found.span(1)
    blanked = content_type[:start] + _BLANK_BOUNDARY + content_type[end:]
    return found.group(1) if _blanked_boundary(blanked) == _BLANK_BOUNDARY else None


@lru_cache(maxsize=FIELD_CACHE_SIZE)
def _blanked_boundary(content_type: str) -> str | None:
    probe = Message()
    probe.set_raw("Content-Type", content_type)
    answer = probe.get_boundary()
    return answer if isinstance(answer, str) else None


def clear_caches() -> None:
    """Forget the remembered field answers (a benchmark round starts cold)."""
    _charset_of.cache_clear()
    _filename_of.cache_clear()
    _blanked_boundary.cache_clear()


#: Parser internals the type stubs leave out.
_NEED_MORE_DATA: object = feedparser.NeedMoreData  # type: ignore[attr-defined]
_NLCRE_EOL: re.Pattern[str] = feedparser.NLCRE_eol  # type: ignore[attr-defined]


#: The parser's end-of-part tests are RFC 2046 §5.1.1 boundary lines (``--`` + boundary,
#: a pattern starting so) and, between message/delivery-status field blocks, a blank line:
#: a line starting with none of these characters can match none of them.
_EOF_LINE_STARTS = frozenset({"-", "\r", "\n", ""})
_BOUNDARY_PATTERN_START = "(?P<sep>" + re.escape("--")
_NLCRE_MATCH: Any = feedparser.NLCRE.match  # type: ignore[attr-defined]


def _gated(at_eof: Any) -> bool:
    """Whether ``at_eof`` can only match a line starting with one of ``_EOF_LINE_STARTS``."""
    if at_eof == _NLCRE_MATCH:
        return True
    pattern = getattr(getattr(at_eof, "__self__", None), "pattern", None)
    return (
        getattr(at_eof, "__name__", None) == "match"
        and isinstance(pattern, str)
        and pattern.startswith(_BOUNDARY_PATTERN_START)
    )


class _Lines(feedparser.BufferedSubFile):  # type: ignore[name-defined,misc]
    """The parser's line buffer, iterated without a second call per line.

    ``BufferedSubFile.__next__`` calls ``readline`` and turns its ``""`` (end of input, or a
    boundary line of an enclosing part) into ``StopIteration``; this does the same inline.
    The parser pulls every line of the message through here, so that call was a tenth of
    the parse. Each line was also run through every enclosing part's end test (a regex call
    per nesting level); a line whose first character no test can match skips them.
    """

    #: Set for good once a test is pushed that the first-character gate does not cover.
    _ungated = False

    def push_eof_matcher(self, pred: Any) -> None:
        if not _gated(pred):
            self._ungated = True
        super().push_eof_matcher(pred)

    def readline(self) -> Any:
        lines = self._lines
        if not lines:
            return "" if self._closed else _NEED_MORE_DATA
        line = lines.popleft()
        if line[:1] in _EOF_LINE_STARTS or self._ungated:
            for at_eof in reversed(self._eofstack):
                if at_eof(line):
                    lines.appendleft(line)
                    return ""
        return line

    def __iter__(self) -> Iterator[Any]:
        # The parser's ``for line in self._input`` loops: a generator resumes for less than
        # ``__next__`` costs per call. It takes nothing ahead, so a loop that stops leaves
        # every line it did not take in the buffer, as ``__next__`` does.
        lines = self._lines
        eofstack = self._eofstack
        while True:
            if not lines:
                if self._closed:
                    return
                yield _NEED_MORE_DATA
                continue
            line = lines.popleft()
            if line[:1] in _EOF_LINE_STARTS or self._ungated:
                for at_eof in reversed(eofstack):
                    if at_eof(line):
                        lines.appendleft(line)
                        return
                if line == "":  # the parser may push back the "" it read at the end
                    return
            yield line

    def __next__(self) -> Any:
        lines = self._lines
        if not lines:
            if self._closed:
                raise StopIteration
            return _NEED_MORE_DATA
        line = lines.popleft()
        if line[:1] in _EOF_LINE_STARTS or self._ungated:
            for at_eof in reversed(self._eofstack):
                if at_eof(line):
                    lines.appendleft(line)
                    raise StopIteration
            if line == "":  # the parser may push back the "" it read at the end
                raise StopIteration
        return line


class _Parser(FeedParser):
    """``FeedParser`` storing each header field without two calls per field (``store_fields``)."""

    def _parse_headers(self, lines: list[str]) -> None:
        this: Any = self  # the parser's state, which the type stubs leave out
        if this.policy is not policy.compat32 or type(this._cur) is not IndexedMessage:
            super()._parse_headers(lines)  # type: ignore[misc]
            return
        pushed_back = store_fields(this._cur, lines)
        if pushed_back is not None:
            this._input.unreadline(pushed_back)


def store_fields(cur: IndexedMessage, lines: list[str]) -> str | None:
    """``FeedParser._parse_headers`` for compat32: store the fields these header lines hold.

    The stdlib's (Python 3.11), line for line, but each field is split and stored inline,
    exactly as ``Compat32.header_source_parse`` and ``Message.set_raw`` do: the parser stores
    every field of every part this way, ~35 a mail. Returns the line the stdlib pushes back
    into the input (a unix-from line ending the block: the body's first line), if any.
    """
    store = cur._headers.append  # type: ignore[attr-defined]
    # The current field's lines; the stdlib's ``lastheader`` is only ever tested for
    # being set, which this list being non-empty says too.
    lastvalue: list[str] = []
    for lineno, line in enumerate(lines):
        if line[0] in " \t":  # a continuation line
            if not lastvalue:
                defect = errors.FirstHeaderLineIsContinuationDefect(line)
                policy.compat32.handle_defect(cur, defect)
                continue
            lastvalue.append(line)
            continue
        if lastvalue:  # ``_field(lastvalue)``, inline: this runs once per field
            name, value = lastvalue[0].split(":", 1)
            value = value.lstrip(" \t")
            if len(lastvalue) > 1:
                value += "".join(lastvalue[1:])
            store((name, value.rstrip("\r\n")))
            lastvalue = []
        if line.startswith("From "):  # an envelope header (unix-from)
            if lineno == 0:
                found = _NLCRE_EOL.search(line)
                if found:
                    line = line[: -len(found.group(0))]
                cur.set_unixfrom(line)
                continue
            if lineno == len(lines) - 1:  # the body's first line: pushed back
                return line
            cur.defects.append(errors.MisplacedEnvelopeHeaderDefect(line))
            continue
        i = line.find(":")
        if i == 0:
            cur.defects.append(errors.InvalidHeaderDefect("Missing header name."))
            continue
        assert i > 0, "_parse_headers fed line with no : and no leading WS"
        lastvalue = [line]
    if lastvalue:
        store(_field(lastvalue))
    return None


def _field(lines: list[str]) -> tuple[str, str]:
    """``Compat32.header_source_parse(lines)``: the name, and the value unfolded as stored."""
    name, value = lines[0].split(":", 1)
    value = value.lstrip(" \t")
    if len(lines) > 1:
        value += "".join(lines[1:])
    return name, value.rstrip("\r\n")


def feed_text(text: str) -> IndexedMessage:
    """``email.message_from_string(text)``, with indexed messages, by ``FeedParser``."""
    parser = _Parser(_factory=IndexedMessage)
    parser._input = _Lines()  # type: ignore[attr-defined]  # before any input: same parser
    parser.feed(text)
    message = parser.close()
    assert isinstance(message, IndexedMessage)  # the factory builds every part
    return message


def feed_bytes(raw: bytes) -> IndexedMessage:
    """``email.message_from_bytes(raw)``, with indexed messages, by ``FeedParser``."""
    # Exactly how ``BytesParser`` turns bytes into the text the parser reads.
    return feed_text(raw.decode("ascii", errors="surrogateescape"))
