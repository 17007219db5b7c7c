"""Configuration from the environment, and the schema and default rooms from migrations."""
from __future__ import annotations

import stat

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from chatapp.config import ConfigError, load_config, normalise_database_url
from chatapp.extensions import db

ENV_NAMES = ["APP_ENV", "SECRET_KEY", "PORT", "CLIENT_URL", "DATABASE_URL", "REDIS_URL",
             "MAX_MESSAGE_LENGTH", "PAGE_LIMIT_MAX", "PRESENCE_TIMEOUT", "HEARTBEAT_INTERVAL",
             "HANDOFF_GRACE",
             "GUEST_TOKEN_MAX_AGE", "EVENTS_AUTO_CREATE", "EVENT_TIME_ZONE", "JWT_SECRET",
             "JWT_PUBLIC_KEY", "JWT_ALGORITHMS", "JWT_ISSUER", "JWT_AUDIENCE", "JWT_ID_CLAIM"]


@pytest.fixture
def env(monkeypatch):
    """A clean environment: only what the test sets."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


# --- secret key --------------------------------------------------------------------------

def test_development_secret_key_is_generated_once_into_the_instance_folder(env, tmp_path):
    instance = tmp_path / "instance"
    first = load_config(instance)
    key_file = instance / "secret_key"
    assert key_file.read_text().strip() == first["SECRET_KEY"]
    assert len(first["SECRET_KEY"]) == 64
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert load_config(instance)["SECRET_KEY"] == first["SECRET_KEY"]
    assert load_config(tmp_path / "other")["SECRET_KEY"] != first["SECRET_KEY"]


def test_secret_key_from_the_environment_wins_and_writes_no_file(env, tmp_path):
    env.setenv("SECRET_KEY", "from-env")
    assert load_config(tmp_path)["SECRET_KEY"] == "from-env"
    assert not (tmp_path / "secret_key").exists()


def test_production_without_secret_key_fails_fast(env, tmp_path):
    env.setenv("APP_ENV", "production")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(tmp_path)
    assert not (tmp_path / "secret_key").exists()


def test_production_with_secret_key(env, tmp_path):
    env.setenv("APP_ENV", "production")
    env.setenv("SECRET_KEY", "s3cret")
    config = load_config(tmp_path)
    assert (config["APP_ENV"], config["SECRET_KEY"]) == ("production", "s3cret")
    assert config["SESSION_COOKIE_SECURE"] is True


# --- settings ----------------------------------------------------------------------------

def test_defaults(env, tmp_path):
    config = load_config(tmp_path)
    assert config["APP_ENV"] == "development"
    assert config["PORT"] == 4000
    assert config["CLIENT_URLS"] == ["http://localhost:3000"]
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'chat.sqlite3'}"
    assert config["REDIS_URL"] is None
    assert config["PAGE_LIMIT_MAX"] == 100
    assert config["SESSION_COOKIE_SECURE"] is False


def test_port_from_the_environment(env, tmp_path):
    env.setenv("PORT", "8123")
    assert load_config(tmp_path)["PORT"] == 8123
    env.setenv("PORT", "")
    assert load_config(tmp_path)["PORT"] == 4000


def test_the_handoff_grace_ends_before_presence_times_out(env, tmp_path):
    assert load_config(tmp_path)["HANDOFF_GRACE"] == 10
    env.setenv("PRESENCE_TIMEOUT", "4")  # a short timeout shortens the default grace too
    assert load_config(tmp_path)["HANDOFF_GRACE"] == 2
    env.setenv("HANDOFF_GRACE", "4")  # parked sockets would count as dead before it ended
    with pytest.raises(ConfigError, match="HANDOFF_GRACE .* shorter than PRESENCE_TIMEOUT"):
        load_config(tmp_path)


def test_malformed_port_fails_fast(env, tmp_path):
    env.setenv("PORT", "eighty")
    with pytest.raises(ConfigError, match="PORT"):
        load_config(tmp_path)


@pytest.mark.parametrize("raw, expected", [
    ("http://localhost:3000", ["http://localhost:3000"]),
    ("http://a.example, https://b.example/ ,,", ["http://a.example", "https://b.example"]),
    ("*", ["*"]),
])
def test_client_url_is_a_comma_list(env, tmp_path, raw, expected):
    env.setenv("CLIENT_URL", raw)
    assert load_config(tmp_path)["CLIENT_URLS"] == expected


def test_host_app_jwts_are_off_unless_a_key_is_set(env, tmp_path):
    config = load_config(tmp_path)
    assert (config["JWT_SECRET"], config["JWT_PUBLIC_KEY"]) == (None, None)
    assert (config["JWT_ALGORITHMS"], config["JWT_ID_CLAIM"]) == (["HS256"], "id")
    env.setenv("JWT_SECRET", "s3cret")
    env.setenv("JWT_ALGORITHMS", "HS256, RS256")
    config = load_config(tmp_path)
    assert (config["JWT_SECRET"], config["JWT_ALGORITHMS"]) == ("s3cret", ["HS256", "RS256"])


def test_event_time_zone_is_checked(env, tmp_path):
    assert load_config(tmp_path)["EVENT_TIME_ZONE"] == "UTC"
    env.setenv("EVENT_TIME_ZONE", "Europe/Madrid")
    assert load_config(tmp_path)["EVENT_TIME_ZONE"] == "Europe/Madrid"
    env.setenv("EVENT_TIME_ZONE", "Mars/Olympus")
    with pytest.raises(ConfigError, match="EVENT_TIME_ZONE"):
        load_config(tmp_path)


@pytest.mark.parametrize("raw, expected", [
    ("postgres://u:p@db.example:5432/chat", "postgresql+psycopg://u:p@db.example:5432/chat"),
    ("postgresql://u:p@db.example/chat", "postgresql+psycopg://u:p@db.example/chat"),
    ("postgresql+psycopg://u@h/chat", "postgresql+psycopg://u@h/chat"),
    ("sqlite:////var/chat.db", "sqlite:////var/chat.db"),
])
def test_database_url_is_normalised(env, tmp_path, raw, expected):
    assert normalise_database_url(raw) == expected
    env.setenv("DATABASE_URL", raw)
    assert load_config(tmp_path)["SQLALCHEMY_DATABASE_URI"] == expected


# --- migrations --------------------------------------------------------------------------

DEFAULT_ROOMS = [
    (1, "community", "CS Study Group", "academic"),
    (2, "community", "Math Help", "academic"),
    (3, "community", "Campus Events", "campus"),
    (4, "community", "Gaming Club", "interests"),
    (5, "community", "Photography", "interests"),
]


def rooms_and_revision(app):
    with app.app_context():
        rooms = db.session.execute(sa.text(
            "SELECT id, kind, name, category FROM rooms ORDER BY id")).all()
        revisions = db.session.scalars(sa.text("SELECT version_num FROM alembic_version")).all()
        db.session.remove()
    return [tuple(r) for r in rooms], revisions


def head_revision(app) -> str:
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_current_head()


def test_upgrading_twice_keeps_the_default_rooms_exactly_once(app, runner):
    # The app fixture has upgraded once already.
    for _ in range(2):
        result = runner.invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output
    assert rooms_and_revision(app) == (DEFAULT_ROOMS, [head_revision(app)])


def test_downgrade_and_upgrade_again_recreates_the_default_rooms_once(app, runner):
    assert runner.invoke(args=["db", "downgrade", "0001"]).exit_code == 0
    assert rooms_and_revision(app) == ([], ["0001"])
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert rooms_and_revision(app) == (DEFAULT_ROOMS, [head_revision(app)])


def test_models_and_migrations_agree(runner):
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
