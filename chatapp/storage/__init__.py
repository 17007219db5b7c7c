"""Where uploaded files live: one small interface, chosen by the ``UPLOAD_STORAGE`` setting.

``local`` (the default) keeps them under ``UPLOAD_DIR`` (``instance/uploads``); ``s3`` keeps
them in an S3-compatible bucket (AWS S3, MinIO, Ceph, ...; see :mod:`chatapp.storage.s3`).
Either way files are only ever served through the app's own route, which checks who may read
them. Keys are server-made (random hex), never a client's file name.

:func:`init_app` checks the settings when the app is built, so a missing bucket stops the
start instead of failing the first upload.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Protocol

from flask import Flask, current_app

from chatapp.config import ConfigError
from chatapp.storage.errors import StoredFileMissing, StoreUnavailable
from chatapp.storage.local import LocalStorage

__all__ = ["Storage", "StoreUnavailable", "StoredFileMissing", "init_app", "storage"]

KINDS = ("local", "s3")
S3_SETTINGS = ("S3_BUCKET", "S3_PREFIX", "S3_ENDPOINT_URL", "S3_REGION", "S3_ACCESS_KEY_ID",
               "S3_SECRET_ACCESS_KEY")
EXTENSION = "chatapp.storage"


class Storage(Protocol):
    """What every store offers. A key that was never saved (or was deleted) makes ``load``
    and ``stream`` raise :class:`StoredFileMissing`; ``delete`` of one is not an error. A
    remote store that fails raises :class:`StoreUnavailable` (503 ``unavailable``)."""

    def save(self, key: str, data: bytes) -> None: ...
    def load(self, key: str) -> bytes: ...
    def stream(self, key: str) -> Iterator[bytes]: ...
    def delete(self, key: str) -> None: ...


def settings(config: Mapping[str, Any]) -> tuple:
    """The settings that decide which store is built (and when it must be rebuilt).
    Raises :class:`ConfigError` on an unknown kind or an S3 store without a bucket."""
    kind = str(config.get("UPLOAD_STORAGE") or "local").strip().lower()
    if kind not in KINDS:
        raise ConfigError(f"UPLOAD_STORAGE must be one of {', '.join(KINDS)}, got {kind!r}")
    if kind == "local":
        return (kind, str(config["UPLOAD_DIR"]))
    if not config.get("S3_BUCKET"):
        raise ConfigError("UPLOAD_STORAGE=s3 needs S3_BUCKET (and S3_ENDPOINT_URL for a "
                          "store other than AWS, such as MinIO or Ceph)")
    return (kind, *(config.get(name) for name in S3_SETTINGS))


def build(chosen: tuple) -> Storage:
    if chosen[0] == "local":
        return LocalStorage(chosen[1])
    from chatapp.storage.s3 import S3Storage  # boto3 is only imported when it is used

    bucket, prefix, endpoint_url, region, access_key_id, secret_access_key = chosen[1:]
    return S3Storage(bucket, prefix=prefix or "", endpoint_url=endpoint_url, region=region,
                     access_key_id=access_key_id, secret_access_key=secret_access_key)


def init_app(app: Flask) -> None:
    """Check the storage settings now (fail fast) and build the store once."""
    chosen = settings(app.config)
    app.extensions[EXTENSION] = (chosen, build(chosen))


def storage() -> Storage:
    """The current app's store. Built once per set of settings: an S3 client is costly to
    make and safe to share; a setting changed after start-up (tests) gets a new store."""
    chosen = settings(current_app.config)
    built = current_app.extensions.get(EXTENSION)
    if built is None or built[0] != chosen:
        built = (chosen, build(chosen))
        current_app.extensions[EXTENSION] = built
    return built[1]
