"""`abuse-pipeline classify train|evaluate|predict`: the AUP classifier's commands."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pipeline.cli.common import add_config_options, config_from_args


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "classify", help="train, evaluate and run the AUP violation classifier"
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    train = actions.add_parser("train", help="train the model on the manifest's train split")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--subset", type=int, default=None, metavar="N",
                       help="at most N training examples per label (quick runs)")
    train.add_argument("--epochs", type=int, default=None)
    train.add_argument("--architecture", choices=("reduce", "bow", "ensemble"),
                       default="ensemble")
    train.add_argument("--output", type=Path, default=None, metavar="DIR",
                       help="model directory (default: the shipped classifiers/model)")
    train.set_defaults(handler=_train)

    evaluate = actions.add_parser("evaluate", help="per-label scores and a confusion matrix")
    evaluate.add_argument("--model", type=Path, default=None, metavar="DIR")
    evaluate.add_argument("--split", choices=("train", "dev", "test"), default="test")
    evaluate.add_argument("--png", type=Path, default=None, metavar="FILE",
                          help="confusion-matrix PNG (default: docs/confusion-matrix.png)")
    evaluate.set_defaults(handler=_evaluate)

    predict = actions.add_parser("predict", help="classify message files, one JSON line each")
    predict.add_argument("files", nargs="+", type=Path, metavar="FILE")
    add_config_options(predict)
    predict.set_defaults(handler=_predict)


def _train(args: argparse.Namespace) -> int:
    from classifiers.evaluate import format_table
    from classifiers.predict import DEFAULT_MODEL_DIR
    from classifiers.train import TrainSettings
    from classifiers.workflow import train_and_ship

    settings = TrainSettings(seed=args.seed, subset=args.subset, architecture=args.architecture,
                             **({"epochs": args.epochs} if args.epochs else {}))
    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    scores = train_and_ship(settings, args.output or DEFAULT_MODEL_DIR, progress)
    for s in scores:
        print(format_table(s))
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from classifiers.evaluate import CONFUSION_PNG, format_table
    from classifiers.predict import DEFAULT_MODEL_DIR
    from classifiers.workflow import evaluate_model

    scores = evaluate_model(args.model or DEFAULT_MODEL_DIR, args.split, args.png or CONFUSION_PNG)
    print(format_table(scores))
    return 0


def _predict(args: argparse.Namespace) -> int:
    from classifiers.workflow import predict_files

    config = config_from_args(args)
    for line in predict_files(args.files, config.classifier):
        print(json.dumps(line, ensure_ascii=False), flush=True)
    return 0
