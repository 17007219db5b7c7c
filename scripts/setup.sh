#!/usr/bin/env bash
# Create .venv and install the server's requirements (and, with --dev, the test tools: the
# Python ones, and the stock Node socket.io-client the front-end replay tests drive, from
# tests/package-lock.json; Node.js and npm must be installed, or this fails with the reason).
# --browser: make sure the browser tests have a Chromium: CHROMIUM_PATH (default
# /usr/bin/chromium), else Debian's chromium, fonts-dejavu-core (so screenshots show text) and
# fonts-noto-color-emoji (so emoji show in colour, not as boxes) installed with apt-get, which
# needs root. Fails with the reason when it cannot.
# --deploy-tools: make sure the tests of docs/deploy.md have what they run: Debian's nginx
# (NGINX_PATH, default nginx on PATH or /usr/sbin/nginx; else nginx-light, or nginx where
# there is no nginx-light), openssl (a certificate) and sqlite3 (backups), installed with
# apt-get, which needs root. Fails with the reason when it cannot.
set -euo pipefail
cd "$(dirname "$0")/.."

install_browser() {
  local chromium="${CHROMIUM_PATH:-/usr/bin/chromium}" packages=() log
  [ -x "$chromium" ] || packages+=(chromium)
  # Only with Debian's own browser do we see to its fonts; a CHROMIUM_PATH of yours is yours.
  local font
  for font in fonts-dejavu-core fonts-noto-color-emoji; do
    if [ -z "${CHROMIUM_PATH:-}" ] && ! dpkg-query -W -f='${Status}' "$font" 2>/dev/null \
        | grep -q "ok installed"; then
      packages+=("$font")
    fi
  done
  [ ${#packages[@]} -eq 0 ] && return 0
  if [ -n "${CHROMIUM_PATH:-}" ] && [ ! -x "$chromium" ]; then
    echo "setup.sh: CHROMIUM_PATH=$CHROMIUM_PATH is not an executable file" >&2
    exit 1
  fi
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "setup.sh: the browser tests need ${packages[*]}, and installing them takes root and" >&2
    echo "  apt-get. Run as root: apt-get install ${packages[*]}  (or set CHROMIUM_PATH)" >&2
    exit 1
  fi
  echo "setup.sh: installing ${packages[*]} with apt-get (once)"
  log="$(mktemp)"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
         apt-get install -y -qq --no-install-recommends "${packages[@]}"; } >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    echo "setup.sh: apt-get could not install ${packages[*]} (output above)" >&2
    exit 1
  fi
  rm -f "$log"
  if ! "$chromium" --version >/dev/null 2>&1; then
    echo "setup.sh: $chromium was installed but does not run: $("$chromium" --version 2>&1 | tail -n 3)" >&2
    exit 1
  fi
}

install_deploy_tools() {
  local nginx="${NGINX_PATH:-$(command -v nginx || echo /usr/sbin/nginx)}" packages=() log
  if [ -n "${NGINX_PATH:-}" ] && [ ! -x "$nginx" ]; then
    echo "setup.sh: NGINX_PATH=$NGINX_PATH is not an executable file" >&2
    exit 1
  fi
  [ -x "$nginx" ] || packages+=(nginx)
  command -v openssl >/dev/null || packages+=(openssl)
  command -v sqlite3 >/dev/null || packages+=(sqlite3)
  [ ${#packages[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "setup.sh: the deployment tests need ${packages[*]}, and installing them takes root" >&2
    echo "  and apt-get. Run as root: apt-get install ${packages[*]}  (or set NGINX_PATH)" >&2
    exit 1
  fi
  log="$(mktemp)"
  if ! apt-get update -qq >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    echo "setup.sh: apt-get update failed (output above)" >&2
    exit 1
  fi
  # nginx-light has every module docs/nginx.conf uses; newer Debian releases fold it into nginx.
  if [ "${packages[0]}" = nginx ] && apt-cache show nginx-light >/dev/null 2>&1; then
    packages[0]=nginx-light
  fi
  echo "setup.sh: installing ${packages[*]} with apt-get (once)"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${packages[@]}" >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    echo "setup.sh: apt-get could not install ${packages[*]} (output above)" >&2
    exit 1
  fi
  rm -f "$log"
  if ! "$nginx" -v >/dev/null 2>&1; then
    echo "setup.sh: ${packages[*]} installed, but $nginx does not run" >&2
    exit 1
  fi
}

case "${1:-}" in
  --browser) install_browser; exit 0 ;;
  --deploy-tools) install_deploy_tools; exit 0 ;;
esac
PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
if [ "${1:-}" = "--dev" ]; then
  .venv/bin/pip install --quiet -r requirements-dev.txt
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "setup.sh: the tests drive the stock socket.io-client in Node.js: install node and npm" >&2
    exit 1
  fi
  (cd tests && npm ci --no-audit --no-fund --loglevel=error)
else
  .venv/bin/pip install --quiet -r requirements.txt
fi
