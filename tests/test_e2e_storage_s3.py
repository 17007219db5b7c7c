"""A real server process (the Procfile's gunicorn + gevent line) configured from the
environment with ``UPLOAD_STORAGE=s3``: uploads go to the bucket over HTTP and come back
through the app; a missing bucket setting stops both the release step and the start."""
# ruff: noqa: F811  (pytest fixtures imported by name, then taken as arguments)
from __future__ import annotations

import subprocess

import pytest
import requests

from tests.conftest import server_env
from tests.helpers import ServerProcess
from tests.s3_support import KEYS, new_bucket, s3_endpoint, stored_keys  # noqa: F401
from tests.test_api_uploads import png

PASSWORD = "correct horse battery"


def register(server: ServerProcess, name: str) -> dict:
    """An account made through the old REST auth; its token works as a bearer token."""
    answer = requests.post(server.url + "/api/auth/register", timeout=10, json={
        "name": name, "email": f"{name}@example.org", "password": PASSWORD})
    assert answer.status_code == 201, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def test_a_server_from_the_environment_keeps_uploads_in_the_bucket(tmp_path, s3_endpoint):
    bucket = new_bucket(s3_endpoint)
    server = ServerProcess(server_env(tmp_path, UPLOAD_STORAGE="s3", S3_BUCKET=bucket[1],
                                      S3_ENDPOINT_URL=s3_endpoint, S3_PREFIX="chat", **KEYS))
    server.migrate()
    server.start()
    try:
        ana, ben = register(server, "ana"), register(server, "ben")
        sent = requests.post(server.url + "/api/uploads", headers=ana, timeout=10,
                             files={"file": ("sunset.png", png(), "image/png")})
        assert sent.status_code == 201, sent.text
        picture = sent.json()
        assert stored_keys(bucket) == {f"chat/{picture['id']}", f"chat/{picture['id']}t"}
        with requests.get(server.url + picture["url"], headers=ana, timeout=10,
                          stream=True) as got:
            assert got.status_code == 200
            assert got.headers["Content-Type"] == "image/png"
            assert got.headers["X-Content-Type-Options"] == "nosniff"
            assert got.headers["Content-Length"] == str(len(png()))
            assert got.raw.read() == png()
        thumb = requests.get(server.url + picture["thumbnailUrl"], headers=ana, timeout=10)
        assert thumb.status_code == 200 and thumb.content.startswith(b"\xff\xd8")
        # Not sent in any message yet: nobody but its uploader may have it.
        assert requests.get(server.url + picture["url"], headers=ben, timeout=10).status_code == 404
        assert requests.get(server.url + picture["url"], timeout=10).status_code == 404
    finally:
        server.stop()


def test_s3_without_a_bucket_stops_the_release_step_and_the_start(tmp_path):
    server = ServerProcess(server_env(tmp_path, UPLOAD_STORAGE="s3", S3_BUCKET=""))
    with pytest.raises(subprocess.CalledProcessError) as release:
        server.migrate()
    assert b"UPLOAD_STORAGE=s3 needs S3_BUCKET" in release.value.stderr
    try:
        with pytest.raises(RuntimeError, match="server exited"):
            server.start()
        assert "UPLOAD_STORAGE=s3 needs S3_BUCKET" in server.log_path.read_text()
    finally:
        server.stop()
