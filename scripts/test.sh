#!/usr/bin/env bash
# Sets up everything the test suite needs and runs all of it: lint, types, unit and
# integration tests against real servers on loopback (the tests start those servers).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh --test

echo "== ruff"
.venv/bin/ruff check .
echo "== mypy"
.venv/bin/mypy
echo "== pytest"
.venv/bin/pytest "$@"
