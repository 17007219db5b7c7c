#!/usr/bin/env bash
# Run N chat server processes (the Procfile's web line each) behind nginx on $PORT, sharing
# PostgreSQL and a Redis message queue: the server side of a scale-out benchmark.
#
#   PORT=5000 bench/cluster.sh 2      # then point ../shared/bench's loadgen at :5000
#
# Meant as compare.sh's --a-cmd (it stays in the foreground; compare.sh measures the whole
# process tree: nginx and the gunicorn processes, not PostgreSQL or Redis). Needs nginx
# (apt-get install nginx-light), PostgreSQL and Redis on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
processes="${1:-2}"
port="${PORT:?set PORT}"
work="$(mktemp -d /tmp/chat-cluster.XXXXXX)"
db="chat_bench_$$"
export DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$db"
export REDIS_URL="${BENCH_REDIS_URL:-redis://127.0.0.1:6379/14}"
export SECRET_KEY=bench

cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  wait 2>/dev/null || true
  psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" postgres || true
  .venv/bin/python -c "import redis, os; redis.Redis.from_url(os.environ['REDIS_URL']).flushdb()" || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 0' TERM INT

psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $db" postgres
.venv/bin/flask db upgrade >/dev/null 2>&1

upstreams=""
for i in $(seq 1 "$processes"); do
  backend=$((port + i))
  .venv/bin/gunicorn -k geventwebsocket.gunicorn.workers.GeventWebSocketWorker -w 1 \
    --worker-connections 20000 -b "127.0.0.1:$backend" wsgi:app >"$work/server-$i.log" 2>&1 &
  upstreams="$upstreams server 127.0.0.1:$backend;"
done

cat >"$work/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 20000; }
http {
  access_log off;
  client_body_temp_path $work; proxy_temp_path $work;
  upstream chat { $upstreams }
  map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }
  server {
    listen 127.0.0.1:$port;
    location / {
      proxy_pass http://chat;
      proxy_http_version 1.1;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection \$connection_upgrade;
      proxy_read_timeout 120s;
      proxy_buffering off;
    }
  }
}
CONF
# wait for every backend before accepting traffic
for i in $(seq 1 "$processes"); do
  until curl -sf "http://127.0.0.1:$((port + i))/api/health" >/dev/null; do sleep 0.2; done
done
nginx -c "$work/nginx.conf" &
wait
