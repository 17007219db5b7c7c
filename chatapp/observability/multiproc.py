"""Where prometheus-client keeps this process's metric values: ``PROMETHEUS_MULTIPROC_DIR``.

prometheus-client's multi-process mode writes each process's values into files named by pid
in one directory, and a scrape sums the files it finds there. It reads the variable when it is
first imported, so :func:`prepare` must run before that (``chatapp.observability.metrics``
calls it at the top).

Two ways to run, chosen by the environment (docs/deploy.md "Metrics"):

- ``PROMETHEUS_MULTIPROC_DIR`` unset (the default): the process makes a private directory
  under the system's temp folder and removes it when it exits. Its ``/metrics`` shows this
  process alone: scrape every process. A restarted process starts its counters from zero,
  which Prometheus's ``rate()`` handles.
- ``PROMETHEUS_MULTIPROC_DIR`` set, the same directory for every process of a host (systemd:
  ``RuntimeDirectory=``, which is emptied when the service starts): any process's
  ``/metrics`` shows the host's sum, counters survive a process restart, and the files of a
  dead process's live gauges are dropped (by the process at exit, by gunicorn's ``child_exit``
  hook after a crash, and by the next process to start). Scrape one process per host.
"""
from __future__ import annotations

import atexit
import glob
import os
import re
import shutil
import tempfile
from pathlib import Path

ENV = "PROMETHEUS_MULTIPROC_DIR"
# Set beside ENV when the directory is one process's private one (the value is its pid), so
# that a child process which inherits the environment (a test's server, a subprocess) makes
# its own instead of writing into, or later losing, its parent's.
PRIVATE_OWNER_ENV = "CHATAPP_METRICS_PRIVATE_OWNER"
PRIVATE_PREFIX = "chat-metrics-"
_LIVE_GAUGE_FILE = re.compile(r"^gauge_live\w+?_(\d+)\.db$")


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def prepare() -> tuple[Path, bool]:
    """Make sure ``PROMETHEUS_MULTIPROC_DIR`` names a usable directory for this process.
    Returns the directory and whether it is shared with other processes."""
    configured = os.environ.get(ENV)
    owner = os.environ.get(PRIVATE_OWNER_ENV)
    if configured and not (owner and owner != str(os.getpid())):
        path = Path(configured)
        path.mkdir(parents=True, exist_ok=True)
        if owner:
            return path, False
        drop_dead_live_gauges(path)
        atexit.register(mark_dead, os.getpid(), path)
        return path, True
    remove_abandoned_private_dirs()
    path = Path(tempfile.mkdtemp(prefix=f"{PRIVATE_PREFIX}{os.getpid()}-"))
    os.environ[ENV] = str(path)
    os.environ[PRIVATE_OWNER_ENV] = str(os.getpid())
    atexit.register(_remove_private, path, os.getpid())
    return path, False


def mark_dead(pid: int, path: Path | str | None = None) -> None:
    """Drop the live gauges (connected sockets, pool use) of a process that has exited."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(pid, str(path) if path else None)


def drop_dead_live_gauges(path: Path) -> None:
    """After a crash nobody called :func:`mark_dead`: the next process to start does."""
    for name in os.listdir(path):
        match = _LIVE_GAUGE_FILE.match(name)
        if match and not pid_alive(int(match.group(1))):
            (path / name).unlink(missing_ok=True)


def remove_abandoned_private_dirs() -> None:
    """Private directories of processes killed without running their exit hooks."""
    pattern = os.path.join(tempfile.gettempdir(), f"{PRIVATE_PREFIX}*-*")
    for directory in glob.glob(pattern):
        pid = Path(directory).name[len(PRIVATE_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not pid_alive(int(pid)):
            shutil.rmtree(directory, ignore_errors=True)


def _remove_private(path: Path, owner_pid: int) -> None:
    if os.getpid() == owner_pid:  # a forked child's exit must not remove its parent's files
        shutil.rmtree(path, ignore_errors=True)
