"""``flask`` commands beyond Flask-Migrate's ``flask db``."""
from __future__ import annotations

import click
from flask import Flask

from chatapp.actions.presence import do_reap_dead_processes
from chatapp.extensions import db


@click.command("reap-presence")
def reap_presence_command() -> None:
    """Clear the sockets of server processes whose heartbeat went stale."""
    cleared = do_reap_dead_processes("cli")
    db.session.remove()
    click.echo(f"cleared {cleared} stale socket(s)")


def register_commands(app: Flask) -> None:
    app.cli.add_command(reap_presence_command)
