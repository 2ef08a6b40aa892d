"""Counts for the model card: examples per label, source, language and split."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from classifiers.dataset import ManifestEntry
from classifiers.taxonomy import LABELS


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def data_tables(entries: Sequence[ManifestEntry]) -> str:
    """Markdown tables: label × split, label × source, and the languages of written examples."""
    splits = Counter((e.label, e.split) for e in entries)
    by_split = [[lb, *(splits[(lb, s)] for s in ("train", "dev", "test")),
                 sum(splits[(lb, s)] for s in ("train", "dev", "test"))] for lb in LABELS]
    sources = sorted({e.source.split(":")[0] for e in entries})
    src = Counter((e.label, e.source.split(":")[0]) for e in entries)
    by_source = [[lb, *(src[(lb, s)] for s in sources)] for lb in LABELS]
    langs = Counter(e.lang or "?" for e in entries if e.source == "written")
    groups = Counter(e.label for e in {(e.group, e.label): e for e in entries}.values())
    return "\n\n".join((
        _table(("label", "train", "dev", "test", "total"), by_split),
        _table(("label", *sources, "sender groups"),
               [[*row, groups[str(row[0])]] for row in by_source]),
        _table(("language (written)", "examples"), langs.most_common()),
    ))
