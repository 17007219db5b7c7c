"""The authorization matrix: every client event and every REST write, for every kind of caller.

``MATRIX`` (in :mod:`tests.authz_matrix_table`) is the one table. Its keys are exactly the socket events the server handles
(``ChatNamespace.EVENTS``) and the non-GET routes under ``/api`` ("METHOD /api/rule", the rule
without converters: ``<room_id>``), so a new event or endpoint fails
``test_every_event_and_rest_write_has_a_row`` until it has a row. Each row holds what is sent
(a payload that succeeds for an authorised caller) and, per role, the outcome: ``allow`` or
the refusal code. Each (row, role) pair runs in process against a fresh
copy of the world described in :mod:`tests.authz_matrix_support`; a refusal must also leave
every table as it was and broadcast nothing but the ``error`` to the refused socket.

Roles: ``anonymous`` (a socket that never logged in, a request without a token), ``guest``,
``member`` (of the private room), ``nonmember``, ``muted``, ``banned``, ``moderator``,
``owner`` (of the rooms; host of the event) and ``admin`` (site admin). Socket callers are
identified by the token in their handshake; REST callers by ``Authorization: Bearer``.
Rate limits are off here (they have their own tests).
"""
from __future__ import annotations

import re

import pytest

from chatapp.realtime.namespace import ChatNamespace
from tests.authz_matrix_support import (  # noqa: F401 (fixtures)
    ALLOW,
    HTTP_STATUS,
    ROLES,
    W,
    make_app,
    resolve,
    run_rest,
    run_socket,
    stage,
    url_for_rule,
    world_template,
)
from tests.authz_matrix_table import MATRIX, SERVER_BUGS


def is_rest(action: str) -> bool:
    return " /api/" in action


def template(rule: str) -> str:
    """A URL rule without its converters (``<int:room_id>`` -> ``<room_id>``)."""
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"<\1>", rule)


def test_every_event_and_rest_write_has_a_row():
    app = make_app("sqlite://")
    writes = {f"{method} {template(rule.rule)}" for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/")
              for method in rule.methods - {"GET", "HEAD", "OPTIONS"}}
    assert writes, "no REST writes found"
    missing = (set(ChatNamespace.EVENTS) | writes) - set(MATRIX)
    stale = set(MATRIX) - (set(ChatNamespace.EVENTS) | writes)
    assert not missing, f"add a MATRIX row for: {sorted(missing)}"
    assert not stale, f"MATRIX rows for nothing the server has: {sorted(stale)}"
    assert all(set(row.outcomes) == set(ROLES) for row in MATRIX.values())
    assert all(set(row.path) <= {"room_id", "event_id", "user_id", "message_id", "question_id",
                                 "poll_id", "held_id"} for row in MATRIX.values())


@pytest.mark.parametrize("action", [a for a in MATRIX if is_rest(a)])
def test_a_browser_session_alone_authorises_no_rest_write(stage, action):
    """The API takes no CSRF token, so the owner's session cookie without a bearer token must
    count for nothing: each write answers as it does for anonymous."""
    row = MATRIX[action]
    method, rule = action.split(" ", 1)
    client = stage.app.test_client()
    with client.session_transaction() as session:
        session.update(user_id=stage.ids["owner"], token_version=1)
    assert client.get("/api/users/me").get_json()["username"] == "the_owner"  # reads do use it
    before = stage.snapshot()
    body = {"json": resolve(row.args[0], stage.ids)} if row.args else {}
    response = client.open(url_for_rule(rule, row.path, stage.ids), method=method, **body)
    if row.outcomes["anonymous"] == ALLOW:
        assert 200 <= response.status_code < 300, response.get_json()
    else:
        assert response.status_code == 401, response.get_json()
        assert response.get_json()["error"]["code"] == row.outcomes["anonymous"]
        assert stage.snapshot() == before


CASES = [pytest.param(action, role, id=f"{action}-{role}", marks=(
    [pytest.mark.xfail(reason=f"SERVER BUG: {SERVER_BUGS[action, role]}", strict=True)]
    if (action, role) in SERVER_BUGS else []))
    for action in MATRIX for role in ROLES]


@pytest.mark.parametrize("action, role", CASES)
def test_each_role_is_allowed_or_refused_as_the_matrix_says(stage, action, role):
    row = MATRIX[action]
    expected = row.outcomes[role]
    run = run_rest if is_rest(action) else run_socket
    outcome, before, emits, refusal = run(stage, action, role, row)
    assert outcome == expected, f"{action} as {role}: {outcome}, the matrix says {expected}"
    if expected != ALLOW:
        assert emits == refusal, f"a refused {action} broadcast {emits}"
        assert stage.snapshot() == before, f"a refused {action} changed the database"
