"""Configuration, read from the environment in one place.

Every setting the app uses is an attribute of :class:`Config`; ``create_app`` copies them into
``app.config`` and lets a test override any of them with a mapping.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class ConfigError(RuntimeError):
    """A setting is missing or malformed; raised at start-up so the process fails fast."""


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_int(name: str, default: int) -> int:
    raw = env_str(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc


def env_float(name: str, default: float) -> float:
    raw = env_str(name)
    if raw is None:
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from exc


def env_bool(name: str, default: bool) -> bool:
    raw = env_str(name)
    if raw is None:
        return default
    return raw.strip().lower() in ("1", "true", "yes", "on")


def env_list(name: str, default: str) -> list[str]:
    raw = env_str(name, default) or ""
    return [item.strip().rstrip("/") for item in raw.split(",") if item.strip()]


def env_zone(name: str, default: str) -> str:
    """An IANA time zone name (``Europe/Madrid``), checked now so a typo stops the start."""
    zone = env_str(name, default)
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"{name} must be an IANA time zone such as Europe/Madrid, "
                          f"got {zone!r}") from exc
    return zone


def normalise_database_url(url: str) -> str:
    """Heroku-style ``postgres://`` URLs name the psycopg 3 driver explicitly."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def development_secret_key(instance_path: Path) -> str:
    """A key generated once into ``instance/`` so sessions and guest tokens survive restarts."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


RATE_LIMIT_SETTINGS = [
    f"RATE_LIMIT_{kind}{suffix}"
    for kind in ("MESSAGES", "TYPING", "ROOM_CREATE", "REST_WRITES", "LOGIN_FAILURES", "PER_IP",
                 "GUEST_CREATE")
    for suffix in ("", "_GUEST")
]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = (env_str(name, default) or default).strip().lower()
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def env_address(name: str) -> str | None:
    """``host:port`` (``[::1]:9101`` for IPv6), or None when unset."""
    raw = env_str(name)
    if raw is None:
        return None
    host, _, port = raw.strip().rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"{name} must be host:port, got {raw!r}")
    return raw.strip()


def load_config(instance_path: Path) -> dict:
    """Return the settings as a dict; raise :class:`ConfigError` on a bad or missing one."""
    production = env_str("APP_ENV", "development") == "production"
    secret_key = env_str("SECRET_KEY")
    if secret_key is None:
        if production:
            raise ConfigError("SECRET_KEY must be set when APP_ENV=production")
        secret_key = development_secret_key(instance_path)
    default_db = "sqlite:///" + str(instance_path / "chat.sqlite3")
    presence_timeout = env_int("PRESENCE_TIMEOUT", 30)
    # Parked presence (a shutdown's sockets, see HANDOFF_GRACE below) stops counting as live
    # at PRESENCE_TIMEOUT: a grace as long would never be granted, so it must be shorter.
    handoff_grace = env_int("HANDOFF_GRACE", min(10, presence_timeout // 2))
    if handoff_grace >= presence_timeout:
        raise ConfigError(f"HANDOFF_GRACE ({handoff_grace} s) must be shorter than "
                          f"PRESENCE_TIMEOUT ({presence_timeout} s)")
    return {
        "APP_ENV": "production" if production else "development",
        "SECRET_KEY": secret_key,
        "PORT": env_int("PORT", 4000),
        "CLIENT_URLS": env_list("CLIENT_URL", "http://localhost:3000"),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(env_str("DATABASE_URL", default_db)),
        "REDIS_URL": env_str("REDIS_URL"),
        # The Redis pub/sub channel of the message queue: deployments sharing one Redis
        # (database numbers do not separate pub/sub) must each use their own.
        "SOCKETIO_CHANNEL": env_str("SOCKETIO_CHANNEL", "flask-socketio"),
        # What may wait to be written to one socket whose client reads slower than its rooms
        # talk; past it the client is disconnected (it reconnects and catches up).
        "SOCKET_MAX_QUEUED_BYTES": env_int("SOCKET_MAX_QUEUED_BYTES", 8 * 1024 * 1024),
        # Engine.IO's heartbeat: a client that answers no ping within interval + timeout is
        # disconnected and its TCP connection closed (a client that stopped reading).
        "SOCKET_PING_INTERVAL": env_int("SOCKET_PING_INTERVAL", 25),
        "SOCKET_PING_TIMEOUT": env_int("SOCKET_PING_TIMEOUT", 20),
        "MAX_MESSAGE_LENGTH": env_int("MAX_MESSAGE_LENGTH", 4000),
        # Larger request bodies are refused (413 too_large) before they are read.
        "MAX_BODY_BYTES": env_int("MAX_BODY_BYTES", 1024 * 1024),
        # Uploads (chatapp/storage): where files are kept ("local": UPLOAD_DIR, by default
        # instance/uploads; "s3": the S3_* settings below), the largest file accepted, and how
        # many a message may carry. chatapp/storage checks them when the app is built.
        "UPLOAD_STORAGE": env_str("UPLOAD_STORAGE", "local"),
        "UPLOAD_DIR": env_str("UPLOAD_DIR", str(instance_path / "uploads")),
        "UPLOAD_MAX_BYTES": env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024),
        # UPLOAD_STORAGE=s3: an S3-compatible bucket (S3_ENDPOINT_URL for MinIO, Ceph...;
        # unset for AWS). Keys unset: boto3's own chain (AWS_* variables, a role).
        "S3_BUCKET": env_str("S3_BUCKET"),
        "S3_PREFIX": env_str("S3_PREFIX", ""),
        "S3_ENDPOINT_URL": env_str("S3_ENDPOINT_URL"),
        "S3_REGION": env_str("S3_REGION"),
        "S3_ACCESS_KEY_ID": env_str("S3_ACCESS_KEY_ID"),
        "S3_SECRET_ACCESS_KEY": env_str("S3_SECRET_ACCESS_KEY"),
        "MAX_ATTACHMENTS": env_int("MAX_ATTACHMENTS", 10),
        "HISTORY_LIMIT": 100,
        "PAGE_LIMIT_MAX": env_int("PAGE_LIMIT_MAX", 100),
        # A process that has not refreshed its heartbeat for this long is taken for dead and
        # its sockets' presence is cleared by the survivors.
        "PRESENCE_TIMEOUT": presence_timeout,
        "HEARTBEAT_INTERVAL": env_int("HEARTBEAT_INTERVAL", 10),
        # Sockets handed off at a shutdown keep their presence, parked, while their clients
        # come back; once none has come back for this long, the rest are announced gone.
        "HANDOFF_GRACE": handoff_grace,
        "GUEST_TOKEN_MAX_AGE": env_int("GUEST_TOKEN_MAX_AGE", 30 * 24 * 3600),
        # How often each process removes guests who are gone, whose tokens expired and who
        # left nothing behind (chatapp/actions/guests.py).
        "GUEST_CLEANUP_INTERVAL": env_int("GUEST_CLEANUP_INTERVAL", 600),
        "EVENTS_AUTO_CREATE": env_bool("EVENTS_AUTO_CREATE", True),
        # Socket.IO connection state recovery (v4.6+ clients): a reconnect within the window
        # keeps its identity and rooms and gets the events it missed.
        "CONNECTION_STATE_RECOVERY": env_bool("CONNECTION_STATE_RECOVERY", True),
        "RECOVERY_WINDOW": env_int("RECOVERY_WINDOW", 120),
        # How often each event's reaction counts go out as one ``reactions`` frame.
        "REACTION_FLUSH_SECONDS": env_float("REACTION_FLUSH_SECONDS", 0.5),
        # How often each process sends what changed in its events' audiences
        # (``participantsChanged`` to pages that asked for it, ``events:update`` to lobbies).
        "PARTICIPANT_FLUSH_SECONDS": env_float("PARTICIPANT_FLUSH_SECONDS", 1.0),
        # The zone of the old live-event protocol's display times (``3:07 pm``).
        "EVENT_TIME_ZONE": env_zone("EVENT_TIME_ZONE", "UTC"),
        # The host app's JWTs (see chatapp/security/jwt_tokens.py): off unless a key is set.
        "JWT_SECRET": env_str("JWT_SECRET"),
        "JWT_PUBLIC_KEY": env_str("JWT_PUBLIC_KEY"),
        "JWT_ALGORITHMS": env_list("JWT_ALGORITHMS", "HS256"),
        "JWT_ISSUER": env_str("JWT_ISSUER"),
        "JWT_AUDIENCE": env_str("JWT_AUDIENCE"),
        "JWT_ID_CLAIM": env_str("JWT_ID_CLAIM", "id"),
        "ALLOW_GUESTS": env_bool("ALLOW_GUESTS", True),
        "TOKEN_MAX_AGE": env_int("TOKEN_MAX_AGE", 7 * 24 * 3600),
        "POLICY_CACHE_SECONDS": env_int("POLICY_CACHE_SECONDS", 2),
        "RATE_LIMITS_ENABLED": env_bool("RATE_LIMITS_ENABLED", True),
        # Number of proxies in front whose X-Forwarded-For is trusted for client addresses.
        "PROXY_COUNT": env_int("PROXY_COUNT", 0),
        **{name: env_str(name) for name in RATE_LIMIT_SETTINGS},
        # Logs: "text" (default) or "json" (one object per line); the root logger's level.
        "LOG_FORMAT": env_choice("LOG_FORMAT", "text", ("text", "json")),
        "LOG_LEVEL": (env_str("LOG_LEVEL", "INFO") or "INFO").strip().upper(),
        # /metrics: a bearer token, and/or an internal address of its own (see
        # chatapp/observability/metrics_http.py); neither in production means no /metrics.
        "METRICS_TOKEN": env_str("METRICS_TOKEN"),
        "METRICS_ADDRESS": env_address("METRICS_ADDRESS"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        # The longest a browser session may last; an account's is shorter (TOKEN_MAX_AGE), a
        # guest's this long (see chatapp/security/sessions.py).
        "PERMANENT_SESSION_LIFETIME": max(env_int("TOKEN_MAX_AGE", 7 * 24 * 3600),
                                          env_int("GUEST_TOKEN_MAX_AGE", 30 * 24 * 3600)),
        # A form's CSRF token lives as long as the session, not an hour: a chat tab stays open.
        "WTF_CSRF_TIME_LIMIT": None,
    }
