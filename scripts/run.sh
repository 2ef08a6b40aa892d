#!/usr/bin/env bash
# Sets up a fresh machine and runs the service on its embedded defaults (SQLite, in-process bus).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/abuse-pipeline run "$@"
