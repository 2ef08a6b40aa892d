"""Options every sub-command shares: ``--config`` and ``--data-dir``."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipeline.config import Config, load_config


def add_config_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config", type=Path, default=None, metavar="FILE", help="TOML configuration file"
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="directory of the embedded store (default: ./var, or data_dir in the config)",
    )


def config_from_args(args: argparse.Namespace) -> Config:
    """The validated configuration for this invocation; raises ConfigError naming the bad key."""
    return load_config(args.config, data_dir=args.data_dir)
