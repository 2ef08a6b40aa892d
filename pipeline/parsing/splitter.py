"""The MIME splitter: the stdlib parser's message tree, built by finding lines, not reading them.

``FeedParser`` (compat32) cuts the whole message into lines, then moves every line through a
buffer, an end test per enclosing multipart and a list, in Python: most of what a report's
parse costs. For the usual message, whose lines all end in LF or CRLF, the same tree comes
from the text itself: a header block of plain ``Name: value`` fields (RFC 5322 §2.2) is one
regex match and one ``findall``; a body runs to the next line starting with ``--`` that is a
boundary line of an enclosing multipart (RFC 2046 §5.1.1), found with ``str.find``.

``Splitter`` follows ``FeedParser._parsegen`` (Python 3.11) step for step, with a cursor into
the text where the stdlib has its line buffer. Where a shortcut does not apply (a header line
the field pattern does not take, the end test of a delivery-status block) it takes the
stdlib's own line-by-line step; the few steps a cursor cannot mirror (a lone CR, which the
stdlib also ends lines at; a unix-from line pushed back past a dropped blank line; nesting
deeper than ``MAX_SPLIT_DEPTH``) leave the whole message to ``FeedParser``. Tests compare the
trees with ``email.message_from_bytes``'s on the corpus and on damaged and generated mail.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from email import errors, feedparser
from email.policy import compat32
from typing import Any

from pipeline.parsing.indexed import IndexedMessage, feed_text

#: Parts nested deeper than this are left to ``FeedParser``, whose own recursion limit then
#: decides, as it does for ``email.message_from_bytes``.
MAX_SPLIT_DEPTH = 64

#: The stdlib parser's line tests: a header or continuation line, and a line break.
_HEADER_LINE: re.Pattern[str] = feedparser.headerRE  # type: ignore[attr-defined]
_NLCRE: re.Pattern[str] = feedparser.NLCRE  # type: ignore[attr-defined]
_NLCRE_BOL: re.Pattern[str] = feedparser.NLCRE_bol  # type: ignore[attr-defined]
_NLCRE_EOL: re.Pattern[str] = feedparser.NLCRE_eol  # type: ignore[attr-defined]
#: One header field: a name of RFC 5322 §3.6.8 ``ftext``, a colon, the rest of its line and
#: any folded continuation lines (§2.2.3); every line ending in LF.
_FIELD = r"([\041-\071\073-\176]+):([^\n]*\n(?:[ \t][^\n]*\n)*)"
_FIELD_RE = re.compile(_FIELD)
#: A run of such fields: a header block the stdlib reads as one field per match of ``_FIELD``.
_FIELD_RUN = re.compile("(?:" + _FIELD + ")*")
#: Multipart transfer encodings RFC 2045 §6.4 allows (as the stdlib tests them).
_MULTIPART_ENCODINGS = ("7bit", "8bit", "binary")

LineTest = Callable[[str], Any]


class Unsplittable(Exception):
    """The message takes a step the splitter does not mirror: ``FeedParser`` parses it."""


def _eol_length(text: str) -> int:
    """Length of the line break ending ``text``: what ``NLCRE_eol`` finds there."""
    if text.endswith("\r\n"):
        return 2
    return 1 if text.endswith(("\n", "\r")) else 0


def _boundary_line(boundary: str) -> re.Pattern[str]:
    """The stdlib's pattern of a boundary line, compiled through ``re``'s cache as it does."""
    return re.compile(
        "(?P<sep>"
        + re.escape("--" + boundary)
        + r")(?P<end>--)?(?P<ws>[ \t]*)(?P<linesep>\r\n|\r|\n)?$"
    )


class Splitter:
    """One message's parse: ``FeedParser``'s state, with a cursor for its line buffer.

    Every line break is LF or CRLF (``split`` checks), so lines end exactly at each LF.
    """

    __slots__ = ("_blank_tests", "_cur", "_end", "_last", "_pos", "_stack", "_tests", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._pos = 0
        self._end = len(text)
        #: The end tests of the enclosing parts (``BufferedSubFile._eofstack``): boundary
        #: lines, which start with ``--``, and the blank line ending a delivery-status block.
        self._tests: list[LineTest] = []
        self._blank_tests = 0
        self._stack: list[IndexedMessage] = []
        self._cur: IndexedMessage | None = None
        self._last: IndexedMessage | None = None

    def readline(self) -> str:
        """The next line, or ``""`` at the end of the input or at a line a part ends at."""
        pos = self._pos
        if pos >= self._end:
            return ""
        found = self._text.find("\n", pos)
        after = self._end if found < 0 else found + 1
        line = self._text[pos:after]
        # Only a line starting so can pass an end test (see ``_tests``).
        if self._tests and line[0] in "-\r\n" and any(test(line) for test in self._tests):
            return ""
        self._pos = after
        return line

    def unreadline(self, line: str) -> None:
        # The parser only ever pushes back the line it has just read (or ``""``).
        self._pos -= len(line)

    def rest(self) -> str:
        """Every line to the end of the input or of the enclosing part, joined."""
        text, start = self._text, self._pos
        if not self._tests:
            self._pos = self._end
            return text[start:]
        if self._blank_tests:
            lines = []
            while line := self.readline():
                lines.append(line)
            return "".join(lines)
        at = start  # a line start; only lines starting with ``--`` can end the part
        while True:
            if text.startswith("--", at) and self._ends_part(at):
                self._pos = at
                return text[start:at]
            found = text.find("\n--", at)
            if found < 0:
                self._pos = self._end
                return text[start:]
            at = found + 1

    def _new_message(self, in_digest: bool) -> IndexedMessage:
        msg = IndexedMessage()
        if in_digest:  # RFC 2046 §5.1.5
            msg.set_default_type("message/rfc822")
        if self._stack:
            self._stack[-1].attach(msg)
        self._stack.append(msg)
        self._cur = self._last = msg
        return msg

    def pop_message(self) -> IndexedMessage:
        msg = self._stack.pop()
        self._cur = self._stack[-1] if self._stack else None
        return msg

    def part(self, in_digest: bool = False) -> None:
        """``_parsegen``: a message or part, its header block, then its body by content type.

        ``in_digest``: the enclosing part is a multipart/digest (the stdlib asks the enclosing
        part's type; only a multipart can be a digest, and it is one only by a field it has).
        """
        if len(self._stack) > MAX_SPLIT_DEPTH:
            raise Unsplittable("nested too deeply")
        msg = self._new_message(in_digest)
        if not self._field_run(msg):
            self._header_lines(msg)
        content_type = msg.get_content_type()
        if content_type == "message/delivery-status":
            self._field_blocks()
            return
        maintype = content_type.split("/")[0]
        if maintype == "message":
            self.part()
            self.pop_message()
            return
        if maintype == "multipart":
            self._multipart(msg, content_type == "multipart/digest")
            return
        msg._payload = self.rest()  # type: ignore[attr-defined]  # ``set_payload(str)``

    def _field_run(self, msg: IndexedMessage) -> bool:
        """Read a header block of plain fields ended by a blank line, a part's end or the input's.

        The block may open with a unix-from line (``From sender date``, mbox style), which the
        stdlib keeps as the message's envelope line.
        """
        if self._blank_tests:  # the blank line ends the block *and* the part: step by step
            return False
        text, start = self._text, self._pos
        unixfrom = None
        if text.startswith("From ", start):
            found = text.find("\n", start)
            if found < 0:
                return False
            line = text[start : found + 1]
            unixfrom = line[: len(line) - _eol_length(line)]
            start = found + 1
        stop = _FIELD_RUN.match(text, start).end()  # type: ignore[union-attr]  # may be empty
        if self._tests and (text.startswith("-", start) or text.find("\n-", start, stop) >= 0):
            return False  # a field line that might be a boundary line: step by step
        if text.startswith("\n", stop):
            after = stop + 1
        elif text.startswith("\r\n", stop):
            after = stop + 2
        elif stop == self._end or (text.startswith("--", stop) and self._ends_part(stop)):
            after = stop  # the header loop stops there, and leaves the line to be read
        else:  # a line that is no plain field: the stdlib's defects and pushbacks apply
            return False
        if unixfrom is not None:
            msg.set_unixfrom(unixfrom)
        # ``Compat32.header_source_parse``: the value after the colon, with the leading blanks
        # of its first line and the line break of its last one taken off.
        msg._headers = [  # type: ignore[attr-defined]
            (name, value.lstrip(" \t").rstrip("\r\n"))
            for name, value in _FIELD_RE.findall(text, start, stop)
        ]
        self._pos = after
        return True

    def _ends_part(self, at: int) -> bool:
        """Whether the line starting at ``at`` passes an enclosing part's end test."""
        found = self._text.find("\n", at)
        line = self._text[at : self._end if found < 0 else found + 1]
        return any(test(line) for test in self._tests)

    def _header_lines(self, msg: IndexedMessage) -> None:
        """The stdlib's header loop, line by line."""
        lines = []
        while line := self.readline():
            if not _HEADER_LINE.match(line):
                if not _NLCRE.match(line):  # the body's first line: no blank line before it
                    compat32.handle_defect(msg, errors.MissingHeaderBodySeparatorDefect())
                    self.unreadline(line)
                break
            lines.append(line)
        if store_fields(msg, lines) is not None:
            # A trailing unix-from line goes back into the stdlib's buffer, ahead of a blank
            # line it already dropped: no cursor position holds that order.
            raise Unsplittable("unix-from line ending a header block")

    def _field_blocks(self) -> None:
        """message/delivery-status (RFC 3464): header blocks parted by blank lines."""
        while True:
            self._tests.append(_NLCRE.match)
            self._blank_tests += 1
            self.part()
            self.pop_message()
            self._tests.pop()
            self._blank_tests -= 1
            self.readline()  # the blank line
            line = self.readline()
            if not line:
                return
            self.unreadline(line)

    def _multipart(self, msg: IndexedMessage, digest: bool) -> None:
        boundary = msg.get_boundary()
        if boundary is None:
            compat32.handle_defect(msg, errors.NoBoundaryInMultipartDefect())
            msg._payload = self.rest()  # type: ignore[attr-defined]
            return
        if str(msg.get("content-transfer-encoding", "8bit")).lower() not in _MULTIPART_ENCODINGS:
            compat32.handle_defect(msg, errors.InvalidMultipartContentTransferEncodingDefect())
        boundary_line = _boundary_line(boundary)
        preamble: list[str] = []
        capturing_preamble = True
        close_boundary_seen = False
        linesep: str | None = None
        while line := self.readline():
            found = boundary_line.match(line)
            if not found:
                assert capturing_preamble  # parts are read by ``part``, to a boundary line
                preamble.append(line)
                continue
            if found.group("end"):
                close_boundary_seen = True
                linesep = found.group("linesep")
                break
            if capturing_preamble:
                if preamble:
                    # RFC 2046 §5.1.1: the line break before a boundary line belongs to it.
                    last = preamble[-1]
                    preamble[-1] = last[: len(last) - _eol_length(last)]
                    msg.preamble = "".join(preamble)
                capturing_preamble = False
                self.unreadline(line)
                continue
            while boundary_line.match(line := self.readline()):
                pass  # repeated boundary lines delimit no parts
            self.unreadline(line)
            self._tests.append(boundary_line.match)
            self.part(digest)
            self._strip_last_line_break()
            self._tests.pop()
            self.pop_message()
            self._last = self._cur
        if capturing_preamble:
            compat32.handle_defect(msg, errors.StartBoundaryNotFoundDefect())
            msg._payload = "".join(preamble)  # type: ignore[attr-defined]
            self.rest()  # read, and dropped: the stdlib keeps an empty epilogue
            msg.epilogue = ""
            return
        if not close_boundary_seen:
            compat32.handle_defect(msg, errors.CloseBoundaryNotFoundDefect())
            return
        rest = self.rest()
        epilogue = ([""] if linesep else []) + ([rest] if rest else [])
        if epilogue:
            # The line break after the close boundary line is not the epilogue's.
            starts = _NLCRE_BOL.match(epilogue[0])
            if starts:
                epilogue[0] = epilogue[0][len(starts.group(0)) :]
        msg.epilogue = "".join(epilogue)

    def _strip_last_line_break(self) -> None:
        """The line break before a boundary line belongs to it, not to the part just read."""
        last = self._last
        assert last is not None  # the part just read made at least one message
        if last.get_content_maintype() == "multipart":
            epilogue = last.epilogue
            if epilogue == "":
                last.epilogue = None
            elif epilogue is not None:
                last.epilogue = epilogue[: len(epilogue) - _eol_length(epilogue)]
            return
        payload = last._payload  # type: ignore[attr-defined]
        if isinstance(payload, str):
            last._payload = payload[: len(payload) - _eol_length(payload)]  # type: ignore[attr-defined]


def store_fields(msg: IndexedMessage, lines: list[str]) -> str | None:
    """``FeedParser._parse_headers`` (Python 3.11, compat32): store these header lines' fields.

    Returns the line the stdlib pushes back into its input (a unix-from line ending the
    block: the body's first line), if any.
    """
    lastvalue: list[str] = []  # the current field's lines (the stdlib's ``lastheader`` too)
    for lineno, line in enumerate(lines):
        if line[0] in " \t":  # a continuation line
            if not lastvalue:
                defect = errors.FirstHeaderLineIsContinuationDefect(line)
                compat32.handle_defect(msg, defect)
                continue
            lastvalue.append(line)
            continue
        if lastvalue:
            msg.set_raw(*compat32.header_source_parse(lastvalue))
            lastvalue = []
        if line.startswith("From "):  # an envelope header (unix-from)
            if lineno == 0:
                found = _NLCRE_EOL.search(line)
                if found:
                    line = line[: -len(found.group(0))]
                msg.set_unixfrom(line)
                continue
            if lineno == len(lines) - 1:  # the body's first line: pushed back
                return line
            msg.defects.append(errors.MisplacedEnvelopeHeaderDefect(line))
            continue
        i = line.find(":")
        if i == 0:
            msg.defects.append(errors.InvalidHeaderDefect("Missing header name."))
            continue
        assert i > 0, "_parse_headers fed line with no : and no leading WS"
        lastvalue = [line]
    if lastvalue:
        msg.set_raw(*compat32.header_source_parse(lastvalue))
    return None


def split(text: str) -> IndexedMessage:
    """``email.message_from_string(text)``'s tree; raises ``Unsplittable`` where it cannot."""
    # The stdlib ends lines at CR, LF and CRLF alike; a lone CR is left to it.
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        raise Unsplittable("a line ending in a lone CR")
    splitter = Splitter(text)
    splitter.part()
    root = splitter.pop_message()
    if root.get_content_maintype() == "multipart" and not root.is_multipart():
        compat32.handle_defect(root, errors.MultipartInvariantViolationDefect())
    return root


def parse_text(text: str) -> IndexedMessage:
    """``email.message_from_string(text)``, with indexed messages."""
    try:
        return split(text)
    except Unsplittable:
        return feed_text(text)


def parse_bytes(raw: bytes) -> IndexedMessage:
    """``email.message_from_bytes(raw)``, with indexed messages."""
    # Exactly how ``BytesParser`` turns bytes into the text the parser reads.
    return parse_text(raw.decode("ascii", errors="surrogateescape"))


__all__ = ["Splitter", "Unsplittable", "parse_bytes", "parse_text", "split"]
