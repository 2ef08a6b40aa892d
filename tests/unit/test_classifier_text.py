"""The classifier's input text: normalisation, structured tokens, bounds."""

from __future__ import annotations

from classifiers.text import MAX_BODY_CHARS, normalise, report_text
from pipeline.models import Offender, OffenderKind, Report


def test_addresses_become_placeholders() -> None:
    """IPv4, IPv6, e-mail addresses and timestamps are replaced by shape tokens."""
    text = normalise("From 192.0.2.7 and 2001:db8::1 to bob@example.org at 2024-05-01 12:03:04")
    assert text.split() == ["from", "tokipv4", "and", "tokipv6", "to", "tokemail", "at",
                            "tokdate", "toktime"]


def test_url_keeps_its_words() -> None:
    """A URL becomes a marker followed by its words, so ``login``/``verify`` still count."""
    assert normalise("see https://bank.example/login/verify.php") == (
        "see tokurl bank login verify php"
    )


def test_top_level_label_is_dropped() -> None:
    """Domains lose their TLD, which tells where training data came from, not what it says."""
    assert normalise("shop cheap-sneakers.example") == "shop tokdomain cheap sneakers"


def test_file_names_keep_their_extension() -> None:
    """A dotted file name like ``invoice.exe`` is not taken for a domain."""
    assert normalise("invoice.exe") == "invoice exe"


def test_cjk_is_split_into_characters() -> None:
    """Chinese and Japanese runs, written without spaces, become one token per character."""
    assert normalise("垃圾邮件スパム") == "垃 圾 邮 件 ス パ ム"


def test_structured_fields_become_tokens() -> None:
    """Format, Feedback-Type and offender kinds/roles appear as language-free tokens."""
    report = Report(format="arf", reporter="fbl@mail.example", fields={"feedback_type": "abuse"},
                    offenders=(Offender(OffenderKind.IP, "192.0.2.1", "source"),))
    tokens = report_text(report).split()
    for token in ("fmt_arf", "feedback_type_abuse", "offender_ip", "role_source"):
        assert token in tokens


def test_repeated_tokens_appear_once() -> None:
    """Each token enters the model input once, however often the report repeats it."""
    text = report_text(Report(format="freetext", body="spam spam spam eggs"))
    assert text.split().count("spam") == 1


def test_huge_body_is_bounded() -> None:
    """A multi-megabyte body yields input text bounded by the body limit, not by its size."""
    text = report_text(Report(format="freetext", body="spam " * 2_000_000))
    assert len(text) < MAX_BODY_CHARS + 100
