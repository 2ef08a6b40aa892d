"""Classify parsed reports into the AUP taxonomy: structured signals first, then the model.

``classify_reports(reports) -> list[Verdict | None]`` is the contract ``abuse-pipeline parse``
relies on. The spaCy pipeline is loaded once per process and fed in batches with
``nlp.pipe``. A verdict whose confidence is below ``classifier.review_threshold`` is marked
``review`` so policy routes it to a person instead of acting on it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from classifiers.structured import structured_label
from classifiers.text import report_text
from pipeline.config import ClassifierConfig
from pipeline.models import Report

log = logging.getLogger(__name__)

DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "model"
BATCH_SIZE = 256


@dataclass(frozen=True, slots=True)
class Verdict:
    """A report's taxonomy label, how sure we are, and what decided it."""

    label: str
    confidence: float
    #: ``structured`` (an unambiguous declared signal) or ``model``.
    decided_by: str
    #: Confidence fell below the review threshold: a person decides, not the policy.
    review: bool = False


class Classifier:
    """A loaded model plus the review threshold; thread-safe for concurrent callers."""

    def __init__(self, nlp: Any, review_threshold: float) -> None:
        self._nlp = nlp
        self.review_threshold = review_threshold

    @classmethod
    def load(cls, model_dir: Path | None = None, review_threshold: float = 0.6) -> Classifier:
        import spacy

        import classifiers.tokenizer  # noqa: F401  (registers the model's tokenizer)

        return cls(spacy.load(model_dir or DEFAULT_MODEL_DIR), review_threshold)

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self._nlp.get_pipe("textcat").labels)

    def model_scores(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """The model's probability per label for each input text."""
        return [dict(doc.cats) for doc in self._nlp.pipe(texts, batch_size=BATCH_SIZE)]

    def classify(self, reports: Sequence[Report]) -> list[Verdict]:
        """One verdict per report, in order."""
        verdicts: list[Verdict | None] = [None] * len(reports)
        pending: list[int] = []
        for i, report in enumerate(reports):
            label = structured_label(report.fields, report.declared_category)
            if label is not None:
                verdicts[i] = Verdict(label, 1.0, "structured")
            else:
                pending.append(i)
        scores = self.model_scores([report_text(reports[i]) for i in pending])
        for i, cats in zip(pending, scores, strict=True):
            label, confidence = max(cats.items(), key=lambda kv: kv[1])
            verdicts[i] = Verdict(label, round(confidence, 4), "model",
                                  review=confidence < self.review_threshold)
        return [v for v in verdicts if v is not None]


_lock = threading.Lock()
_loaded: dict[tuple[Path | None, float], Classifier | None] = {}


def default_classifier(config: ClassifierConfig | None = None) -> Classifier | None:
    """The process-wide classifier for ``config``, loaded once; ``None`` if it cannot load."""
    config = config or ClassifierConfig()
    key = (config.model_path, config.review_threshold)
    with _lock:
        if key not in _loaded:
            try:
                _loaded[key] = Classifier.load(config.model_path, config.review_threshold)
            except (OSError, ValueError) as exc:
                log.error("classifier model could not be loaded, only structured signals "
                          "decide: %s", exc)
                _loaded[key] = None
        return _loaded[key]


def classify_reports(
    reports: Sequence[Report], config: ClassifierConfig | None = None
) -> list[Verdict | None]:
    """One verdict per report, in order; ``None`` where nothing could decide."""
    classifier = default_classifier(config)
    if classifier is not None:
        return list(classifier.classify(reports))
    fallback: list[Verdict | None] = []
    for report in reports:
        label = structured_label(report.fields, report.declared_category)
        fallback.append(Verdict(label, 1.0, "structured") if label else None)
    return fallback
