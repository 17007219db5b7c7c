"""Uploads: typed by their bytes, pictures thumbnailed, carried by messages, and served with
safe headers only to those who may read the message. Validated against the OpenAPI document."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from chatapp.actions.messages import RoomRef, do_send_message
from chatapp.actions.rooms import do_create_room
from chatapp.errors import NotFound
from tests.openapi_support import ana, bearer, ben, call, openapi, spec  # noqa: F401
from tests.unit_support import bus, login  # noqa: F401

ROOM_1 = RoomRef(1, "community")


@pytest.fixture(autouse=True)
def upload_dir(app, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")


def png(width=640, height=480) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


BOUNDARY = "----chat-test-boundary"


def multipart(data: bytes, name: str) -> dict:
    """A multipart body as bytes (the ``call`` fixture sends a request twice: once to the app,
    once to the validator, so a file stream would be spent)."""
    body = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").encode()
    body += data + f"\r\n--{BOUNDARY}--\r\n".encode()
    return {"data": body, "content_type": f"multipart/form-data; boundary={BOUNDARY}"}


def upload(call, who, data: bytes, name: str, status=201, **kwargs):
    return call("POST", "/api/uploads", status, headers=bearer(who.token),
                **multipart(data, name), **kwargs).get_json()


def test_a_picture_gets_dimensions_a_thumbnail_and_is_served_inline(call, ana):
    body = upload(call, ana, png(), "sunset.png")
    assert (body["contentType"], body["width"], body["height"]) == ("image/png", 640, 480)
    assert body["thumbnailUrl"] == body["url"] + "/thumbnail"
    got = call("GET", body["url"], 200, headers=bearer(ana.token))
    assert got.data == png() and got.headers["Content-Type"] == "image/png"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Content-Disposition"].startswith('inline; filename="sunset.png"')
    thumb = Image.open(io.BytesIO(call("GET", body["thumbnailUrl"], 200,
                                       headers=bearer(ana.token)).data))
    assert max(thumb.size) == 320


@pytest.mark.parametrize("data, name, served", [
    (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "x.svg", "text/plain; charset=utf-8"),
    (b"<html><script>alert(1)</script></html>", "page.html", "text/plain; charset=utf-8"),
    (b"%PDF-1.7 ...", "doc.pdf", "application/pdf"),
    (bytes(range(256)), "blob.png", "application/octet-stream"),
])
def test_nothing_is_served_as_html_or_svg_and_non_pictures_download(call, ana, data, name, served):
    body = upload(call, ana, data, name)
    assert body["width"] is None and body["thumbnailUrl"] is None
    got = call("GET", body["url"], 200, headers=bearer(ana.token))
    assert got.headers["Content-Type"] == served
    assert got.headers["Content-Disposition"].startswith("attachment;")
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in got.headers["Content-Security-Policy"]


def test_size_and_emptiness_limits(call, ana, app):
    app.config["UPLOAD_MAX_BYTES"] = 1000
    error = upload(call, ana, b"x" * 1001, "big.txt", 413)
    assert error["error"]["code"] == "too_large"
    upload(call, ana, b"", "empty.txt", 400)
    call("POST", "/api/uploads", 401, **multipart(b"x", "a.txt"), request_ok=False)


def test_only_readers_of_the_message_get_the_file(call, ana, ben, bus):
    eve = login(bus, "sid-eve", "eve")
    body = upload(call, ana, png(), "plan.png")
    # Not sent yet: only its uploader.
    call("GET", body["url"], 404, headers=bearer(ben.token))
    room = do_create_room(None, ana.actor, {"name": "inner", "isPrivate": True})
    sent = do_send_message(ana.actor, RoomRef(room.id, "community"), "", attachments=[body["id"]])
    assert sent["attachments"] == [body] and sent["content"] == ""
    call("GET", body["url"], 404, headers=bearer(eve.token))
    call("GET", body["thumbnailUrl"], 404, headers=bearer(eve.token))
    call("GET", body["url"], 404)

    public = upload(call, ana, png(10, 10), "dot.png")
    do_send_message(ana.actor, ROOM_1, "look", attachments=[public["id"]])
    call("GET", public["url"], 200, headers=bearer(eve.token))
    history = call("GET", "/api/rooms/1/messages", 200).get_json()["messages"]
    assert history[0]["attachments"] == [public]


def test_only_ones_own_unsent_uploads_can_be_attached(call, ana, ben, bus):
    body = upload(call, ana, b"notes", "notes.txt")
    with pytest.raises(NotFound):
        do_send_message(ben.actor, ROOM_1, "mine now", attachments=[body["id"]])
    do_send_message(ana.actor, ROOM_1, "sent", attachments=[body["id"]])
    with pytest.raises(NotFound):
        do_send_message(ana.actor, ROOM_1, "again", attachments=[body["id"]])


def test_a_raw_upload_is_the_body_named_by_the_query(call, ana):
    body = call("POST", "/api/uploads?filename=notes%20today.txt", 201, headers=bearer(ana.token),
                data=b"buy milk", content_type="application/octet-stream").get_json()
    assert (body["filename"], body["contentType"], body["size"]) == ("notes today.txt",
                                                                     "text/plain", 8)
    got = call("GET", body["url"], 200, headers=bearer(ana.token))
    assert got.data == b"buy milk"
    assert got.headers["Content-Disposition"] == (
        "attachment; filename=\"notes today.txt\"; filename*=UTF-8''notes%20today.txt")
