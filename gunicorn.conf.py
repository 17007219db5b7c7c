"""gunicorn reads this file from the working directory (the Procfile's ``web:`` line runs
there). It runs in gunicorn's arbiter, before any worker imports the app or gevent patches
anything, so it imports nothing from ``chatapp`` at the top.

- Logs: gunicorn's own lines come out in the app's format (``LOG_FORMAT``), so a JSON log is
  JSON throughout.
- The start-up line: once a worker has loaded the app, it says where it listens and what
  database and message queue it uses.
- Request headers: a gevent-websocket worker reads them with our parser
  (chatapp/realtime/engine/http_headers.py), not the ``email`` package.
- Metrics: when a worker exits, its live gauges leave the shared metrics directory.
"""
import importlib.util
import os
from pathlib import Path


def _log_format_module():
    """chatapp/observability/log_format.py, loaded by path: importing it as part of the
    ``chatapp`` package would import Flask and the app here, in the arbiter."""
    path = Path(__file__).resolve().parent / "chatapp" / "observability" / "log_format.py"
    spec = importlib.util.spec_from_file_location("chat_log_format", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


logconfig_dict = _log_format_module().gunicorn_logconfig(
    os.environ.get("LOG_FORMAT"), (os.environ.get("LOG_LEVEL") or "INFO").upper())


def _address(listener) -> str:
    name = listener.getsockname()
    if isinstance(name, tuple):
        host = f"[{name[0]}]" if ":" in name[0] else name[0]
        return f"http://{host}:{name[1]}"
    return f"unix:{name}"


def post_worker_init(worker):
    """After the worker loaded the app (gevent patched), before it starts its servers."""
    from geventwebsocket.handler import WebSocketHandler

    from chatapp.observability.logs import log_startup
    from chatapp.realtime.engine.http_headers import RequestHandler

    if getattr(worker, "wsgi_handler", None) is WebSocketHandler:
        worker.wsgi_handler = RequestHandler

    log_startup(worker.wsgi, [_address(listener) for listener in worker.sockets])


def child_exit(server, worker):
    """A worker that crashed never dropped its live gauges (sockets, pool) from a shared
    metrics directory: do it here (what prometheus_client's mark_process_dead does, without
    importing it into the arbiter)."""
    shared = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if shared and not os.environ.get("CHATAPP_METRICS_PRIVATE_OWNER"):
        for path in Path(shared).glob(f"gauge_live*_{worker.pid}.db"):
            path.unlink(missing_ok=True)
