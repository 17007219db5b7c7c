"""Schemathesis over the OpenAPI document (issue 11): every operation, with valid and invalid
generated requests, in process against the real app. Asserts 0 responses 5xx, 0 tracebacks
logged, and every response matching the document (schema and content type).

The number of examples is bounded (``FUZZ_EXAMPLES`` per operation, mode and caller, 4 by default) so
the test stays fast in CI; the counts are printed (``-s``) for the closing note."""
from __future__ import annotations

import json
import logging
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from chatapp.extensions import db
from tests.api_events_support import account, ctx, person  # noqa: F401

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


class TracebackCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.tracebacks = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            self.tracebacks += 1


@pytest.fixture
def fuzz_app(app, ctx):  # noqa: F811
    """The app with rate limits off (the fuzzer is one caller sending hundreds of requests),
    an account that hosts an event, a guest, and their bearer tokens."""
    app.config["RATE_LIMITS_ENABLED"] = False
    _, host = account("fuzzhost")
    _, guest = person("fuzzguest")
    client = app.test_client()
    assert client.post("/api/events", json={"id": "launch", "name": "Launch"},
                       headers=host).status_code == 201
    db.session.remove()
    return app, {"host": host, "guest": guest}


def test_openapi_fuzz_finds_no_5xx_and_no_schema_mismatch(fuzz_app, capsys):
    app, tokens = fuzz_app
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    counter = TracebackCounter()
    logging.getLogger().addHandler(counter)
    refusals = logging.getLogger("chatapp.refusals")
    refusals.setLevel(logging.ERROR)  # thousands of expected 4xx lines would only slow it down
    stats = {"operations": 0, "examples": 0, "5xx": 0}
    failures: list[str] = []
    try:
        operations = [result.ok() for result in schema.get_all_operations()]
        # Logging out revokes the caller's tokens: those operations go last.
        operations.sort(key=lambda op: op.path.endswith("/logout"))
        for operation in operations:
            stats["operations"] += 1
            for mode, who in ((GenerationMode.POSITIVE, "host"), (GenerationMode.POSITIVE, "guest"),
                              (GenerationMode.NEGATIVE, "host")):
                try:
                    run_operation(operation, mode, tokens[who], stats, failures)
                except Unsatisfiable:  # nothing to negate in this operation: no such examples
                    pass
    finally:
        logging.getLogger().removeHandler(counter)
        refusals.setLevel(logging.NOTSET)
    with capsys.disabled():
        print(f"\nschemathesis: {stats['operations']} operations, {stats['examples']} examples, "
              f"{stats['5xx']} responses 5xx, {counter.tracebacks} tracebacks, "
              f"{len(failures)} failed checks")
    assert stats["examples"] > stats["operations"] * 4
    assert stats["5xx"] == 0 and counter.tracebacks == 0
    assert failures == []


def run_operation(operation, mode, headers: dict, stats: dict, failures: list[str]) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def fuzz(case):
        stats["examples"] += 1
        try:
            response = case.call_and_validate(headers=headers, checks=CHECKS)
        except Exception as failure:  # noqa: BLE001 - any failed check is recorded; the next example runs
            failures.append(f"{operation.method.upper()} {operation.path} ({mode.value}): "
                            f"{str(failure)[:300]}")
            response = None
        if response is not None and response.status_code >= 500:
            stats["5xx"] += 1
        if mode == GenerationMode.POSITIVE and isinstance(case.body, dict):
            hostile_variant(case, headers, stats, failures)

    fuzz()


def with_surrogates(value):
    """The same JSON with a lone surrogate in every string (JSON can spell it, UTF-8 cannot)."""
    if isinstance(value, str):
        return value + "\ud800"
    if isinstance(value, list):
        return [with_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {k: with_surrogates(v) for k, v in value.items()}
    return value


def hostile_variant(case, headers: dict, stats: dict, failures: list[str]) -> None:
    """The valid body again, with a lone surrogate in every string: a clear 4xx, never a 5xx
    (schemathesis itself only generates valid Unicode)."""
    client = case.operation.app.test_client()
    body = json.dumps(with_surrogates(case.body))
    if "\\ud800" not in body:
        return
    stats["examples"] += 1
    response = client.open(case.formatted_path, method=case.method, query_string=case.query,
                           data=body, headers={**headers, "Content-Type": "application/json"})
    if response.status_code >= 500:
        stats["5xx"] += 1
        failures.append(f"{case.method} {case.formatted_path} with lone surrogates: "
                        f"{response.status_code}")
