"""Property-based fuzzing (hypothesis) of every socket event of both protocols, against a real
server process (issue 11): whatever a client sends, the server answers with an
acknowledgement that is never an ``internal`` error, and its log gets no traceback.

Payloads mix the fields the handlers read (with plausible values: real room and user ids, the
joined event) with hostile ones (wrong types, huge numbers, lone surrogates, invisible
characters, deep nesting). Examples are bounded (``FUZZ_EXAMPLES_SOCKET`` per event, 20 by default);
the counts are printed for the closing note."""
from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chatapp.realtime.namespace import ChatNamespace
from tests.conftest import server_env
from tests.e2e_support import login, new_room, send
from tests.event_support import join_event
from tests.helpers import ChatClient, ServerProcess

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES_SOCKET", "20"))
EVENTS = sorted(ChatNamespace.EVENTS)
FIELDS = ["roomId", "message", "to", "isTyping", "status", "name", "description", "category",
          "isPrivate", "eventId", "username", "avatar", "token", "userId", "messageId",
          "reason", "seconds", "isModerator", "after", "clientMessageId", "text", "userId"]

nasty_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "\ud800", "a\udfffb", "\u202eevil", "zero\u200bwidth", "\ufeff",
                     "launch\n", "x" * 5000, "0", "-1", "1e309", "NaN", "null", "../../etc",
                     "<script>", "9" * 40]),
)
# Plausible texts, and the ones that once crashed handlers (a lone surrogate) or should be
# refused (invisible and direction-changing characters in one-line fields).
TEXTS = ["hello", "\ud800", "a\udc80b", "\u202eevil", "zero\u200bwidth"]
numbers = st.one_of(st.integers(min_value=-2**63, max_value=2**70),
                    st.sampled_from([0, 1, 2, 3, 5, 6, 2**31 - 1, 2**31, 2**53, 2**53 + 1, -1]),
                    st.floats(allow_nan=False, allow_infinity=False))
scalars = st.one_of(st.none(), st.booleans(), numbers, nasty_text)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(FIELDS) | nasty_text, inner,
                                                 max_size=4)), max_leaves=12)


MODERATION_FIELDS = ["roomId", "eventId", "userId", "messageId", "seconds", "reason",
                     "isModerator", "username"]
# The fields each event's handler reads: always present in its object payloads.
EVENT_FIELDS = {
    "user:login": ["username", "avatar", "token"],
    "message:private": ["to", "message", "clientMessageId"],
    "room:join": ["roomId", "after"], "room:leave": ["roomId"],
    "room:message": ["roomId", "message", "clientMessageId"],
    "room:create": ["name", "description", "category", "isPrivate"],
    "user:typing": ["roomId", "isTyping"], "user:typing:private": ["to", "isTyping"],
    "user:status": ["status"], "conversation:read": ["userId"],
    "joinEvent": ["eventId", "username", "avatar", "after"],
    "sendMessage": ["text", "clientMessageId"],
}


def payloads(event: str, plausible: dict) -> st.SearchStrategy:
    """Objects holding the fields the event's handler reads (each with a plausible value two
    times in three, else a hostile one) and maybe others, or any value at all (the
    live-event protocol takes bare strings and booleans)."""
    field_value = {name: st.one_of(st.sampled_from(plausible.get(name, [None])),
                                   st.sampled_from(plausible.get(name, [None])), values)
                   for name in FIELDS}
    read = EVENT_FIELDS.get(event, MODERATION_FIELDS)
    objects = st.fixed_dictionaries({name: field_value[name] for name in read},
                                    optional={name: field_value[name] for name in FIELDS
                                              if name not in read})
    return st.one_of(objects, objects, objects, values, st.just(None))


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fuzz")
    proc = ServerProcess(server_env(tmp, RATE_LIMITS_ENABLED="0"))
    proc.migrate()
    proc.start()
    yield proc
    proc.stop()


def test_no_socket_event_fails_internally_or_logs_a_traceback(fuzz_server, unique, capsys):
    clients: list[ChatClient] = []

    def connect(url=None, **kwargs) -> ChatClient:
        client = ChatClient(url or fuzz_server.url, **kwargs)
        clients.append(client)
        return client

    try:
        other = login(connect, unique("other"))
        fuzzer = login(connect, unique("fuzz"))
        room = new_room(fuzzer, unique)
        message = send(fuzzer, room, "target")
        event_id = unique("ev")
        join_event(fuzzer, event_id)
        plausible = {"roomId": [1, room, str(room)], "to": [other.user["userId"]],
                     "userId": [other.user["userId"], fuzzer.user["userId"]],
                     "eventId": [event_id], "messageId": [message["id"]],
                     "token": [other.token], "username": [unique("n")],
                     "after": [0, message["id"]], "clientMessageId": ["c-1"],
                     **{name: TEXTS for name in ("message", "text", "status", "name",
                                                 "description", "category", "reason",
                                                 "avatar")},
                     "isTyping": [True, False], "isPrivate": [False], "seconds": [0, 5]}
        stats = {"examples": 0, "internal": 0}
        internal: list[str] = []
        for event in EVENTS:
            fuzz_event(connect, fuzzer, event, payloads(event, plausible), stats, internal)
        log = fuzz_server.log_path.read_text(errors="replace")
        tracebacks = log.count("Traceback")
        with capsys.disabled():
            print(f"\nsocket fuzz: {len(EVENTS)} events, {stats['examples']} examples, "
                  f"{stats['internal']} internal errors, {tracebacks} tracebacks in the log")
        assert internal == [] and tracebacks == 0, (internal[:5], log[-3000:])
        assert stats["examples"] >= len(EVENTS) * 5
    finally:
        for client in clients:
            client.close()


def fuzz_event(connect, fuzzer: ChatClient, event: str, strategy, stats: dict,
               internal: list[str]) -> None:
    state = {"client": fuzzer}

    @given(payload=strategy)
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def fuzz(payload):
        client = state["client"]
        if not client.sio.connected:  # a frame or a logout closed it: carry on with a new one
            client = state["client"] = login(connect, f"fz{stats['examples']}")
        stats["examples"] += 1
        ack = client.call(event, payload) if payload is not None else client.call(event)
        if isinstance(ack, dict) and ack.get("ok") is False \
                and ack["error"]["code"] == "internal":
            stats["internal"] += 1
            internal.append(f"{event} {payload!r:.200}")

    fuzz()
