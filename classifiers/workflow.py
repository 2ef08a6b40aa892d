"""The classifier's jobs as the CLI runs them: train-and-ship, evaluate, predict files."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from classifiers.dataset import load_reports, read_manifest, refresh_manifest
from classifiers.evaluate import Scores, evaluate, plot_confusion, write_metrics
from classifiers.mailparse import report_from_message
from classifiers.predict import DEFAULT_MODEL_DIR, Classifier
from classifiers.train import TrainSettings, save, train
from pipeline.config import ClassifierConfig

log = logging.getLogger(__name__)

METRICS_FILE = "metrics.json"


def split_entries(split: str) -> list[Any]:
    return [e for e in read_manifest() if e.split == split]


def train_and_ship(
    settings: TrainSettings,
    model_dir: Path = DEFAULT_MODEL_DIR,
    progress: Callable[[str], None] = print,
) -> list[Scores]:
    """Refresh the manifest, train, save the model and record its dev/test scores beside it."""
    entries = refresh_manifest()
    progress(f"manifest: {len(entries)} examples")
    by_split = {s: [e for e in entries if e.split == s] for s in ("train", "dev", "test")}
    outcome = train(by_split["train"], by_split["dev"], settings, progress)
    save(outcome, model_dir)
    classifier = Classifier(outcome.nlp, ClassifierConfig().review_threshold)
    scores = [evaluate(classifier, s, load_reports(by_split[s])) for s in ("dev", "test")]
    write_metrics(scores, model_dir / METRICS_FILE, {
        "seed": settings.seed, "epochs": settings.epochs, "best_epoch": outcome.best_epoch,
        "architecture": settings.architecture, "subset": settings.subset,
        "train_examples": outcome.train_count,
    })
    return scores


def evaluate_model(
    model_dir: Path = DEFAULT_MODEL_DIR, split: str = "test", png: Path | None = None
) -> Scores:
    """Score the saved model on a manifest split; optionally draw its confusion matrix."""
    classifier = Classifier.load(model_dir)
    scores = evaluate(classifier, split, load_reports(split_entries(split)))
    if png is not None:
        plot_confusion(scores, png)
    return scores


def recorded_scores(model_dir: Path = DEFAULT_MODEL_DIR) -> dict[str, Any]:
    """The metrics recorded when the shipped model was trained."""
    data: dict[str, Any] = json.loads((model_dir / METRICS_FILE).read_text(encoding="utf-8"))
    return data


def predict_files(paths: Sequence[Path], config: ClassifierConfig) -> Iterator[dict[str, Any]]:
    """One JSON-ready verdict per message file; unreadable files get ``ok: false``."""
    classifier = Classifier.load(config.model_path, config.review_threshold)
    for path in paths:
        try:
            report = report_from_message(path.read_bytes())
        except OSError as exc:
            log.warning("cannot read %s: %s", path, exc.strerror)
            yield {"source": str(path), "ok": False, "error": f"unreadable: {exc.strerror}"}
            continue
        verdict = classifier.classify([report])[0]
        yield {"source": str(path), "ok": True, "error": None, "label": verdict.label,
               "confidence": verdict.confidence, "decided_by": verdict.decided_by,
               "review": verdict.review}
