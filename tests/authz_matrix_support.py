"""The world the authorization matrix (``tests/test_authz_matrix.py``) runs in, and how one
cell of it is run in process.

The world, built once per module and copied for every case: accounts ``owner``, ``member``,
``nonmember``, ``muted``, ``banned``, ``moderator``, ``admin`` (site admin), ``victim`` (the
usual target) and ``outsider`` (someone to invite), and a guest ``guest``. ``owner`` owns the
private room ``den``, the public room ``plaza`` and hosts the live event ``launch`` (its chat
is ``event_room``). In all three ``victim`` is a member with a message (``den_message``,
``plaza_message``, ``event_message``), ``moderator`` is appointed, ``muted`` is muted for an
hour and ``banned`` is banned. ``member`` and ``muted`` are members of ``den``; ``banned``
was one until the ban. The event also has a question and a held message by ``victim``
(``event_question``, ``event_held``) and an open poll (``event_poll``). In each case ``victim`` also has a socket in all three chats (so a
kick has someone to kick).
"""
from __future__ import annotations

import re
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from chatapp import create_app
from chatapp.actions.accounts import do_register
from chatapp.actions.event_lifecycle import new_event
from chatapp.actions.membership import do_appoint_moderator, do_invite_member
from chatapp.actions.messages import store_message
from chatapp.actions.moderation import do_ban, do_mute
from chatapp.cluster import process_registry
from chatapp.extensions import db, socketio
from chatapp.models import (
    EventHeldMessage,
    EventPoll,
    EventQuestion,
    Room,
    RoomMember,
    User,
)
from chatapp.models.moderation import ROLE_OWNER
from chatapp.models.room import ROOM_KIND_COMMUNITY
from chatapp.realtime import broadcast
from chatapp.security.identity import Actor, issue_token
from chatapp.timeutil import utcnow
from tests import databases

PASSWORD = "correct horse battery"
SECRET = "authz-matrix-secret"
ROLES = ("anonymous", "guest", "member", "nonmember", "muted", "banned", "moderator", "owner",
         "admin")
ACCOUNTS = ("owner", "member", "nonmember", "muted", "banned", "moderator", "admin", "victim",
            "outsider")
ALLOW = "allow"
HTTP_STATUS = {"not_logged_in": 401, "forbidden": 403, "banned": 403, "muted": 403,
               "not_found": 404, "not_member": 403, "invalid": 400, "conflict": 409}


@dataclass(frozen=True)
class Ref:
    """A name in the world (a user, a room, a message...), resolved to its id in each case."""

    name: str


class _World:
    def __getattr__(self, name: str) -> Ref:
        return Ref(name)


W = _World()


def resolve(value: Any, ids: dict[str, Any]) -> Any:
    if isinstance(value, Ref):
        return ids[value.name]
    if isinstance(value, dict):
        return {k: resolve(v, ids) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(resolve(v, ids) for v in value)
    return value


def url_for_rule(rule: str, path: dict[str, Ref], ids: dict[str, Any]) -> str:
    """``/api/rooms/<room_id>/bans`` (converters allowed) with ``room_id`` from the world."""
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: str(resolve(path[m.group(1)], ids)), rule)


def make_app(url: str):
    return create_app({"TESTING": True, "SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": url,
                       "REDIS_URL": None, "RATE_LIMITS_ENABLED": False,
                       "UPLOAD_DIR": tempfile.mkdtemp(prefix="authz-uploads-")})


def build_world() -> dict[str, Any]:
    """Write the world into the app's (migrated, empty) database; return the ids."""
    ids: dict[str, Any] = {role: do_register(f"the_{role}", PASSWORD,
                                             email=f"{role}@world.example").id
                           for role in ACCOUNTS}
    db.session.get(User, ids["admin"]).is_admin = True
    guest = User(username="a_guest", is_guest=True, token_version=1)
    db.session.add(guest)
    rooms = {name: Room(kind=ROOM_KIND_COMMUNITY, name=name.title(), category="test",
                        created_by_id=ids["owner"], is_private=name == "den")
             for name in ("den", "plaza")}
    db.session.add_all(rooms.values())
    db.session.flush()
    for room in rooms.values():  # as room:create leaves it: the creator is its owner
        db.session.add(RoomMember(room_id=room.id, user_id=ids["owner"], role=ROLE_OWNER))
    event = new_event("launch", "Launch", host_id=ids["owner"],
                      starts_at=utcnow() - timedelta(minutes=5))
    db.session.commit()
    ids.update(guest=guest.id, den=rooms["den"].id, plaza=rooms["plaza"].id, event="launch",
               event_room=event.room_id)
    owner = Actor.of(db.session.get(User, ids["owner"]))
    for name in ("den", "plaza", "event_room"):
        room = db.session.get(Room, ids[name])
        members = ("victim", "member", "muted", "banned") if name == "den" else ("victim",)
        for who in members:
            do_invite_member(owner, room, ids[who])
        do_appoint_moderator(owner, room, ids["moderator"])
        do_mute(owner, room, ids["muted"], 3600)
        do_ban(owner, room, ids["banned"], "spam")
        prefix = name.split("_")[0]
        ids[f"{prefix}_message"] = store_message(sender_id=ids["victim"],
                                                 content=f"victim in {name}", room_id=room.id)[0]
    # The event's stage: a question and a held message by victim, a poll by the host.
    question = EventQuestion(event_id="launch", author_id=ids["victim"], text="why?",
                             anonymous=False, status="open", pinned=False, votes=0,
                             created_at=utcnow())
    poll = EventPoll(event_id="launch", created_by_id=ids["owner"], question="which?",
                     options=["a", "b"], multiple=False, created_at=utcnow())
    held = EventHeldMessage(event_id="launch", author_id=ids["victim"], text="let me in",
                            status="pending", created_at=utcnow())
    db.session.add_all([question, poll, held])
    db.session.commit()
    ids.update(event_question=question.id, event_poll=poll.id, event_held=held.id)
    return ids


@pytest.fixture(scope="module")
def world_template(tmp_path_factory):
    """A database holding the world (built once per module) and its ids."""
    url = databases.unit_database_url(tmp_path_factory.mktemp("authz-world"))
    app = make_app(url)
    with app.app_context():
        ids = build_world()
        db.session.remove()
        db.engine.dispose()  # a PostgreSQL template must have no open connections
    return url, ids


# Tables that record how the server runs, not what users did: the process registry, and the
# log behind connection state recovery (a refusal's `error` event is logged like any event).
BOOKKEEPING = frozenset({"server_processes", "recovery_events", "recovery_sessions"})


@dataclass
class Stage:
    """One case's copy of the world: the app, ids, tokens, sockets and what was broadcast."""

    app: Any
    ids: dict[str, Any]
    tokens: dict[str, str]
    sockets: list = field(default_factory=list)
    emits: list[tuple[str, Any]] | None = None

    def connect(self, role: str):
        """A socket identified by the role's token in its handshake (``anonymous``: none)."""
        token = self.tokens.get(role)
        client = socketio.test_client(self.app, auth={"token": token} if token else None)
        assert client.is_connected()
        self.sockets.append(client)
        return client

    @staticmethod
    def sid_of(client) -> str:
        return socketio.server.manager.sid_from_eio_sid(client.eio_sid, "/")

    def snapshot(self) -> dict[str, list[tuple]]:
        """Every row of every table but the bookkeeping ones (:data:`BOOKKEEPING`)."""
        with self.app.app_context():
            state = {table.name: sorted(map(tuple, db.session.execute(sa.select(table))), key=repr)
                     for table in db.metadata.sorted_tables if table.name not in BOOKKEEPING}
            db.session.remove()
        return state

    @contextmanager
    def recording(self):
        """Collect ``(event, to)`` of every broadcast made inside the block."""
        self.emits = []
        try:
            yield self.emits
        finally:
            self.emits = None


@pytest.fixture
def stage(world_template, tmp_path, monkeypatch):
    url, ids = world_template
    copy = databases.copy_of(url, tmp_path)
    app = make_app(copy)
    monkeypatch.setattr(process_registry, "_process_id", None)
    with app.app_context():
        tokens = {role: issue_token(db.session.get(User, ids[role])) for role in ROLES
                  if role != "anonymous"}
        tokens["victim"] = issue_token(db.session.get(User, ids["victim"]))
        db.session.remove()
    result = Stage(app, ids, tokens)
    real_send = broadcast.send

    def send(event, data, *, to=None, skip_sid=None):
        if result.emits is not None:
            result.emits.append((event, to))
        real_send(event, data, to=to, skip_sid=skip_sid)

    monkeypatch.setattr(broadcast, "send", send)
    victim = result.connect("victim")
    for event, payload in (("room:join", {"roomId": ids["den"]}),
                           ("room:join", {"roomId": ids["plaza"]}),
                           ("joinEvent", {"username": "x", "eventId": "launch"})):
        ack = victim.emit(event, payload, callback=True)
        assert ack.get("ok") is True, (event, ack)
    yield result
    for client in result.sockets:
        if client.is_connected():
            client.disconnect()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    databases.release(copy)


# --- running one (row, role) case: the row is a test_authz_matrix.Row ---------------------

def run_socket(stage: Stage, action: str, role: str, row) -> tuple:
    """The caller's socket, after its ``prep``; returns (outcome, refusal broadcasts)."""
    client = stage.connect(role)
    if role != "anonymous":
        for event, payload in row.prep:
            client.emit(event, resolve(payload, stage.ids), callback=True)
    client.get_received()
    before = stage.snapshot()
    with stage.recording() as emits:
        ack = client.emit(action, *resolve(row.args, stage.ids), callback=True)
    if isinstance(ack, list) or (isinstance(ack, dict) and ack.get("ok") is True):
        return ALLOW, before, emits, []
    assert isinstance(ack, dict) and ack.get("ok") is False, ack
    refusal = ("error", stage.sid_of(client))
    assert refusal in emits, emits  # clients without callbacks hear of it too
    return ack["error"]["code"], before, emits, [refusal]


def run_rest(stage: Stage, action: str, role: str, row) -> tuple:
    """The caller's request; returns (outcome, state before, broadcasts, refusal broadcasts)."""
    method, rule = action.split(" ", 1)
    headers = {"Authorization": f"Bearer {stage.tokens[role]}"} if role != "anonymous" else {}
    body = {"json": resolve(row.args[0], stage.ids)} if row.args else {}
    url = url_for_rule(rule, row.path, stage.ids)
    before = stage.snapshot()
    with stage.recording() as emits:
        response = stage.app.test_client().open(url, method=method, headers=headers, **body)
    if 200 <= response.status_code < 300:
        return ALLOW, before, emits, []
    code = (response.get_json() or {}).get("error", {}).get("code")
    assert response.status_code == HTTP_STATUS.get(code), (response.status_code, code)
    return code, before, emits, []
