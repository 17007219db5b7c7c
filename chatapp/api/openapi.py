"""``/api/openapi.json``: the hand-written OpenAPI document describing every endpoint under /api.

The document lives next to this module (``openapi.json``); ``tests/test_api_openapi.py`` fails
when an endpoint is added without documenting it or a response stops matching its schema.
"""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from flask import Blueprint, Response

DOCUMENT_PATH = Path(__file__).with_name("openapi.json")


@cache
def openapi_bytes() -> bytes:
    """The document as stored (the authored key order kept), read and checked once per process."""
    raw = DOCUMENT_PATH.read_bytes()
    json.loads(raw)  # a broken file fails on the first request, not in a client's parser
    return raw


def openapi_document():
    return Response(openapi_bytes(), mimetype="application/json")


def register(bp: Blueprint) -> None:
    bp.get("/openapi.json")(openapi_document)
