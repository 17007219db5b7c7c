#!/usr/bin/env bash
# Set up, migrate and run the server on its embedded default: SQLite in instance/, one gevent
# process, http://localhost:${PORT:-4000}.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/flask db upgrade
exec .venv/bin/python wsgi.py
