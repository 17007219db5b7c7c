"""Guests (issue 11, item 6): socket guest creation is limited per address, and the background
job removes guests who are gone, whose tokens expired and who left nothing behind."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from chatapp.actions.accounts import do_register
from chatapp.actions.guests import do_remove_stale_guests
from chatapp.actions.messages import RoomRef, do_send_message, do_send_private_message
from chatapp.actions.presence import do_remove_socket
from chatapp.actions.rooms import do_create_room
from chatapp.actions.sessions import do_login
from chatapp.cluster import jobs
from chatapp.errors import Invalid, RateLimited
from chatapp.extensions import db
from chatapp.models import User
from chatapp.timeutil import utcnow
from tests.unit_support import bus, count, login  # noqa: F401

# --- the per-address limit -----------------------------------------------------------------


def test_socket_guest_logins_are_limited_per_address(bus, app):  # noqa: F811
    app.config["RATE_LIMIT_GUEST_CREATE"] = "3/hour"
    for i in range(3):
        do_login(f"sid-{i}", username=f"g{i}", client_ip="10.0.0.1")
    before = count(User)
    with pytest.raises(RateLimited) as refused:
        do_login("sid-x", username="one-too-many", client_ip="10.0.0.1")
    assert refused.value.retry_after is not None
    assert count(User) == before  # no row for the refused guest
    do_login("sid-y", username="elsewhere", client_ip="10.0.0.2")  # another address is fine


def test_resuming_an_identity_and_bad_names_do_not_use_the_quota(bus, app):  # noqa: F811
    app.config["RATE_LIMIT_GUEST_CREATE"] = "1/hour"
    for _ in range(3):
        with pytest.raises(Invalid):
            do_login("sid-bad", username="\u202eevil", client_ip="10.0.0.1")
    first = do_login("sid-a", username="ana", client_ip="10.0.0.1")
    again = do_login("sid-a2", token=first.token, client_ip="10.0.0.1")  # a second tab
    assert again.actor.user_id == first.actor.user_id
    with pytest.raises(RateLimited):
        do_login("sid-b", username="ben", client_ip="10.0.0.1")


# --- cleanup -------------------------------------------------------------------------------

def age(actor, days: float) -> None:
    """Make the user last seen ``days`` ago (their tokens as old)."""
    user = db.session.get(User, actor.user_id)
    user.last_seen_at = user.created_at = utcnow() - timedelta(days=days)
    db.session.commit()


def gone(sid: str) -> None:
    do_remove_socket(sid)


def alive(actor) -> bool:
    db.session.expire_all()
    return db.session.get(User, actor.user_id) is not None


@pytest.fixture
def long_ago(app):
    return app.config["GUEST_TOKEN_MAX_AGE"] / 86400 + 1  # days


def test_only_guests_who_are_gone_expired_and_left_nothing_are_removed(bus, long_ago):  # noqa: F811
    stale = login(bus, "sid-s", "stale").actor
    online = login(bus, "sid-o", "online").actor
    recent = login(bus, "sid-r", "recent").actor
    author = login(bus, "sid-w", "author").actor
    recipient = login(bus, "sid-p", "recipient").actor
    creator = login(bus, "sid-c", "creator").actor
    account = do_login("sid-acc", token=None, session_user=do_register("olda", "correct horse "
                                                                               "battery")).actor
    do_send_message(author, RoomRef(1, "community"), "I was here")
    do_send_private_message(online, recipient.user_id, "for you")
    do_create_room("sid-c", creator, {"name": "my room"})
    for sid in ("sid-s", "sid-r", "sid-w", "sid-p", "sid-c", "sid-acc"):
        gone(sid)
    for actor in (stale, online, author, recipient, creator, account):
        age(actor, long_ago)
    age(recent, long_ago - 2)  # a token still valid

    assert do_remove_stale_guests() == 1
    assert not alive(stale)
    assert all(alive(a) for a in (online, recent, author, recipient, creator, account))
    assert do_remove_stale_guests() == 0


def test_the_background_job_removes_them(bus, app, long_ago, monkeypatch):  # noqa: F811
    monkeypatch.setattr(jobs, "_guests_checked_at", float("-inf"))
    guests = [login(bus, f"sid-{i}", f"g{i}").actor for i in range(5)]
    for i, guest in enumerate(guests):
        gone(f"sid-{i}")
        age(guest, long_ago)
    jobs.remove_stale_guests_now_and_then()
    assert not any(alive(g) for g in guests)
    # Within the interval it does not run again.
    late = login(bus, "sid-late", "late").actor
    gone("sid-late")
    age(late, long_ago)
    jobs.remove_stale_guests_now_and_then()
    assert alive(late)


def test_many_logins_leave_no_permanent_rows(bus, long_ago):  # noqa: F811
    before = count(User)
    for i in range(200):
        actor = do_login(f"sid-{i}", username="robo").actor
        gone(f"sid-{i}")
    db.session.execute(sa.update(User).where(User.id > actor.user_id - 200).values(
        last_seen_at=utcnow() - timedelta(days=long_ago)))
    db.session.commit()
    removed = 0
    while (n := do_remove_stale_guests()):
        removed += n
    assert removed == 200 and count(User) == before
