#!/usr/bin/env bash
# Install the system packages the test suite uses, when they are missing:
# PostgreSQL (storage tests run on it too), Chromium (UI tests), Apertium (translation).
set -euo pipefail

need=()
have_pg() { command -v pg_ctl >/dev/null || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; }
have_pg || need+=(postgresql)
command -v chromium >/dev/null || need+=(chromium)
command -v apertium >/dev/null || need+=(apertium)
for pair in apertium-eng-spa apertium-eng-cat apertium-fra-cat; do
  dpkg -s "$pair" >/dev/null 2>&1 || need+=("$pair")
done

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "missing system packages: ${need[*]} (install them with apt-get as root)" >&2
  exit 1
fi
echo "installing: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
