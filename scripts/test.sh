#!/usr/bin/env bash
# Set up and run the whole test suite: once on SQLite, once on PostgreSQL (the scale-out tests,
# which need PostgreSQL and Redis, run in the PostgreSQL pass; the browser tests, which need
# Chromium, run in the SQLite pass only: they test pages, and their server's database is
# covered by everything else in the PostgreSQL pass). Extra arguments go to pytest.
#
# PostgreSQL and Redis are expected on 127.0.0.1 (TEST_POSTGRES_DSN, TEST_REDIS_URL override);
# without them those tests skip with a message, except under CI, where they fail.
# Chromium is CHROMIUM_PATH (default /usr/bin/chromium); when it is missing this script installs
# Debian's chromium and a font with apt-get (root needed), or stops with the reason; likewise
# nginx (NGINX_PATH), openssl and sqlite3 for the tests of docs/deploy.md.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev
scripts/setup.sh --browser
scripts/setup.sh --deploy-tools
echo "=== test suite on SQLite"
.venv/bin/python -m pytest -m "not scaleout" "$@"
echo "=== test suite on PostgreSQL"
TEST_DATABASE=postgresql exec .venv/bin/python -m pytest -m "not browser" "$@"
