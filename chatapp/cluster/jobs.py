"""Background work of a server process: its heartbeat and reaping the sockets of dead peers."""
from __future__ import annotations

import logging
import os
import signal
import socket as _socket
import time

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from chatapp.actions.event_lifecycle import do_announce_due_statuses
from chatapp.actions.guests import BATCH as GUEST_BATCH
from chatapp.actions.guests import do_remove_stale_guests
from chatapp.actions.presence import do_reap_dead_processes
from chatapp.actions.recovery_sessions import do_prune_recovery
from chatapp.cluster.lifecycle import begin_shutdown, shutting_down
from chatapp.cluster.process_registry import (
    beat,
    current_process_id,
    forget_process,
    parked_processes_exist,
)
from chatapp.extensions import db, socketio
from chatapp.models import ServerProcess

log = logging.getLogger(__name__)
_started_in_pid: int | None = None
_guests_checked_at = float("-inf")  # monotonic time of this process's last guest cleanup


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def dead_local_processes() -> list[str]:
    """Processes registered from this host whose pid is gone (or is ours: a previous life).

    Lets a restarted server clear its predecessor's sockets at once instead of waiting for the
    heartbeat to go stale."""
    me = current_process_id()
    rows = db.session.execute(select(ServerProcess.id, ServerProcess.pid).where(
        ServerProcess.hostname == _socket.gethostname()[:255], ServerProcess.id != me)).all()
    return [pid_id for pid_id, pid in rows if pid == os.getpid() or not _pid_alive(pid)]


def presence_tick() -> None:
    """One round: refresh our heartbeat, clear the sockets of dead processes, and announce
    event status changes that time caused."""
    if shutting_down():
        return
    if not beat():
        # Our sockets were announced as gone and their rows deleted: close them so that their
        # clients reconnect and are registered again, rather than linger unseen.
        log.warning("this process was taken for dead; closing its sockets")
        socketio.server.eio.disconnect()
        current_process_id()
    do_reap_dead_processes(current_process_id(), also_dead=dead_local_processes())
    do_announce_due_statuses()
    do_prune_recovery()
    remove_stale_guests_now_and_then()


def remove_stale_guests_now_and_then() -> None:
    """Guest cleanup (:mod:`chatapp.actions.guests`) once per ``GUEST_CLEANUP_INTERVAL``
    seconds per process, not every tick: stale guests are days old, and a cleanup that
    finds a full batch runs again at the next tick."""
    global _guests_checked_at
    now = time.monotonic()
    if now - _guests_checked_at < current_app.config["GUEST_CLEANUP_INTERVAL"]:
        return
    _guests_checked_at = now
    if do_remove_stale_guests() >= GUEST_BATCH:
        _guests_checked_at = float("-inf")  # more are waiting


def _presence_loop(app: Flask) -> None:
    interval = app.config["HEARTBEAT_INTERVAL"]
    while not shutting_down():  # a tick after shutdown began would register the process again
        pause = interval
        with app.app_context():
            try:
                presence_tick()
                if parked_processes_exist():
                    # Sockets parked at a shutdown wait for their clients: once none has come
                    # back for HANDOFF_GRACE, those who did not are announced gone, within a
                    # second, not up to a whole interval later.
                    pause = min(interval, 1)
            except Exception:  # a database hiccup must not end the heartbeat for good
                log.exception("presence tick failed")
                db.session.rollback()
            finally:
                db.session.remove()
        socketio.sleep(pause)


def ensure_presence_job(app: Flask) -> None:
    """Start the heartbeat loop once per serving process. Called by the server entry point
    (``wsgi.py``), so CLI commands and migrations never register a process."""
    global _started_in_pid
    if _started_in_pid == os.getpid():
        return
    _started_in_pid = os.getpid()
    socketio.start_background_task(_presence_loop, app)


def close_all_sockets(app: Flask) -> None:
    """Close every socket of this process as a network drop would: their sessions stay
    resumable, their presence rows go and each departure is announced (all in one
    transaction), and clients reconnect (to a live process) by themselves. Then this
    process's own row goes."""
    from chatapp.realtime.namespace import hand_off_every_socket  # the realtime layer is above

    begin_shutdown()
    with app.app_context():
        try:
            try:
                hand_off_every_socket()
            except Exception:  # the row's cascade below still clears them, unannounced
                log.exception("handing off the sockets at shutdown failed")
                db.session.rollback()
            for attempt in range(3):
                try:
                    forget_process()
                    break
                except OperationalError:
                    # Deleting the row cascades to sockets whose disconnect handlers (clients
                    # that left at this very moment) may still hold their rows: PostgreSQL
                    # can pick this delete as a deadlock's victim. They finish; try again.
                    db.session.rollback()
                    if attempt == 2:
                        raise
                    socketio.sleep(0.2)
        finally:
            db.session.remove()


def install_graceful_shutdown(app: Flask) -> None:
    """On SIGTERM: first stop taking new connections, then hand the clients off.

    At once new handshakes are refused (503) and ``/api/health`` answers 503, and gunicorn's
    own handler runs (its worker closes the listener within a second); only then are the
    sockets closed, so a client reconnecting at once can only land on another process (where
    it recovers its session). gunicorn's graceful wait then ends as soon as no websocket is
    left open. Without gunicorn (``python wsgi.py``) the process exits after closing."""
    previous = signal.getsignal(signal.SIGTERM)

    def on_terminate(signum, frame):
        begin_shutdown()
        if callable(previous):
            previous(signum, frame)

        def close_then_stop():
            try:
                close_all_sockets(app)
            except Exception:
                log.exception("closing sockets at shutdown failed")
            if not callable(previous):
                os._exit(0)

        socketio.start_background_task(close_then_stop)

    signal.signal(signal.SIGTERM, on_terminate)
