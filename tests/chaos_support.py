"""Drives tests/chaos_clients.mjs (stock socket.io-client) and turns what it saw into figures:
messages lost, duplicated and out of order, reconnects and recoveries."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import ChatClient

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tests" / "chaos_clients.mjs"


def require_node() -> None:
    if shutil.which("node") is None or not (ROOT / "tests" / "node_modules" / "socket.io-client").exists():
        if os.environ.get("CI"):
            pytest.fail("node and tests/node_modules are needed (scripts/setup.sh --dev)")
        pytest.skip("node or tests/node_modules (socket.io-client) is missing")


def make_rooms(url: str, count: int, tag: str) -> list[int]:
    owner = ChatClient(url)
    try:
        owner.login(f"{tag}owner")
        rooms = []
        for n in range(count):
            ack = owner.call("room:create", {"name": f"{tag} chaos {n}", "category": "testing"})
            assert ack["ok"], ack
            rooms.append(ack["roomId"])
        return rooms
    finally:
        owner.close()


def run_clients(*, receivers: list[str], senders: list[str], rooms: list[int],
                chaos: Callable[[], None], send_seconds: float, rate: int = 10,
                tag: str = "c") -> dict:
    """Start the Node clients; once all are in their rooms run ``chaos()`` (in this thread,
    while the senders send for ``send_seconds``); return what the clients report."""
    env = {**os.environ, "RECEIVER_URLS": ",".join(receivers), "SENDER_URLS": ",".join(senders),
           "ROOM_IDS": ",".join(map(str, rooms)), "SEND_MS": str(int(send_seconds * 1000)),
           "RATE": str(rate), "SETTLE_MS": "3000", "TAG": tag}
    proc = subprocess.Popen(["node", str(SCRIPT)], cwd=ROOT / "tests", env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ready = threading.Event()
    lines: list[str] = []

    def read() -> None:
        for line in proc.stdout:
            lines.append(line)
            if line.strip() == "READY":
                ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        if not ready.wait(30):
            proc.kill()
            raise AssertionError(f"clients not ready: {proc.stderr.read()[-2000:]}")
        chaos()
        proc.wait(timeout=send_seconds + 60)
        reader.join(5)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, proc.stderr.read()[-3000:]
    return json.loads(lines[-1])


def figures(result: dict) -> dict:
    """Lost: acknowledged messages some client in the room never got. Duplicated: extra
    copies. Out of order: a sender's message arriving after a later one of the same sender
    in the same room (duplicates aside)."""
    acked = {(room, content) for room, content in result["acked"]}
    lost = duplicated = out_of_order = 0
    for client in result["clients"]:
        got = [tuple(m) for m in client["messages"]]
        copies = Counter(got)
        duplicated += sum(n - 1 for n in copies.values())
        lost += len(acked - set(copies))
        last: dict[tuple, int] = {}
        for room, content in dict.fromkeys(got):  # first arrivals, in order
            sender, seq = content.rsplit("-", 1)
            if int(seq) < last.get((room, sender), 0):
                out_of_order += 1
            last[(room, sender)] = int(seq)
    clients = result["clients"]
    return {"acked": len(acked), "lost": lost, "duplicated": duplicated,
            "out_of_order": out_of_order,
            "reconnects": sum(c["reconnects"] for c in clients),
            "recovered": sum(c["recovered"] for c in clients),
            "not_recovered": sum(c["notRecovered"] for c in clients),
            "refused": len(result["refused"]),
            "all_connected": all(c["connected"] for c in clients)}
