"""Benchmark: the AUP classifier vs the keyword-rule baseline on the test split, one run.

Measures accuracy and macro-F1 of both on the manifest's test split, then throughput
(reports/s) of each over the same parsed reports, repeated to a fixed volume. Parsing is done
once up front and not timed: this measures classification only.

    .venv/bin/python bench/classify.py [--volume 5000] [--model DIR]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

# One thread for numpy/BLAS, as on a worker sharing the machine.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from classifiers.dataset import load_reports, read_manifest
from classifiers.evaluate import score
from classifiers.keywords import keyword_labels
from classifiers.predict import Classifier


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--volume", type=int, default=5000, help="reports classified per timing")
    parser.add_argument("--split", default="test")
    parser.add_argument("--model", type=Path, default=None, help="model dir (default: shipped)")
    args = parser.parse_args()

    data = load_reports([e for e in read_manifest() if e.split == args.split])
    reports = [d.report for d in data]
    gold = [d.label for d in data]
    classifier = Classifier.load(args.model)
    model_scores = score(args.split, gold, [v.label for v in classifier.classify(reports)])
    keyword_scores = score(args.split, gold, keyword_labels(reports))

    volume = (reports * (args.volume // max(len(reports), 1) + 1))[: args.volume]
    classifier.classify(volume[:200])  # warm-up: vocab hashing, first allocations
    start = time.perf_counter()
    classifier.classify(volume)
    model_rate = len(volume) / (time.perf_counter() - start)
    start = time.perf_counter()
    keyword_labels(volume)
    keyword_rate = len(volume) / (time.perf_counter() - start)

    print(f"{args.split} split: {len(data)} reports; throughput over {len(volume)} reports")
    print(f"{'':<22}{'accuracy':>10}{'macro-F1':>10}{'reports/s':>12}")
    for name, s, rate in (("spaCy model", model_scores, model_rate),
                          ("keyword baseline", keyword_scores, keyword_rate)):
        print(f"{name:<22}{s.accuracy:>10.4f}{s.macro_f1:>10.4f}{rate:>12.0f}")
    f1_ratio = model_scores.macro_f1 / max(keyword_scores.macro_f1, 1e-9)
    print(f"ratio model/baseline: macro-F1 {f1_ratio:.2f}x, speed {model_rate / keyword_rate:.2f}x")


if __name__ == "__main__":
    main()
