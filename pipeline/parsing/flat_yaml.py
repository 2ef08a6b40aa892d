"""X-ARF 0.1/0.2 report parts as PyYAML reads them, without its scanner for the flat shape.

An X-ARF YAML part is nearly always one block mapping of ``Name: value`` lines with plain,
one-line scalars. For exactly that shape the mapping is built here line by line, each key and
value typed by PyYAML's own resolver (which tag a plain scalar gets: str, int, float, bool,
null, timestamp) and built by its own safe constructor, so the result equals ``yaml.load``'s;
only the scanning, a few hundred microseconds a part even with libyaml, is skipped. Anything
else — quotes, flow collections, anchors, tags, comments, block scalars, indented or
continued lines, tabs, non-ASCII text, any document marker but a leading ``---``, a tag
outside those six — is not read here (``None``): the caller runs ``yaml.load``.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

#: A mapping line: a key of safe characters at column 0, ``:``, then a space and the value or
#: the end of the line (YAML 1.1 §7.4: ``:`` without a space does not separate a key).
_ENTRY = re.compile(r"([A-Za-z0-9][A-Za-z0-9_.-]{0,127}):(?: +(.*))?")
#: How a value may begin: never with a YAML indicator (YAML 1.1 §5.3), except ``-`` before a
#: letter or digit (a negative number, an identifier).
_VALUE_START = re.compile(r"[A-Za-z0-9/.(<+_~$=;]|-[A-Za-z0-9]")
#: Printable ASCII and line feeds: nothing the YAML reader rejects or treats specially.
_PLAIN_TEXT = re.compile(r"[\x20-\x7e\n]*")
#: The tags a plain scalar resolves to that the safe constructor builds without surprises.
_SCALAR_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")
)
_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
#: (implicit for a plain scalar, implicit for a quoted one), as PyYAML's composer passes it.
_PLAIN = (True, False)


def load_flat(text: str) -> dict[Any, Any] | None:
    """``yaml.load(text, SafeLoader)`` for a flat mapping of plain scalars, else ``None``."""
    if "\t" in text or not _PLAIN_TEXT.fullmatch(text):
        return None
    lines = text.split("\n")
    if lines and lines[0].rstrip(" ") == "---":
        lines = lines[1:]
    resolver = yaml.resolver.Resolver()
    constructor = yaml.constructor.SafeConstructor()
    mapping: dict[Any, Any] = {}
    for line in lines:
        if not line.strip(" "):
            continue
        entry = _ENTRY.fullmatch(line)
        if entry is None:
            return None
        value = (entry.group(2) or "").rstrip(" ")
        if value and (
            not _VALUE_START.match(value) or " #" in value or ": " in value or value.endswith(":")
        ):
            return None
        key = _scalar(resolver, constructor, entry.group(1))
        typed = _scalar(resolver, constructor, value)
        if key is _UNSURE or typed is _UNSURE:
            return None
        mapping[key] = typed
    return mapping or None


_UNSURE = object()


def _scalar(resolver: Any, constructor: Any, value: str) -> Any:
    tag = resolver.resolve(yaml.ScalarNode, value, _PLAIN)
    # What the safe constructor makes of the two commonest tags, without its dispatch.
    if tag == _STR:
        return value
    if tag == _NULL:
        return None
    if tag not in _SCALAR_TAGS:
        return _UNSURE
    try:
        return constructor.construct_object(yaml.ScalarNode(tag, value))
    except (yaml.YAMLError, ValueError, OverflowError):
        return _UNSURE
