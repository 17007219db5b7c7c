"""This server process's row in ``server_processes``: its id and heartbeat.

Presence rows (connections, room presence) point at the process that holds the socket, so a
process that dies without cleaning up is recognisable by its stale heartbeat.
"""
from __future__ import annotations

import os
import socket as _socket
import time
import uuid

from sqlalchemy import delete, exists, select, update

from chatapp.extensions import db
from chatapp.models import ServerProcess
from chatapp.models.presence import PARKED_SUFFIX
from chatapp.timeutil import utcnow

_process_id: str | None = None
# Placeholder id -> when this process last refreshed it for a take-over (monotonic clock).
_parked_refreshed: dict[str, float] = {}


def current_process_id() -> str:
    """This process's id, registering it on first use (after a fork, a new id)."""
    global _process_id
    if _process_id is None or not _process_id.endswith(f"-{os.getpid()}"):
        new_id = f"{uuid.uuid4().hex[:24]}-{os.getpid()}"
        db.session.add(ServerProcess(id=new_id, hostname=_socket.gethostname()[:255],
                                     pid=os.getpid(), heartbeat_at=utcnow()))
        wake_parked_processes()
        db.session.commit()
        _process_id = new_id
    return _process_id


def add_parked_process() -> str:
    """A placeholder row for the presence of sockets handed off at a shutdown (see
    :func:`chatapp.actions.presence.do_park_sockets`). Nobody beats for it: it is refreshed
    only while its clients come back (:func:`keep_parked_awake`) and when a process starts
    (:func:`wake_parked_processes`), so once they stop coming for ``HANDOFF_GRACE`` a live
    process reaps what is left. Its host name is no host's, so no restarting process takes it
    for its own predecessor. Not committed."""
    parked_id = f"{uuid.uuid4().hex[:24]}{PARKED_SUFFIX}"
    db.session.add(ServerProcess(id=parked_id, hostname=f"parked:{_socket.gethostname()}"[:255],
                                 pid=os.getpid(), heartbeat_at=utcnow()))
    db.session.flush()
    return parked_id


def wake_parked_processes() -> None:
    """Give every placeholder a fresh ``HANDOFF_GRACE``: a process is starting, so clients
    handed off by a lone process's restart can only now come back. Not committed."""
    db.session.execute(update(ServerProcess).where(
        ServerProcess.id.endswith(PARKED_SUFFIX), ServerProcess.reaped_by.is_(None))
        .values(heartbeat_at=utcnow()))


def keep_parked_awake(process_id: str) -> None:
    """A client took over a socket parked under ``process_id``: while they keep coming back
    (a restart's storm of thousands takes a while), the others are still awaited. At most
    one refresh a second per placeholder and process, so a storm does not queue on the
    placeholder's row. Not committed."""
    if not process_id.endswith(PARKED_SUFFIX):
        return
    now = time.monotonic()
    if now - _parked_refreshed.get(process_id, float("-inf")) < 1:
        return
    if len(_parked_refreshed) > 64:  # placeholders come one per shutdown: forget old ones
        _parked_refreshed.clear()
    _parked_refreshed[process_id] = now
    db.session.execute(update(ServerProcess).where(
        ServerProcess.id == process_id, ServerProcess.reaped_by.is_(None))
        .values(heartbeat_at=utcnow()))


def parked_processes_exist() -> bool:
    return bool(db.session.scalar(select(exists().where(
        ServerProcess.id.endswith(PARKED_SUFFIX), ServerProcess.reaped_by.is_(None)))))


def beat() -> bool:
    """Refresh this process's heartbeat. False if our row is gone or claimed: another process
    took us for dead (a long stall) and has already announced our sockets as gone."""
    global _process_id
    result = db.session.execute(
        update(ServerProcess)
        .where(ServerProcess.id == current_process_id(), ServerProcess.reaped_by.is_(None))
        .values(heartbeat_at=utcnow())
    )
    db.session.commit()
    if result.rowcount == 1:
        return True
    _process_id = None  # register afresh on next use
    return False


def forget_process() -> None:
    """Remove this process's row at a clean shutdown (its sockets are already gone)."""
    global _process_id
    if _process_id is None:
        return
    db.session.execute(delete(ServerProcess).where(ServerProcess.id == _process_id))
    db.session.commit()
    _process_id = None
