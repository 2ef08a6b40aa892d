"""Parameters of a plain Content-Type or Content-Disposition value, read in one regex pass.

The stdlib reads a parameter (``Message.get_param``) by splitting the value at semicolons
outside quotes, stripping and lower-casing names, running every parameter through RFC 2231
decoding and unquoting the value twice: ~15 µs a question, asked for the boundary, the
charset and the file name of every part. Most values take none of the turns that make this
necessary. In a *plain* value — a first piece, then ``; name=value`` parameters, each value a
token or a quoted string, with no backslash, angle bracket, RFC 2231 ``*`` or stray quote or
semicolon anywhere, all ASCII — every one of those steps reduces to: strip the whitespace
around names and values, lower-case the names, take the quotes off a quoted value. The first
parameter of a name is the one the stdlib answers with. Anything else is not plain, and is
left to the stdlib. Tests compare the answers with ``email.message.Message``'s.
"""

from __future__ import annotations

import re

#: A plain value (see the module docstring); ``\s`` is what ``str.strip`` strips.
_PLAIN = re.compile(
    r'\s*[^\s";=\\<>]+\s*'
    r'(?:;\s*[A-Za-z0-9_.-]+\s*=\s*(?:"[^";\\<>]*"|[^\s";\\<>]*)\s*)*'
    r"(?:;\s*)?"
)
_PARAMETER = re.compile(r';\s*([A-Za-z0-9_.-]+)\s*=\s*(?:"([^";\\<>]*)"|([^\s";\\<>]*))')
_FIRST = re.compile(r"\s*([^\s;]*)")


def plain_parameter(value: str, name: str) -> tuple[bool, str | None]:
    """``(True, the unquoted value of parameter `name`, or None)`` for a plain ASCII value.

    ``(False, None)`` when the value is not plain (or its first piece is called ``name``,
    which the stdlib would answer with): the stdlib must be asked.
    """
    if not value.isascii() or _PLAIN.fullmatch(value) is None:
        return False, None
    first = _FIRST.match(value)
    if first is not None and first.group(1).lower() == name:
        return False, None
    for found in _PARAMETER.finditer(value):
        if found.group(1).lower() == name:
            quoted, token = found.group(2, 3)
            return True, token if quoted is None else quoted
    return True, None
