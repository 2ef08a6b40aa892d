"""The model's tokenizer: split on whitespace, because ``classifiers.text`` already tokenized.

``normalise`` leaves only lower-case word tokens, placeholders and single CJK characters
separated by spaces, so spaCy's rule-based English tokenizer would only re-discover the
spaces, at a third of the speed. Registered under a name in spaCy's registry so a saved
model finds it offline when this module has been imported (``classifiers.predict`` does).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from spacy.tokens import Doc
from spacy.util import registry

TOKENIZER_NAME = "abuse_pipeline.whitespace_tokenizer.v1"


class WhitespaceTokenizer:
    """Text → ``Doc`` by splitting on whitespace; it has no state to save."""

    def __init__(self, vocab: Any) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        return Doc(self.vocab, words=text.split())

    def to_disk(self, path: Path, **_: Any) -> None:
        """Nothing to save."""

    def from_disk(self, path: Path, **_: Any) -> WhitespaceTokenizer:
        return self

    def to_bytes(self, **_: Any) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **_: Any) -> WhitespaceTokenizer:
        return self


def create_whitespace_tokenizer() -> Callable[[Any], WhitespaceTokenizer]:
    def make(nlp: Any) -> WhitespaceTokenizer:
        return WhitespaceTokenizer(nlp.vocab)

    return make


registry.tokenizers.register(TOKENIZER_NAME, func=create_whitespace_tokenizer)
