"""Structured signals that decide a label without the model."""

from __future__ import annotations

from classifiers.structured import structured_label, xarf_label


def test_xarf_type_decides() -> None:
    """An X-ARF type names its label directly, whatever its category says."""
    assert xarf_label("content", "phishing") == "phishing"


def test_xarf_unknown_type_falls_back_to_category() -> None:
    """An unknown X-ARF type in a decisive category takes that category's label."""
    assert xarf_label("connection", "something_new") == "network_attack"


def test_xarf_content_category_alone_is_not_decisive() -> None:
    """The broad ``content`` category with an unknown type is left to the model."""
    assert xarf_label("content", "something_new") is None


def test_arf_virus_decides_malware() -> None:
    """RFC 5965 Feedback-Type ``virus`` decides ``malware``."""
    assert structured_label({"feedback_type": "virus"}) == "malware"


def test_arf_abuse_is_left_to_the_model() -> None:
    """Feedback-Type ``abuse`` overrides a parser's declared ``spam``: the model decides."""
    assert structured_label({"feedback_type": "abuse"}, declared="spam") is None


def test_unknown_declared_category_is_ignored() -> None:
    """A declared category outside the taxonomy never becomes a verdict."""
    assert structured_label({}, declared="weird") is None
