#!/usr/bin/env bash
# Sets up a fresh machine for abuse-pipeline: the Python environment in .venv (and, with
# --test, the real servers the integration tests talk to). Safe to run again: it only does
# what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

apt_install() {
  # Debian packages the tests need; installed only when missing (CI machines start without).
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "setup: installing Debian packages: ${missing[*]}"
  $sudo apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi

extras=""
[ $want_test -eq 1 ] && extras="[dev]"
stamp=".venv/.installed$( [ $want_test -eq 1 ] && echo -dev )"
fingerprint=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$fingerprint" ]; then
  echo "setup: installing abuse-pipeline$extras into .venv"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -e ".$extras"
  echo "$fingerprint" > "$stamp"
fi

if [ $want_test -eq 1 ]; then
  # rbldnsd: the DNSBL server the Spamhaus tests query on 127.0.0.1.
  apt_install rbldnsd
  # rbldnsd's package starts a system instance where it can; the tests run their own.
fi
