"""Uploads kept in an S3-compatible bucket (``UPLOAD_STORAGE=s3``), against moto's server mode:
a real S3 endpoint over HTTP, reached the way MinIO or Ceph would be (``S3_ENDPOINT_URL``).

The files still go in and out only through the app's REST routes, with the same checks and
headers as the local store; the bucket is looked at directly with a boto3 client."""
# ruff: noqa: F811  (pytest fixtures imported by name, then taken as arguments)
from __future__ import annotations

import secrets

import pytest

from chatapp import create_app
from chatapp.actions.messages import RoomRef, do_send_message
from chatapp.actions.rooms import do_create_room
from chatapp.actions.uploads import do_upload
from chatapp.config import ConfigError
from chatapp.extensions import db
from chatapp.models import Attachment
from chatapp.storage import S3_SETTINGS, StoredFileMissing, storage
from tests.helpers import free_port
from tests.openapi_support import ana, bearer, ben, call, openapi, spec  # noqa: F401
from tests.s3_support import KEYS, new_bucket, s3_endpoint, stored_keys  # noqa: F401
from tests.test_api_uploads import png, upload
from tests.unit_support import bus, login  # noqa: F401

PREFIX = "chat/uploads/"


@pytest.fixture
def bucket(s3_endpoint, app):
    """A fresh bucket per test, and the app set to keep its uploads there."""
    client, name = new_bucket(s3_endpoint)
    app.config.update(UPLOAD_STORAGE="s3", S3_BUCKET=name, S3_ENDPOINT_URL=s3_endpoint,
                      S3_PREFIX="/chat/uploads/", **KEYS)
    return client, name


def stored_object(bucket, key: str) -> dict:
    client, name = bucket
    return client.get_object(Bucket=name, Key=PREFIX + key)


def test_a_picture_and_a_file_land_in_the_bucket_with_the_thumbnail(call, ana, bucket):
    picture = upload(call, ana, png(), "sunset.png")
    notes = upload(call, ana, b"buy milk", "notes.txt")
    assert stored_keys(bucket) == {PREFIX + picture["id"], PREFIX + picture["id"] + "t",
                                   PREFIX + notes["id"]}
    assert stored_object(bucket, picture["id"])["Body"].read() == png()
    thumbnail = stored_object(bucket, picture["id"] + "t")
    assert thumbnail["Body"].read().startswith(b"\xff\xd8")  # an RGB picture's is a JPEG
    # A bucket made public by mistake still never has a browser render an upload.
    assert thumbnail["ContentType"] == "application/octet-stream"
    assert stored_object(bucket, notes["id"])["ContentDisposition"] == "attachment"


def test_readers_get_the_bytes_with_the_safe_headers_and_others_a_404(call, ana, ben, bus, bucket):
    eve = login(bus, "sid-eve", "eve")
    picture = upload(call, ana, png(), "plan.png")
    notes = upload(call, ana, b"<html><script>alert(1)</script></html>", "page.html")
    room = do_create_room(None, ana.actor, {"name": "inner", "isPrivate": True})
    do_send_message(ana.actor, RoomRef(room.id, "community"), "",
                    attachments=[picture["id"], notes["id"]])

    got = call("GET", picture["url"], 200, headers=bearer(ana.token))
    assert got.data == png() and got.headers["Content-Type"] == "image/png"
    assert got.headers["Content-Length"] == str(len(png()))
    assert got.headers["Content-Disposition"].startswith('inline; filename="plan.png"')
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in got.headers["Content-Security-Policy"]
    thumb = call("GET", picture["thumbnailUrl"], 200, headers=bearer(ana.token))
    assert thumb.headers["Content-Type"] == "image/jpeg" and thumb.data.startswith(b"\xff\xd8")
    page = call("GET", notes["url"], 200, headers=bearer(ana.token))
    assert page.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert page.headers["Content-Disposition"].startswith("attachment;")

    for who in (eve.token, ben.token):
        call("GET", picture["url"], 404, headers=bearer(who))
        call("GET", picture["thumbnailUrl"], 404, headers=bearer(who))
        call("GET", notes["url"], 404, headers=bearer(who))
    call("GET", picture["url"], 404)


def test_a_large_file_is_streamed_from_the_bucket_in_chunks(call, ana, app, bucket):
    data = secrets.token_bytes(700_000)
    body = upload(call, ana, data, "blob.bin")
    got = call("GET", body["url"], 200, headers=bearer(ana.token))
    assert got.data == data and got.headers["Content-Length"] == "700000"
    chunks = list(storage().stream(body["id"]))
    assert len(chunks) > 1 and max(map(len, chunks)) <= 64 * 1024
    assert b"".join(chunks) == data


def test_an_object_gone_from_the_bucket_is_a_404_not_a_500(call, ana, bucket):
    picture = upload(call, ana, png(), "gone.png")
    client, name = bucket
    client.delete_objects(Bucket=name, Delete={"Objects": [
        {"Key": key} for key in stored_keys(bucket)]})
    error = call("GET", picture["url"], 404, headers=bearer(ana.token)).get_json()
    assert error["error"]["code"] == "not_found"
    call("GET", picture["thumbnailUrl"], 404, headers=bearer(ana.token))
    with pytest.raises(StoredFileMissing):
        storage().load(picture["id"])
    storage().delete(picture["id"])  # deleting what is not there is not an error


def test_an_upload_whose_row_fails_leaves_nothing_in_the_bucket(ana, bucket, monkeypatch):
    def refuse():
        raise RuntimeError("database went away")

    monkeypatch.setattr(db.session, "commit", refuse)
    with pytest.raises(RuntimeError, match="went away"):
        do_upload(ana.actor, "sunset.png", png())
    assert stored_keys(bucket) == set()


def test_a_store_that_does_not_answer_is_a_503_and_stores_nothing(call, ana, app, bucket):
    picture = upload(call, ana, png(), "kept.png")
    app.config["S3_BUCKET"] = "no-such-bucket"
    error = upload(call, ana, png(), "lost.png", 503)
    assert error["error"]["code"] == "unavailable"
    app.config.update(S3_BUCKET=bucket[1], S3_ENDPOINT_URL=f"http://127.0.0.1:{free_port()}")
    upload(call, ana, b"notes", "notes.txt", 503)
    call("GET", picture["url"], 503, headers=bearer(ana.token))
    call("GET", picture["thumbnailUrl"], 503, headers=bearer(ana.token))
    assert Attachment.query.count() == 1  # the failed uploads left no row behind
    assert len(stored_keys(bucket)) == 2  # nor any object: the first picture and its thumbnail


@pytest.mark.parametrize("settings, message", [
    ({"UPLOAD_STORAGE": "s3"}, "UPLOAD_STORAGE=s3 needs S3_BUCKET"),
    ({"UPLOAD_STORAGE": "s3", "S3_BUCKET": ""}, "UPLOAD_STORAGE=s3 needs S3_BUCKET"),
    ({"UPLOAD_STORAGE": "ftp"}, "UPLOAD_STORAGE must be one of local, s3"),
])
def test_a_store_without_its_settings_stops_the_start(settings, message, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x")  # no development key written to instance/
    with pytest.raises(ConfigError, match=message):
        create_app({"TESTING": True, "REDIS_URL": None, **settings})


def test_the_s3_settings_come_from_the_environment(monkeypatch, s3_endpoint):
    for name in S3_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", "x")  # no development key written to instance/
    monkeypatch.setenv("UPLOAD_STORAGE", "s3")
    with pytest.raises(ConfigError, match="S3_BUCKET"):
        create_app({"TESTING": True, "REDIS_URL": None})
    env = {"S3_BUCKET": "env-bucket", "S3_ENDPOINT_URL": s3_endpoint, "S3_PREFIX": "p", **KEYS}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    app = create_app({"TESTING": True, "REDIS_URL": None})
    assert {name: app.config[name] for name in env} == env
    with app.app_context():
        store = storage()
        assert (store.bucket, store.prefix) == ("env-bucket", "p/")
        assert store.client.meta.endpoint_url == s3_endpoint
