"""``flask`` commands beyond Flask-Migrate's ``flask db``."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from chatapp.actions.accounts import do_make_admin
from chatapp.actions.presence import do_reap_dead_processes
from chatapp.actions.user_import import do_import_users
from chatapp.errors import ChatError
from chatapp.extensions import db

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create-admin")
@click.argument("username")
@click.password_option(help="The password (prompted, with confirmation, if not given).")
def create_admin_command(username: str, password: str) -> None:
    """Create an admin account, or make an existing account an admin."""
    try:
        user = do_make_admin(username, password)
    except ChatError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"{user.username} (id {user.id}) is an admin")


@users_cli.command("import")
@click.argument("export", type=click.File("r", encoding="utf-8"))
def import_users_command(export) -> None:
    """Import the old Node backend's users from a JSON export (one document per line, or an
    array), keeping their ids and bcrypt passwords. Safe to run again. Exits 1 if any row was
    bad (each is listed with its line); the good rows are imported all the same."""
    report = do_import_users(export.read())
    db.session.remove()
    for line, problem in report.bad:
        click.echo(f"line {line}: {problem}", err=True)
    click.echo(f"imported {report.imported}, completed {report.completed}, "
               f"already here {report.unchanged}, bad {len(report.bad)}")
    if report.bad:
        raise SystemExit(1)


@click.command("reap-presence")
def reap_presence_command() -> None:
    """Clear the sockets of server processes whose heartbeat went stale."""
    cleared = do_reap_dead_processes("cli")
    db.session.remove()
    click.echo(f"cleared {cleared} stale socket(s)")


def register_commands(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(reap_presence_command)
