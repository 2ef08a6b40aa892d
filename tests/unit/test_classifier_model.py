"""The shipped model: it reproduces its recorded score, and verdicts carry review flags."""

from __future__ import annotations

from classifiers.evaluate import score
from classifiers.predict import classify_reports
from classifiers.workflow import evaluate_model, recorded_scores
from pipeline.config import ClassifierConfig
from pipeline.models import Report


def test_shipped_model_reproduces_recorded_macro_f1() -> None:
    """The model's macro-F1 on the test split matches metrics.json within 0.01."""
    recorded = recorded_scores()["splits"]["test"]["macro_f1"]
    assert abs(evaluate_model(split="test").macro_f1 - recorded) <= 0.01


def test_low_confidence_routes_to_review() -> None:
    """With a review threshold of 1.0 every model verdict is flagged for review."""
    config = ClassifierConfig(review_threshold=1.0)
    verdict = classify_reports([Report(format="freetext", body="hello")], config)[0]
    assert verdict is not None and verdict.decided_by == "model" and verdict.review


def test_structured_signal_decides_without_model() -> None:
    """An X-ARF type decides with full confidence and no review."""
    report = Report(format="xarf", fields={"xarf_category": "content", "xarf_type": "phishing"})
    verdict = classify_reports([report])[0]
    assert verdict is not None and (verdict.label, verdict.decided_by) == ("phishing", "structured")


def test_macro_f1_of_perfect_predictions_is_one() -> None:
    """Scoring identical gold and predicted labels gives macro-F1 1.0."""
    assert score("x", ["spam", "fraud"], ["spam", "fraud"]).macro_f1 == 1.0


def test_macro_f1_counts_only_present_labels() -> None:
    """One of two gold labels wrong: that label's F1 is 0, the other's 2/3, macro 1/3."""
    result = score("x", ["spam", "fraud"], ["spam", "spam"])
    assert abs(result.macro_f1 - (2 / 3) / 2) < 1e-3
