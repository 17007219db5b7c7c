#!/usr/bin/env bash
# Create .venv and install the server's requirements (and, with --dev, the test tools).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
if [ "${1:-}" = "--dev" ]; then
  .venv/bin/pip install --quiet -r requirements-dev.txt
else
  .venv/bin/pip install --quiet -r requirements.txt
fi
