"""``flask users import FILE``: the old backend's users keep their ids and their passwords.

The export is made here as the old backend (mongoose + bcryptjs) and ``mongoexport`` would
have written it, with real bcrypt hashes made by the ``bcrypt`` package.
"""
from __future__ import annotations

import json
import secrets

import bcrypt
import pytest
from sqlalchemy import select

from chatapp.extensions import db
from chatapp.models import User
from chatapp.security import jwt_tokens

PASSWORDS = {"ana": "ana's old password", "bo": "short1"}  # the old rule was 6 characters


def old_user(name: str, email: str, password: str, **extra) -> dict:
    return {"_id": {"$oid": secrets.token_hex(12)}, "name": name, "email": email,
            "password": bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode(),
            "avatar": name[:2].upper(), "status": "offline",
            "lastSeen": {"$date": "2025-03-22T17:19:49.123Z"},
            "createdAt": {"$date": {"$numberLong": "1711111111000"}}, "__v": 0, **extra}


@pytest.fixture
def export(tmp_path):
    """Write rows (dicts, or raw text lines) as JSON lines; return the file's path."""
    def write(rows, name="users.json") -> str:
        path = tmp_path / name
        path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
        return str(path)
    return write


def users(app) -> dict[str, User]:
    with app.app_context():
        found = {u.email: u for u in db.session.scalars(select(User))}
        db.session.expunge_all()
        return found


def login(client, email: str, password: str):
    return client.post("/api/auth/login", json={"email": email, "password": password})


def test_imported_users_keep_ids_and_passwords_rehashed_on_first_sign_in(app, runner, client,
                                                                         export):
    ana = old_user("Ana Lopez", "Ana@Campus.example", PASSWORDS["ana"])
    bo = old_user("Bo", "bo@campus.example", PASSWORDS["bo"], _id="65f0c0ffee0000000000b0b0",
                  lastSeen="2025-01-02T03:04:05Z", createdAt=1700000000000)
    result = runner.invoke(args=["users", "import", export([ana, bo])])
    assert result.exit_code == 0, result.output
    assert "imported 2" in result.output

    stored = users(app)
    a = stored["ana@campus.example"]
    assert (a.external_id, a.username, a.display_name, a.is_guest) == \
        (ana["_id"]["$oid"], "Ana Lopez", "Ana Lopez", False)
    assert a.password_hash == ana["password"] and a.avatar is None  # initials are the default
    assert a.last_seen_at.isoformat() == "2025-03-22T17:19:49.123000"
    assert a.created_at.isoformat() == "2024-03-22T12:38:31"
    assert stored["bo@campus.example"].external_id == "65f0c0ffee0000000000b0b0"

    assert login(client, "ana@campus.example", "wrong password").status_code == 401
    answer = login(client, "ana@campus.example", PASSWORDS["ana"])
    assert answer.status_code == 200 and answer.get_json()["data"]["_id"] == ana["_id"]["$oid"]
    rehashed = users(app)["ana@campus.example"].password_hash
    assert rehashed.startswith("$argon2")
    assert login(client, "ana@campus.example", PASSWORDS["ana"]).status_code == 200  # still
    assert login(client, "bo@campus.example", PASSWORDS["bo"]).status_code == 200
    # The token names them by the id the old backend gave them.
    with app.app_context():
        claims = jwt_tokens.read(answer.get_json()["token"]).claims
    assert claims["id"] == ana["_id"]["$oid"]


def test_importing_twice_changes_nothing(app, runner, client, export):
    path = export([old_user("Ana Lopez", "ana@campus.example", PASSWORDS["ana"])])
    assert runner.invoke(args=["users", "import", path]).exit_code == 0
    assert login(client, "ana@campus.example", PASSWORDS["ana"]).status_code == 200
    before = {e: (u.id, u.password_hash, u.token_version) for e, u in users(app).items()}
    again = runner.invoke(args=["users", "import", path])
    assert again.exit_code == 0 and "imported 0" in again.output and "already here 1" in again.output
    assert {e: (u.id, u.password_hash, u.token_version) for e, u in users(app).items()} == before


def test_bad_rows_are_reported_with_their_line_and_the_rest_import(app, runner, export):
    good = old_user("Ana Lopez", "ana@campus.example", PASSWORDS["ana"])
    rows = [
        good,                                                              # line 1
        "{not json",                                                       # 2
        old_user("Digits", "d@campus.example", "pw1234", _id="1234"),      # 3: reads as ours
        old_user("No Mail", "not-an-email", "pw1234"),                     # 4
        {**old_user("Plain", "p@campus.example", "pw1234"), "password": "pw1234"},  # 5
        old_user("Dup", "ANA@campus.example", "pw1234"),                   # 6: email taken
        ["an", "array"],                                                   # 7
        old_user("Late", "late@campus.example", "pw1234", lastSeen={"$date": "yesterday"}),  # 8
        old_user("Cy", "cy@campus.example", "pw1234"),                     # 9
    ]
    result = runner.invoke(args=["users", "import", export(rows)])
    assert result.exit_code == 1
    reported = [int(line.split(":")[0].split()[1]) for line in result.output.splitlines()
                if line.startswith("line ")]
    assert reported == [2, 3, 4, 5, 6, 7, 8]
    assert "imported 2" in result.output and "bad 7" in result.output
    assert set(users(app)) == {"ana@campus.example", "cy@campus.example"}


def test_an_exported_array_works_too(app, runner, tmp_path):
    rows = [old_user("Ana Lopez", "ana@campus.example", PASSWORDS["ana"]),
            old_user("Cy", "cy@campus.example", "pw1234")]
    path = tmp_path / "users.json"
    path.write_text("[\n" + ",\n".join(json.dumps(r, indent=2) for r in rows) + "\n]\n")
    result = runner.invoke(args=["users", "import", str(path)])
    assert result.exit_code == 0 and "imported 2" in result.output
    assert set(users(app)) == {"ana@campus.example", "cy@campus.example"}


def test_a_user_first_seen_in_a_jwt_gets_email_and_password(app, runner, client, export):
    row = old_user("Ana Lopez", "ana@campus.example", PASSWORDS["ana"])
    with app.app_context():
        db.session.add(User(external_id=row["_id"]["$oid"], username="Ana", is_guest=False,
                            token_version=1))
        db.session.commit()
    result = runner.invoke(args=["users", "import", export([row])])
    assert result.exit_code == 0 and "completed 1" in result.output
    assert login(client, "ana@campus.example", PASSWORDS["ana"]).get_json()["data"]["_id"] == \
        row["_id"]["$oid"]
