"""``/api/uploads``: uploading files, and serving them only to those who may read them.

Served with the type the server found (:mod:`chatapp.actions.uploads`), ``nosniff``, a
``Content-Disposition`` (pictures inline, everything else as a download) and a sandboxing
Content-Security-Policy, so no upload can ever run as a page of this site.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar
from urllib.parse import quote

from flask import Blueprint, Response, current_app, request

from chatapp.actions.uploads import do_upload, thumbnail_key
from chatapp.api.params import current_actor, optional_actor
from chatapp.errors import Invalid, NotFound, TooLarge
from chatapp.queries.attachments import readable_attachment
from chatapp.serializers import attachment_payload
from chatapp.storage import StoredFileMissing, storage

MULTIPART_OVERHEAD = 64 * 1024  # headers and boundaries around the file in the body
INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
T = TypeVar("T")


def upload():
    """``POST /uploads`` (multipart, field ``file``; or the body itself, named by
    ``?filename=``): 201 with the attachment."""
    actor = current_actor()
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    if (request.content_length or 0) > limit + MULTIPART_OVERHEAD:
        # Refused before the body is read: a huge upload never reaches memory or disk.
        raise TooLarge(f"the file is larger than {limit} bytes",
                       fields={"file": f"at most {limit} bytes"})
    file = request.files.get("file")
    if file is not None:
        name, data = file.filename, file.read(limit + 1)
    elif request.mimetype != "multipart/form-data" and request.content_length:
        # A raw upload: the body is the file, named by ?filename= (as S3-style clients send).
        name, data = request.args.get("filename"), request.get_data()
    else:
        raise Invalid("send the file as multipart/form-data field 'file', or as the body",
                      fields={"file": "is required"})
    attachment = do_upload(actor, name, data)
    return attachment_payload(attachment), 201


def serve(body: bytes | Iterable[bytes], content_type: str, disposition: str,
          size: int | None = None) -> Response:
    """The safe headers around a body (bytes, or chunks streamed from the store with their
    total ``size``)."""
    response = Response(body, content_type=content_type)
    if size is not None:
        response.content_length = size
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = disposition
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


def disposition(kind: str, filename: str) -> str:
    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def stored(read: Callable[[str], T], key: str) -> T:
    """``read(key)`` from the store; an object the store lost is a 404 (and a log line for
    the operator), not a 500."""
    try:
        return read(key)
    except StoredFileMissing:
        current_app.logger.warning("upload %s is in the database but not in the store", key)
        raise NotFound("this file is no longer stored") from None


def download(attachment_id: str):
    attachment = readable_attachment(optional_actor(), attachment_id)
    content_type = attachment.content_type
    inline = content_type in INLINE_TYPES
    if content_type == "text/plain":
        content_type = "text/plain; charset=utf-8"
    # Streamed from the store in chunks: a large file never sits whole in memory.
    return serve(stored(storage().stream, attachment.id), content_type,
                 disposition("inline" if inline else "attachment", attachment.filename),
                 size=attachment.size)


def thumbnail(attachment_id: str):
    attachment = readable_attachment(optional_actor(), attachment_id)
    if not attachment.has_thumbnail:
        raise NotFound("this file has no thumbnail")
    body = stored(storage().load, thumbnail_key(attachment.id))  # small: read whole
    content_type = "image/png" if body.startswith(b"\x89PNG") else "image/jpeg"
    return serve(body, content_type, disposition("inline", f"thumbnail-{attachment.filename}"))


def register(bp: Blueprint) -> None:
    bp.post("/uploads")(upload)
    bp.get("/uploads/<attachment_id>")(download)
    bp.get("/uploads/<attachment_id>/thumbnail")(thumbnail)
