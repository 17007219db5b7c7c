"""Where uploaded files live: one small interface, chosen by the ``UPLOAD_STORAGE`` setting.

``local`` (the default) keeps them under ``UPLOAD_DIR`` (``instance/uploads``). An
S3-compatible store is not built yet: naming it fails at start-up rather than on the first
upload. Keys are server-made (random hex), never a client's file name.
"""
from __future__ import annotations

from pathlib import Path
from typing import Protocol

from flask import current_app


class Storage(Protocol):
    def save(self, key: str, data: bytes) -> None: ...
    def load(self, key: str) -> bytes: ...


class LocalStorage:
    """Files under one directory, one file per key."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not key.isalnum():  # keys are ours; refuse anything that could walk the tree
            raise ValueError(f"bad storage key {key!r}")
        return self.root / key[:2] / key

    def save(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(data)
        tmp.replace(path)  # readers never see half a file

    def load(self, key: str) -> bytes:
        return self._path(key).read_bytes()


def storage() -> Storage:
    kind = current_app.config["UPLOAD_STORAGE"]
    if kind == "local":
        return LocalStorage(current_app.config["UPLOAD_DIR"])
    raise RuntimeError(f"UPLOAD_STORAGE={kind!r} is not supported (only 'local' so far)")
