"""The pieces of chatapp/observability in process: who may read /metrics under which settings,
request ids, the log formats, the buffered metrics against prometheus-client's own, the
delivery count, and the settings' validation. (tests/test_metrics.py and test_logging.py
check the same against a real server.)"""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import pytest
import socketio
from prometheus_client import CollectorRegistry, Histogram
from prometheus_client.multiprocess import MultiProcessCollector

from chatapp import create_app
from chatapp.config import ConfigError, load_config
from chatapp.observability import metrics
from chatapp.observability.log_format import JsonFormatter, TextFormatter
from chatapp.realtime.client_manager import (
    DeliveryCounting,
    IndexedRooms,
    local_recipients,
    make_client_manager,
)
from tests import databases
from tests.helpers import ROOT


def make_app(tmp_path, **config):
    return create_app({"TESTING": True, "SECRET_KEY": "t", "REDIS_URL": None,
                       "SQLALCHEMY_DATABASE_URI": databases.unit_database_url(tmp_path),
                       **config})


# --- who may read /metrics -----------------------------------------------------------------

@pytest.mark.parametrize("config, anonymous, with_token", [
    ({}, 200, 200),  # development: open
    ({"APP_ENV": "production"}, 404, 404),  # production asks for a setting: off
    ({"APP_ENV": "production", "METRICS_TOKEN": "s3"}, 401, 200),
    ({"METRICS_TOKEN": "s3"}, 401, 200),
    ({"METRICS_TOKEN": "s3", "METRICS_ADDRESS": "127.0.0.1:9"}, 404, 404),  # elsewhere only
])
def test_metrics_access_follows_the_settings(tmp_path, config, anonymous, with_token):
    client = make_app(tmp_path, **config).test_client()
    assert client.get("/metrics").status_code == anonymous
    response = client.get("/metrics", headers={"Authorization": "Bearer s3"})
    assert response.status_code == with_token
    if with_token == 200:
        assert "# TYPE chat_http_responses_total counter" in response.get_data(as_text=True)


# --- request ids ---------------------------------------------------------------------------

def test_request_ids_come_from_a_trusted_proxy_only(tmp_path):
    direct = make_app(tmp_path).test_client()
    made = direct.get("/api/rooms", headers={"X-Request-ID": "from-client"})
    assert made.headers["X-Request-ID"] not in ("", "from-client")
    behind = make_app(tmp_path, PROXY_COUNT=1).test_client()
    proxied = behind.get("/api/rooms", headers={"X-Request-ID": "from-proxy"})
    assert proxied.headers["X-Request-ID"] == "from-proxy"
    odd = behind.get("/api/rooms", headers={"X-Request-ID": "quote\" and spaces"})
    assert odd.headers["X-Request-ID"] != "quote\" and spaces"  # not copied into our logs


class Remember(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_refusals_are_logged_with_code_and_level(tmp_path):
    client = make_app(tmp_path).test_client()  # (migrating resets the root logger's handlers)
    logger, remember = logging.getLogger("chatapp.refusals"), Remember()
    logger.addHandler(remember)
    logger.setLevel(logging.INFO)
    try:
        client.get("/api/rooms/99999/messages")
        client.post("/api/auth/token", json={"username": "nobody", "password": "wrong-pw"})
    finally:
        logger.removeHandler(remember)
        logger.setLevel(logging.NOTSET)
    assert {r.code: r.levelname for r in remember.records} == {
        "not_found": "INFO", "auth_failed": "WARNING"}
    assert not any("wrong-pw" in r.getMessage() or "nobody" in r.getMessage()
                   for r in remember.records)


# --- formats -------------------------------------------------------------------------------

def record_with_context() -> logging.LogRecord:
    record = logging.LogRecord("chatapp.access", logging.INFO, __file__, 1, "GET %s", ("/x",),
                               None)
    record.request_id, record.user_id, record.status = "abc", 7, 200
    return record


def test_json_lines_carry_context_and_fields():
    line = JsonFormatter().format(record_with_context())
    assert "\n" not in line
    body = json.loads(line)
    assert body["message"] == "GET /x" and body["level"] == "INFO"
    assert (body["request_id"], body["user_id"], body["status"]) == ("abc", 7, 200)
    assert body["time"].endswith("Z") and body["pid"] == os.getpid()
    try:
        raise ValueError("boom")
    except ValueError:
        failed = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    body = json.loads(JsonFormatter().format(failed))
    assert "ValueError: boom" in body["exception"]


def test_text_lines_append_the_fields():
    line = TextFormatter().format(record_with_context())
    assert line.endswith("GET /x request_id=abc user_id=7 status=200")


# --- buffered metrics ----------------------------------------------------------------------

def test_a_buffered_histogram_reports_what_observe_would():
    values = [0.0, 0.0005, 0.0007, 0.001, 0.3, 2.5, 11.0, 99.0]  # bounds, between, past the end
    reference = Histogram("test_reference_seconds", "r", ["event"],
                          buckets=metrics.LATENCY_BUCKETS, registry=None)
    buffered = metrics.BufferedHistogram(metrics.BulkHistogram(
        "test_buffered_seconds", "b", ["event"], buckets=metrics.LATENCY_BUCKETS,
        registry=None), metrics.LATENCY_BUCKETS)
    for value in values:
        reference.labels("e").observe(value)
        buffered.observe("e", value)
    buffered.flush()
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(metrics.METRICS_DIR))
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for family in registry.collect() for s in family.samples}
    mine = {(name.replace("test_buffered", "test_reference"), labels): value
            for (name, labels), value in samples.items() if name.startswith("test_buffered")}
    theirs = {key: value for key, value in samples.items() if key[0].startswith("test_reference")}
    assert mine == theirs and len(theirs) == len(metrics.LATENCY_BUCKETS) + 3


def test_local_recipients_count_sockets_once_less_the_skipped():
    manager = DeliveryCounting()
    manager.rooms = {"/": {"room:1": {"a": "ea", "b": "eb", "c": "ec"}, "user:9": {"c": "ec"},
                           None: {"a": "ea", "b": "eb", "c": "ec", "d": "ed"}}}
    assert local_recipients(manager, "/", "room:1", None) == 3
    assert local_recipients(manager, "/", "room:1", "a") == 2
    assert local_recipients(manager, "/", "room:1", ["a", "zz"]) == 2
    assert local_recipients(manager, "/", None, "d") == 3
    assert local_recipients(manager, "/", ["room:1", "user:9"], None) == 3
    assert local_recipients(manager, "/", "room:404", None) == 0
    assert local_recipients(manager, "/other", "room:1", None) == 0


def test_the_counting_manager_sits_where_local_fan_out_happens():
    """A queue manager's own emit publishes; what it receives goes to the next class's emit,
    which must be ours; below it only the room index (which emits nothing) and python-socketio's
    Manager."""
    mro = type(make_client_manager("redis://127.0.0.1:1/0", "c")).__mro__
    assert mro.index(DeliveryCounting) == mro.index(socketio.PubSubManager) + 1
    assert mro.index(IndexedRooms) == mro.index(DeliveryCounting) + 1
    assert mro.index(socketio.Manager) == mro.index(IndexedRooms) + 1
    assert "emit" not in vars(IndexedRooms)
    assert isinstance(make_client_manager(None, "c"), DeliveryCounting)


# --- several processes ---------------------------------------------------------------------

COUNT_ONE_MESSAGE = """
from chatapp.observability import metrics
metrics.message_stored("room")
metrics.CONNECTED_SOCKETS.set(3)
metrics.flush()
"""


def test_a_shared_folder_sums_processes_and_keeps_the_counts_of_those_gone(tmp_path):
    shared = tmp_path / "metrics"
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(shared)}
    env.pop("CHATAPP_METRICS_PRIVATE_OWNER", None)
    for _ in range(2):  # two processes, one after the other, each exiting cleanly
        subprocess.run([sys.executable, "-c", COUNT_ONE_MESSAGE], cwd=ROOT, env=env, check=True)
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(shared))
    samples = {s.name: s.value for family in registry.collect() for s in family.samples}
    assert samples["chat_messages_stored_total"] == 2  # both, though both have exited
    assert "chat_connected_sockets" not in samples  # a live gauge leaves with its process


def test_a_child_does_not_write_into_its_parents_private_folder(tmp_path):
    assert os.environ["CHATAPP_METRICS_PRIVATE_OWNER"] == str(os.getpid())  # we have one
    child = subprocess.run(
        [sys.executable, "-c", "import os; from chatapp.observability import metrics; "
                               "print(metrics.METRICS_DIR, metrics.SHARED_DIR)"],
        cwd=ROOT, env=os.environ.copy(), check=True, capture_output=True, text=True)
    folder, shared = child.stdout.split()
    assert folder != str(metrics.METRICS_DIR) and shared == "False"
    assert not os.path.exists(folder)  # and it removed its own when it exited


# --- settings ------------------------------------------------------------------------------

@pytest.mark.parametrize("name, value", [
    ("LOG_FORMAT", "xml"), ("METRICS_ADDRESS", "9100"), ("METRICS_ADDRESS", "host:port"),
    ("METRICS_ADDRESS", "127.0.0.1:70000"),
])
def test_bad_logging_and_metrics_settings_fail_fast(monkeypatch, tmp_path, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        load_config(tmp_path)
