"""Both wire protocols store chat through one action: ``chatapp.actions.messages``.

In process, with Flask-SocketIO's test client: a community ``room:message`` and a live-event
``sendMessage`` both reach ``store_message`` exactly once per message, land in the same
``messages`` table, and are refused by the same checks.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from chatapp.actions import messages
from chatapp.cluster import process_registry
from chatapp.extensions import db, socketio
from chatapp.models import Event, Message


@pytest.fixture
def stored(app, monkeypatch) -> list[dict]:
    """Every call of ``store_message`` (keyword arguments and the id it returned)."""
    calls: list[dict] = []
    real = messages.store_message

    def spy(**kwargs):
        message_id, created_at = real(**kwargs)
        calls.append({**kwargs, "id": message_id})
        return message_id, created_at

    monkeypatch.setattr(messages, "store_message", spy)
    monkeypatch.setattr(process_registry, "_process_id", None)
    return calls


@pytest.fixture
def connected(app):
    """Factory: a test client that sent ``events`` ((name, payload) pairs), each acknowledged
    ok. All are disconnected afterwards."""
    clients = []

    def make(*events):
        client = socketio.test_client(app)
        clients.append(client)
        assert client.is_connected()
        for name, payload in events:
            ack = client.emit(name, payload, callback=True)
            assert isinstance(ack, dict) and ack.get("ok") is True, (name, ack)
        return client

    yield make
    for client in clients:
        if client.is_connected():
            client.disconnect()


def received(client, event: str) -> list:
    return [m["args"][0] for m in client.get_received() if m["name"] == event]


def rows(app) -> list[tuple]:
    with app.app_context():
        result = db.session.execute(sa.select(Message.id, Message.room_id, Message.sender_id,
                                              Message.content).order_by(Message.id)).all()
        db.session.remove()
        return [tuple(r) for r in result]


def event_room(app, event_id: str) -> int:
    with app.app_context():
        room_id = db.session.get(Event, event_id).room_id
        db.session.remove()
        return room_id


def test_room_message_and_event_message_share_the_store(app, stored, connected):
    ana = connected(("user:login", {"userId": 1, "username": "ana", "avatar": None}),
                    ("room:join", {"roomId": 1}))
    ben = connected(("joinEvent", {"username": "ben", "eventId": "launch"}))
    ana.get_received(), ben.get_received()

    room_ack = ana.emit("room:message", {"roomId": 1, "message": "hello room"}, callback=True)
    assert room_ack["ok"] is True
    assert [(c["room_id"], c["content"]) for c in stored] == [(1, "hello room")]
    event_ack = ben.emit("sendMessage", "hello event", callback=True)
    assert event_ack["ok"] is True
    launch_room = event_room(app, "launch")
    assert [(c["room_id"], c["content"]) for c in stored] == [(1, "hello room"),
                                                             (launch_room, "hello event")]

    # One table, one row per message, the ids the clients were told about (the live-event
    # protocol writes them as strings, as the old server did).
    assert rows(app) == [(c["id"], c["room_id"], c["sender_id"], c["content"]) for c in stored]
    assert [c["id"] for c in stored] == [room_ack["message"]["id"],
                                         int(event_ack["message"]["id"])]
    assert [m["message"]["id"] for m in received(ana, "room:message:new")] == [stored[0]["id"]]
    assert [m["id"] for m in received(ben, "newMessage")] == [str(stored[1]["id"])]
    assert stored[0]["id"] < stored[1]["id"]  # one sequence across both kinds


def test_one_user_writes_through_both_protocols_as_one_sender(app, stored, connected):
    ana = connected(("user:login", {"userId": 1, "username": "ana", "avatar": None}),
                    ("room:join", {"roomId": 2}), ("joinEvent", {"username": "x", "eventId": "ev"}))
    assert ana.emit("room:message", {"roomId": 2, "message": "in the room"}, callback=True)["ok"]
    assert ana.emit("sendMessage", "in the event", callback=True)["ok"]
    assert len(stored) == 2 and stored[0]["sender_id"] == stored[1]["sender_id"]
    assert {r[1] for r in rows(app)} == {2, event_room(app, "ev")}


@pytest.mark.parametrize("text, code", [("x" * 11, "too_large"), ("   ", "invalid"),
                                         (42, "invalid")])
def test_both_protocols_refuse_the_same_text_the_same_way(app, stored, connected, text, code):
    app.config["MAX_MESSAGE_LENGTH"] = 10
    ana = connected(("user:login", {"userId": 1, "username": "ana", "avatar": None}),
                    ("room:join", {"roomId": 1}))
    ben = connected(("joinEvent", {"username": "ben", "eventId": "ev"}))
    room_ack = ana.emit("room:message", {"roomId": 1, "message": text}, callback=True)
    event_ack = ben.emit("sendMessage", text, callback=True)
    assert room_ack["ok"] is False and event_ack["ok"] is False
    assert room_ack["error"]["code"] == event_ack["error"]["code"] == code
    assert stored == [] and rows(app) == []
    assert ben.emit("sendMessage", "x" * 10, callback=True)["ok"] is True  # the limit applies
    assert len(stored) == 1


def test_a_closed_event_chat_stores_nothing(app, stored, connected, client):
    host = connected(("user:login", {"userId": 1, "username": "hana", "avatar": None}),
                     ("joinEvent", {"username": "hana", "eventId": "ev"}))
    token = received(host, "user:session")[0]["token"]
    response = client.patch("/api/events/ev", json={"action": "end"},
                            headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.get_json()
    ack = host.emit("sendMessage", "after the end", callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "event_ended"
    assert stored == [] and rows(app) == []
