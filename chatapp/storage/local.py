"""The default store: files under one directory (``UPLOAD_DIR``), one file per key."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from chatapp.storage.errors import StoredFileMissing

CHUNK = 64 * 1024


def valid_key(key: str) -> str:
    """Keys are ours (hex, ``t`` for a thumbnail); refuse anything that could walk a tree or
    name another object."""
    if not key.isascii() or not key.isalnum():
        raise ValueError(f"bad storage key {key!r}")
    return key


def file_chunks(file: BinaryIO) -> Iterator[bytes]:
    """Read an open file in chunks, closing it at the end or when the reader stops early."""
    try:
        while chunk := file.read(CHUNK):
            yield chunk
    finally:
        file.close()


class LocalStorage:
    """Files under ``root/<first two characters>/<key>``."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        key = valid_key(key)
        return self.root / key[:2] / key

    def save(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(data)
        tmp.replace(path)  # readers never see half a file

    def load(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError as exc:
            raise StoredFileMissing(key) from exc

    def stream(self, key: str) -> Iterator[bytes]:
        try:
            file = self._path(key).open("rb")  # opened now: a missing file fails here
        except FileNotFoundError as exc:
            raise StoredFileMissing(key) from exc
        return file_chunks(file)

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)
