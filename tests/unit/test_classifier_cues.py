"""Cue tokens: one category word per report, whatever language the report is written in."""

from __future__ import annotations

from classifiers.cues import LEXICON
from classifiers.taxonomy import LABELS
from classifiers.text import normalise, report_text
from pipeline.models import Report


def _cues(body: str) -> list[str]:
    text = report_text(Report(format="freetext", subject="", body=body))
    return [token for token in text.split() if token.startswith("cue_")]


def test_lexicon_covers_every_label() -> None:
    """Every taxonomy label has cue words, and the lexicon names no unknown label."""
    assert set(LEXICON) == set(LABELS)


def test_stem_matches_inflected_word() -> None:
    """A stem entry (``phish*``) cues a longer word built on it (German ``Phishing-Seite``)."""
    assert _cues("Wir haben eine Phishing-Seite gefunden") == ["cue_phishing"]


def test_unspaced_japanese_term_is_found() -> None:
    """A Japanese term is found inside unspaced text, as CJK text is split into characters."""
    assert _cues("貴社サーバー上でフィッシングサイトを確認しました") == ["cue_phishing"]


def test_unseen_language_maps_to_the_same_cue() -> None:
    """Greek, Korean and Turkish fraud reports all carry the one ``cue_fraud`` token."""
    assert {c for b in ("απάτη", "사기 사이트", "dolandırıcılık") for c in _cues(b)} == {
        "cue_fraud"
    }


def test_phrase_with_inflected_inner_word() -> None:
    """A phrase with a stemmed inner word matches its plural (``droits d'auteur``)."""
    assert _cues("violation des droits d'auteur") == ["cue_copyright"]


def test_word_entry_does_not_match_a_longer_word() -> None:
    """A whole-word entry (``listed``) does not cue a word it only starts (``listedness``)."""
    assert _cues("listedness") == []


def test_cues_come_first_and_once() -> None:
    """A cue repeated in the body is emitted once, at the front of the model text."""
    text = report_text(Report(format="freetext", subject="DDoS", body="ddos ddos attack"))
    assert text.split()[0] == "cue_network_attack" and text.count("cue_") == 1


def test_body_text_cannot_forge_a_cue_token() -> None:
    """A literal ``cue_malware`` in a report's text is split by normalising, not kept whole."""
    assert "cue_malware" not in normalise("cue_malware").split()
