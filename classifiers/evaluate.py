"""Scores of a classifier on a split: per-label precision/recall/F1, macro-F1, confusion matrix."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from classifiers.dataset import LabelledReport
from classifiers.predict import Classifier
from classifiers.taxonomy import LABELS

CONFUSION_PNG = Path(__file__).resolve().parent.parent / "docs" / "confusion-matrix.png"


@dataclass(frozen=True, slots=True)
class LabelScore:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True, slots=True)
class Scores:
    """How well predictions match gold labels on one split."""

    split: str
    count: int
    accuracy: float
    macro_f1: float
    per_label: tuple[LabelScore, ...]
    #: ``confusion[gold][predicted]`` counts, rows and columns in ``LABELS`` order.
    confusion: tuple[tuple[int, ...], ...]

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def score(split: str, gold: Sequence[str], predicted: Sequence[str]) -> Scores:
    """Scores for paired gold and predicted labels; labels absent from gold are left out of
    the macro average (they have no support to recall)."""
    index = {label: i for i, label in enumerate(LABELS)}
    matrix = [[0] * len(LABELS) for _ in LABELS]
    for g, p in zip(gold, predicted, strict=True):
        matrix[index[g]][index[p]] += 1
    per_label = []
    for label, i in index.items():
        tp = matrix[i][i]
        support = sum(matrix[i])
        claimed = sum(row[i] for row in matrix)
        precision = tp / claimed if claimed else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_label.append(LabelScore(label, round(precision, 4), round(recall, 4), round(f1, 4),
                                    support))
    present = [s.f1 for s in per_label if s.support]
    correct = sum(matrix[i][i] for i in range(len(LABELS)))
    return Scores(
        split=split,
        count=len(gold),
        accuracy=round(correct / len(gold), 4) if gold else 0.0,
        macro_f1=round(sum(present) / len(present), 4) if present else 0.0,
        per_label=tuple(per_label),
        confusion=tuple(tuple(row) for row in matrix),
    )


def evaluate(classifier: Classifier, split: str, data: Sequence[LabelledReport]) -> Scores:
    """The full classifier (structured signals and model) scored on ``data``."""
    verdicts = classifier.classify([d.report for d in data])
    return score(split, [d.label for d in data], [v.label for v in verdicts])


def format_table(scores: Scores) -> str:
    """A plain-text table of per-label scores for the terminal."""
    lines = [f"{'label':<20}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>9}"]
    for s in scores.per_label:
        lines.append(f"{s.label:<20}{s.precision:>10.3f}{s.recall:>10.3f}{s.f1:>10.3f}"
                     f"{s.support:>9}")
    lines.append(f"{scores.split}: n={scores.count} accuracy={scores.accuracy:.4f} "
                 f"macro-F1={scores.macro_f1:.4f}")
    return "\n".join(lines)


def plot_confusion(scores: Scores, path: Path = CONFUSION_PNG) -> Path:
    """Write the confusion matrix as a PNG (rows: gold label, columns: predicted)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 8), dpi=100)
    ax.imshow(scores.confusion, cmap="Blues")
    ax.set_xticks(range(len(LABELS)), LABELS, rotation=45, ha="right")
    ax.set_yticks(range(len(LABELS)), LABELS)
    for i, row in enumerate(scores.confusion):
        for j, count in enumerate(row):
            if count:
                ax.text(j, i, str(count), ha="center", va="center",
                        color="white" if count > max(map(max, scores.confusion)) / 2 else "black")
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(f"{scores.split} split: macro-F1 {scores.macro_f1:.3f}, n={scores.count}")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
    return path


def write_metrics(scores: Sequence[Scores], path: Path, extra: dict[str, object]) -> None:
    """Record the scores (and training settings) next to the model."""
    payload = {**extra, "splits": {s.split: s.to_json() for s in scores}}
    path.write_text(json.dumps(payload, indent=1, sort_keys=True) + "\n", encoding="utf-8")
