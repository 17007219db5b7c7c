"""The S3-compatible store (``UPLOAD_STORAGE=s3``): AWS S3, MinIO, Ceph, R2 and the like.

Objects are named ``S3_PREFIX`` + key in ``S3_BUCKET``. They are written as
``application/octet-stream`` with ``Content-Disposition: attachment``, so even a bucket made
public by mistake never has a browser render one; the app's route is the way to read them
(it checks who may). Credentials are ``S3_ACCESS_KEY_ID``/``S3_SECRET_ACCESS_KEY`` when set,
else boto3's usual chain (``AWS_*`` variables, a shared profile, an instance or task role).
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from chatapp.storage.errors import StoredFileMissing, StoreUnavailable
from chatapp.storage.local import CHUNK, valid_key

MISSING_CODES = {"NoSuchKey", "404", "NotFound"}
log = logging.getLogger(__name__)


@contextmanager
def answered(action: str, key: str):
    """Turn the store's failures into :class:`StoredFileMissing` (no such key) or
    :class:`StoreUnavailable` (anything else: unreachable, wrong key, no bucket), logged."""
    try:
        yield
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in MISSING_CODES:
            raise StoredFileMissing(key) from exc
        log.error("S3 store: %s %s failed: %s", action, key, exc)
        raise StoreUnavailable("the file store is unavailable; try again later") from exc
    except BotoCoreError as exc:  # no connection, timeouts, bad endpoint, no credentials
        log.error("S3 store: %s %s failed: %s", action, key, exc)
        raise StoreUnavailable("the file store is unavailable; try again later") from exc


def body_chunks(body) -> Iterator[bytes]:
    """An object's body in chunks, its connection released at the end or when the reader
    stops early (a client that goes away mid-download)."""
    try:
        yield from body.iter_chunks(CHUNK)
    finally:
        body.close()


class S3Storage:
    """One bucket (and optional prefix) of an S3-compatible service."""

    def __init__(self, bucket: str, *, prefix: str = "", endpoint_url: str | None = None,
                 region: str | None = None, access_key_id: str | None = None,
                 secret_access_key: str | None = None) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        config = Config(
            # MinIO and Ceph are usually reached by path (host/bucket/key), not by a
            # bucket subdomain that their DNS does not have.
            s3={"addressing_style": "path" if endpoint_url else "auto"},
            connect_timeout=5, read_timeout=60, retries={"mode": "standard", "max_attempts": 3})
        # Its own session: boto3's default one is not safe to share while clients are made.
        session = boto3.session.Session()
        self.client = session.client(
            "s3", endpoint_url=endpoint_url or None, region_name=region or None,
            aws_access_key_id=access_key_id or None,
            aws_secret_access_key=secret_access_key or None, config=config)

    def object_key(self, key: str) -> str:
        return self.prefix + valid_key(key)

    def save(self, key: str, data: bytes) -> None:
        # One PUT: the whole object appears at once, so readers never see half a file.
        with answered("save", key):
            self.client.put_object(Bucket=self.bucket, Key=self.object_key(key), Body=data,
                                   ContentType="application/octet-stream",
                                   ContentDisposition="attachment")

    def _get(self, key: str):
        with answered("load", key):
            return self.client.get_object(Bucket=self.bucket, Key=self.object_key(key))["Body"]

    def load(self, key: str) -> bytes:
        body = self._get(key)
        try:
            with answered("load", key):
                return body.read()
        finally:
            body.close()

    def stream(self, key: str) -> Iterator[bytes]:
        return body_chunks(self._get(key))  # requested now: a missing object fails here

    def delete(self, key: str) -> None:
        with answered("delete", key):
            self.client.delete_object(Bucket=self.bucket, Key=self.object_key(key))
