"""``flask users create-admin``: creates an admin account, or promotes an existing one."""
from __future__ import annotations

from chatapp.actions.accounts import account_named, do_register
from chatapp.extensions import db

PASSWORD = "correct horse battery"


def test_create_admin_creates_an_admin_account(app, runner):
    result = runner.invoke(args=["users", "create-admin", "Dean", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = account_named("dean")
        assert user is not None and user.is_admin and not user.is_guest
        db.session.remove()


def test_create_admin_promotes_an_existing_account(app, runner):
    with app.app_context():
        do_register("Ines", PASSWORD)
        db.session.remove()
    result = runner.invoke(args=["users", "create-admin", "ines", "--password", "ignored anyway"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert account_named("Ines").is_admin
        db.session.remove()


def test_create_admin_refuses_a_weak_password_and_creates_nothing(app, runner):
    result = runner.invoke(args=["users", "create-admin", "Olga", "--password", "short"])
    assert result.exit_code != 0 and "password" in result.output
    with app.app_context():
        assert account_named("olga") is None
        db.session.remove()
