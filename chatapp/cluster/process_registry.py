"""This server process's row in ``server_processes``: its id and heartbeat.

Presence rows (connections, room presence) point at the process that holds the socket, so a
process that dies without cleaning up is recognisable by its stale heartbeat.
"""
from __future__ import annotations

import os
import socket as _socket
import uuid

from sqlalchemy import delete, update

from chatapp.extensions import db
from chatapp.models import ServerProcess
from chatapp.timeutil import utcnow

_process_id: str | None = None


def current_process_id() -> str:
    """This process's id, registering it on first use (after a fork, a new id)."""
    global _process_id
    if _process_id is None or not _process_id.endswith(f"-{os.getpid()}"):
        new_id = f"{uuid.uuid4().hex[:24]}-{os.getpid()}"
        db.session.add(ServerProcess(id=new_id, hostname=_socket.gethostname()[:255],
                                     pid=os.getpid(), heartbeat_at=utcnow()))
        db.session.commit()
        _process_id = new_id
    return _process_id


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
