"""What a parsed message tree is made of, in a form two parsers' trees can be compared by."""

from __future__ import annotations

from email.message import Message
from typing import Any


def tree_shape(msg: Message) -> list[Any]:
    """Per part, in walk order: envelope, types, fields, payload, preamble, epilogue, defects."""
    return [
        (
            part.get_unixfrom(),
            part.get_content_type(),
            part.get_default_type(),
            part.is_multipart(),
            [(k, str(v)) for k, v in part.raw_items()],
            part.get_payload() if not part.is_multipart() else None,
            part.preamble,
            part.epilogue,
            [type(d).__name__ for d in part.defects],
        )
        for part in msg.walk()
    ]
