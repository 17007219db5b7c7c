"""Whether this process is shutting down: a flag every layer may read, set once on SIGTERM.

From that moment the process accepts no new Socket.IO session (handshakes are answered 503,
see :mod:`chatapp.realtime.recovery_server`), reports itself unavailable on ``/api/health``,
and the sessions it closes stay resumable elsewhere."""
from __future__ import annotations

_shutting_down = False


def begin_shutdown() -> None:
    global _shutting_down
    _shutting_down = True


def shutting_down() -> bool:
    return _shutting_down
