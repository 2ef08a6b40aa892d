"""Training on a small subset: fast, deterministic, and the result classifies."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifiers.dataset import read_manifest
from classifiers.predict import Classifier
from classifiers.train import TrainOutcome, TrainSettings, save, train

SETTINGS = TrainSettings(seed=3, epochs=1, subset=2, augment=True)


def _small_run() -> TrainOutcome:
    entries = read_manifest()
    dev = [e for e in entries if e.split == "dev"][:10]
    return train([e for e in entries if e.split == "train"], dev, SETTINGS, lambda _: None)


@pytest.fixture(scope="module")
def outcome() -> TrainOutcome:
    return _small_run()


def test_subset_training_covers_every_label(outcome: TrainOutcome) -> None:
    """A two-per-label subset still trains a model that knows all eleven labels."""
    assert len(outcome.nlp.get_pipe("textcat").labels) == 11


def test_training_is_deterministic(outcome: TrainOutcome) -> None:
    """Two runs with the same seed produce byte-identical models."""
    assert _small_run().nlp.to_bytes() == outcome.nlp.to_bytes()


def test_saved_model_loads_and_classifies(outcome: TrainOutcome, tmp_path: Path) -> None:
    """A saved model loads offline with its registered tokenizer and returns verdicts."""
    save(outcome, tmp_path / "model")
    scores = Classifier.load(tmp_path / "model").model_scores(["spam complaint"])
    assert abs(sum(scores[0].values()) - 1.0) < 1e-4
