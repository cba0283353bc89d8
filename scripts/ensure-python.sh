#!/usr/bin/env bash
# Create the project's virtual environment, installing Debian's venv support if it is missing.
set -euo pipefail
python=${1:-python3}
venv=${2:-.venv}
if ! "$python" -m venv "$venv" 2>/dev/null; then
  rm -rf "$venv"
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq
    apt-get install -y -qq python3-venv python3-pip >/dev/null
  else
    echo "python3 -m venv failed: install python3-venv (sudo apt-get install python3-venv)" >&2
    exit 1
  fi
  "$python" -m venv "$venv"
fi
"$venv/bin/pip" install -q --upgrade pip
