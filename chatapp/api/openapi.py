"""``/api/openapi.json``: the hand-written OpenAPI document describing every endpoint under /api.

The document is kept in parts next to this module, in ``openapi/``: ``base.json`` holds the
header and the shared components, and each other file the paths (and any components of its
own) of one area of the API, so that areas can grow without touching one another's file.
They are merged once per process; an operation or component defined twice is an error, not a
silent overwrite.
``tests/test_api_openapi.py`` fails when an endpoint is added without documenting it or a
response stops matching its schema.
"""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from flask import Blueprint, Response

DOCUMENT_DIR = Path(__file__).with_name("openapi")
BASE = "base.json"


def _merge_into(target: dict, part: dict, where: str) -> None:
    """Add ``part``'s paths and components to ``target``; refuse a second definition."""
    for path, item in part.get("paths", {}).items():
        # Two parts may document different methods of one path (a room message is deleted
        # by moderation and edited by its author); one operation twice is an error.
        known = target["paths"].setdefault(path, {})
        for method, operation in item.items():
            if method in known:
                raise ValueError(f"{where}: {method} {path} is already documented")
            known[method] = operation
    for section, entries in part.get("components", {}).items():
        known = target.setdefault("components", {}).setdefault(section, {})
        for name, value in entries.items():
            if name in known:
                raise ValueError(f"{where}: components.{section}.{name} is already defined")
            known[name] = value
    for key in part:
        if key not in ("paths", "components"):
            raise ValueError(f"{where}: only paths and components belong in a part, not {key}")


def load_document() -> dict:
    """The whole document: ``base.json``, then every other part in name order."""
    document = json.loads((DOCUMENT_DIR / BASE).read_text())
    document.setdefault("paths", {})
    for part_path in sorted(DOCUMENT_DIR.glob("*.json")):
        if part_path.name != BASE:
            _merge_into(document, json.loads(part_path.read_text()), part_path.name)
    return document


@cache
def openapi_bytes() -> bytes:
    """The merged document, built once per process (a broken part fails the first request,
    not a client's parser)."""
    return json.dumps(load_document(), ensure_ascii=False).encode()


def openapi_document():
    return Response(openapi_bytes(), mimetype="application/json")


def register(bp: Blueprint) -> None:
    bp.get("/openapi.json")(openapi_document)
