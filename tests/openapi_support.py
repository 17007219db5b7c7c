"""Checking real responses against the OpenAPI document at /api/openapi.json.

Test modules import the fixtures: ``from tests.openapi_support import bearer, call, openapi,
spec  # noqa: F401``. ``call`` makes a request through the app's test client and validates
request and response with ``openapi-core``. ``ana`` and ``ben`` (guests) and ``hana`` (an
account) are logged in on sockets; they need the ``bus`` fixture of :mod:`tests.unit_support`.
"""
from __future__ import annotations

import pytest
from openapi_core import Config, OpenAPI
from openapi_core.contrib.werkzeug import (
    WerkzeugOpenAPIRequest,
    WerkzeugOpenAPIResponse,
)
from openapi_core.deserializing.media_types.util import plain_loads
from werkzeug.test import EnvironBuilder

from chatapp.actions.accounts import do_register
from chatapp.security.identity import issue_token
from tests.unit_support import login


@pytest.fixture
def spec(client) -> dict:
    return client.get("/api/openapi.json").get_json()


@pytest.fixture
def openapi(spec) -> OpenAPI:
    # openapi-core decodes only text/plain among text types; the others would stay bytes.
    text = {"text/markdown": plain_loads, "text/csv": plain_loads,
            "image/svg+xml": plain_loads}
    return OpenAPI.from_dict(spec, config=Config(extra_media_type_deserializers=text))


@pytest.fixture
def call(client, openapi):
    """``call(method, path, status, **client_kwargs)``: make the request, check the status, and
    validate request and response against the document. ``request_ok=False`` asserts the
    document refuses the request as well."""
    def make(method: str, path: str, status: int, *, request_ok: bool = True, **kwargs):
        response = client.open(path, method=method, **kwargs)
        response.get_data()  # buffer a streamed body before it is validated
        assert response.status_code == status, response.get_data(as_text=True)
        # The test client's own request has had its body read by the app; build an unread copy.
        request = WerkzeugOpenAPIRequest(
            EnvironBuilder(path, method=method, **kwargs).get_request())
        request_errors = list(openapi.iter_request_errors(request))
        assert (not request_errors) == request_ok, request_errors
        openapi.validate_response(request, WerkzeugOpenAPIResponse(response))
        return response
    return make


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


PASSWORD = "correct horse battery"


@pytest.fixture
def ana(bus):
    return login(bus, "sid-ana", "ana", avatar="a.png")


@pytest.fixture
def ben(bus):
    return login(bus, "sid-ben", "ben")


@pytest.fixture
def hana(bus):
    """An account (only accounts may create events), logged in on a socket."""
    return login(bus, "sid-hana", token=issue_token(do_register("hana", PASSWORD)))
