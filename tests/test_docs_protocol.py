"""docs/protocol.md documents every socket event: each one the server handles (the namespace's
EVENTS tables) in a "client emits" table, each one it emits (chatapp/realtime/broadcast.py and
the modules beside it) in a "server emits" table, and nothing that no longer exists. The
README links it."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from chatapp.realtime import broadcast
from chatapp.realtime.namespace import ChatNamespace
from tests.helpers import ROOT

DOC = ROOT / "docs" / "protocol.md"
# The first cell of a table row: one or more `names` ("`room:user:muted` / `userMuted`").
FIRST_CELL = re.compile(r"^\|([^|]*)\|")
NAME = re.compile(r"`([^`]+)`")


def documented_events() -> dict[str, set[str]]:
    """{"client emits": names, "server emits": names}, from the tables with those headers."""
    found: dict[str, set[str]] = {"client emits": set(), "server emits": set()}
    current: set[str] | None = None
    for line in DOC.read_text().splitlines():
        cell = FIRST_CELL.match(line.strip())
        if cell is None:
            current = None  # a table ends at the first line that is not a row
            continue
        header = cell.group(1).strip()
        if header in found:
            current = found[header]
        elif current is not None:
            current.update(NAME.findall(header))
    return found


# Calls that emit an event named by their first argument: broadcast.py's own send() (and
# send_local()), the same called from the modules beside it, and Flask-SocketIO's emit.
EMITTING_CALLS = {"send", "send_local", "broadcast.send", "broadcast.send_local", "socketio.emit"}


def call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
        return f"{node.func.value.id}.{node.func.attr}"
    return None


def emitted_events() -> set[str]:
    """Event names the realtime layer emits (broadcast.py, the one place that emits, and any
    module beside it that builds on it): the literal first argument of every emitting call,
    and the community / live-event names passed to broadcast's ``_in(...)``."""
    names: set[str] = set()
    for module in sorted(Path(broadcast.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(module.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = call_name(node)
            if name in EMITTING_CALLS and node.args and isinstance(node.args[0], ast.Constant) \
                    and isinstance(node.args[0].value, str):
                names.add(node.args[0].value)
            elif name == "_in":
                names.update(arg.value for arg in node.args[2:4] if isinstance(arg, ast.Constant))
    return names


def test_the_extraction_sees_what_we_know_is_there():
    """Guards the test itself: a parsing slip must not make everything pass."""
    documented = documented_events()
    assert {"user:login", "joinEvent", "room:ban", "getActiveEvents"} <= documented["client emits"]
    assert {"room:message:new", "newMessage", "error", "userBanned"} <= documented["server emits"]
    assert {"room:message:new", "newMessage", "error", "room:user:kicked",
            "userKicked", "slowMode"} <= emitted_events()


def test_every_handled_event_is_documented():
    handled = set(ChatNamespace.EVENTS)
    missing = handled - documented_events()["client emits"]
    assert not missing, f"add these to a 'client emits' table in docs/protocol.md: {sorted(missing)}"


def test_every_emitted_event_is_documented():
    missing = emitted_events() - documented_events()["server emits"]
    assert not missing, f"add these to a 'server emits' table in docs/protocol.md: {sorted(missing)}"


def test_nothing_documented_is_gone_from_the_server():
    documented = documented_events()
    stale_client = documented["client emits"] - set(ChatNamespace.EVENTS)
    stale_server = documented["server emits"] - emitted_events()
    assert not stale_client, f"documented but not handled: {sorted(stale_client)}"
    assert not stale_server, f"documented but never emitted: {sorted(stale_server)}"


def test_the_readme_links_the_documents_in_this_repository():
    readme = (ROOT / "README.md").read_text()
    assert "docs/protocol.md" in readme and "docs/deploy.md" in readme
    assert "../shared" not in readme  # nothing outside the repository
