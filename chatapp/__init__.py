"""The chat server: one Flask app serving pages, a REST API and Socket.IO."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from flask import Flask
from werkzeug.routing import IntegerConverter

from chatapp import database
from chatapp.config import load_config
from chatapp.extensions import db, migrate, socketio
from chatapp.security import jwt_tokens, origins, ratelimit, sessions
from chatapp.validation import MAX_ID

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. ``config`` overrides settings read from the environment (tests)."""
    app = Flask(__name__, instance_path=str(ROOT / "instance"), instance_relative_config=True,
                template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    app.config.update(load_config(Path(app.instance_path)))
    if config:
        app.config.update(config)
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_BODY_BYTES"]  # werkzeug enforces it
    register_extensions(app)
    register_blueprints(app)
    register_sockets(app)
    register_errorhandlers(app)
    register_commands(app)
    register_observability(app)
    return app


def register_extensions(app: Flask) -> None:
    from chatapp import storage
    from chatapp.pages import rendering
    from chatapp.pages.forms import csrf
    from chatapp.realtime import engine, frame_guard, recovery_server
    from chatapp.realtime.client_manager import make_client_manager
    from chatapp.realtime.engine import packet_json

    database.init_app(app)
    sessions.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    origins.init_app(app)
    ratelimit.init_app(app)
    jwt_tokens.init_app(app)
    storage.init_app(app)  # a missing S3 bucket stops the start here
    csrf.init_app(app)
    rendering.init_app(app)
    queue = app.config["REDIS_URL"]
    socketio.init_app(
        app,
        async_mode="gevent",
        # The manager Flask-SocketIO would make for this queue, counting message deliveries.
        client_manager=make_client_manager(queue, app.config["SOCKETIO_CHANNEL"]),
        cors_allowed_origins=app.extensions["chatapp.origin_check"],
        # Events of one socket are handled in order: a sender's messages keep their order.
        async_handlers=False,
        # Accept the connection before the connect handler runs, so what it emits arrives.
        always_connect=True,
        # Allows a 1 MB payload to be read and refused as too_large instead of cutting the socket.
        max_http_buffer_size=2 * 1024 * 1024,
        ping_interval=app.config["SOCKET_PING_INTERVAL"],
        ping_timeout=app.config["SOCKET_PING_TIMEOUT"],
        logger=False,
        engineio_logger=False,
        # python-engineio's JSON rules with the decoder built once (engine/packet_json.py).
        json=packet_json,
    )
    # Connection state recovery (socket.io v4.6+) on the server Flask-SocketIO just built.
    recovery_server.install(app, socketio.server)
    # Frames built once per broadcast, written without a writer greenlet, capped per socket;
    # a replay after a reconnect goes through the same sockets, so under the same cap.
    engine.install(socketio.server, max_queued_bytes=app.config["SOCKET_MAX_QUEUED_BYTES"])
    # Last, so it is the outermost wrapper: malformed and binary frames never reach handlers.
    frame_guard.install(socketio.server)


class IdConverter(IntegerConverter):
    """``<id:...>``: a database id in a URL; larger numbers are a 404, not a database error."""

    def __init__(self, url_map, **kwargs) -> None:
        super().__init__(url_map, min=1, max=MAX_ID)


def register_blueprints(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter
    from chatapp.api import api
    from chatapp.api.legacy_auth import legacy_auth
    from chatapp.pages import pages
    from chatapp.pages.auth import auth
    from chatapp.pages.forms import csrf

    # The JSON API serves token clients (Authorization: Bearer), which have no CSRF token; it
    # reads the session cookie for GETs only, so a cookie alone never authorises a write.
    # (Socket.IO never reaches Flask's views: its middleware answers /socket.io first.)
    csrf.exempt(api)
    csrf.exempt(legacy_auth)  # the old backend's REST auth, in its own shapes
    app.register_blueprint(api)
    app.register_blueprint(legacy_auth)
    app.register_blueprint(auth)
    app.register_blueprint(pages)


def register_sockets(app: Flask) -> None:
    from chatapp.realtime.namespace import register_sockets as register

    register()


def register_errorhandlers(app: Flask) -> None:
    from chatapp.error_handlers import register_errorhandlers as register

    register(app)


def register_observability(app: Flask) -> None:
    from chatapp.observability.serving import init_app

    init_app(app)


def register_commands(app: Flask) -> None:
    from chatapp.cli import register_commands as register

    register(app)
