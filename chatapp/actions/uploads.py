"""Uploading files: checked, typed by their bytes, thumbnailed when they are pictures, stored.

What a file is comes from its bytes, never from the client's name or type: a picture Pillow
can decode (PNG, JPEG, GIF, WebP), a PDF, a ZIP, or UTF-8 text. Anything else, SVG and HTML
included (they are served as plain text if they pass as text, which cannot run), is stored
as ``application/octet-stream`` and always downloaded. Pictures get their width and height
and a thumbnail (at most 320 px a side, PNG or JPEG).
"""
from __future__ import annotations

import io
import secrets
import unicodedata

from flask import current_app
from PIL import Image, UnidentifiedImageError

from chatapp.errors import Invalid, TooLarge
from chatapp.extensions import db
from chatapp.models import Attachment
from chatapp.security.identity import Actor
from chatapp.storage import Storage, storage
from chatapp.timeutil import utcnow

IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
THUMBNAIL_SIDE = 320
MAX_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded
FILENAME_MAX = 255


def thumbnail_key(attachment_id: str) -> str:
    return f"{attachment_id}t"


def clean_filename(name: object) -> str:
    """The client's file name, for display and downloads only: no path, no control
    characters, at most 255 characters; ``file`` if nothing is left."""
    text = str(name or "").replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C").strip()
    return text[:FILENAME_MAX] or "file"


def sniff(data: bytes) -> tuple[str, Image.Image | None]:
    """The content type the bytes really are, and the decoded picture if they are one."""
    try:
        image = Image.open(io.BytesIO(data))
        if image.format in IMAGE_TYPES and image.width * image.height <= MAX_PIXELS:
            image.load()
            return IMAGE_TYPES[image.format], image
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError):
        pass
    if data.startswith(b"%PDF-"):
        return "application/pdf", None
    if data.startswith(b"PK\x03\x04"):
        return "application/zip", None
    if b"\x00" not in data:
        try:
            data.decode("utf-8")
            return "text/plain", None
        except UnicodeDecodeError:
            pass
    return "application/octet-stream", None


def make_thumbnail(image: Image.Image) -> bytes:
    thumb = image.copy()
    thumb.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    out = io.BytesIO()
    if thumb.mode in ("RGBA", "LA", "P"):
        thumb.convert("RGBA").save(out, "PNG")
    else:
        thumb.convert("RGB").save(out, "JPEG", quality=85)
    return out.getvalue()


def do_upload(actor: Actor, filename: object, data: bytes) -> Attachment:
    """Store one file for ``actor`` (not yet carried by any message). ``too_large`` above
    ``UPLOAD_MAX_BYTES``, ``invalid`` when empty. The objects are written before the row is
    committed; if either fails, those already written are removed again."""
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    if len(data) > limit:
        raise TooLarge(f"the file is larger than {limit} bytes", fields={"file": f"at most {limit} bytes"})
    if not data:
        raise Invalid("the file is empty", fields={"file": "must not be empty"})
    content_type, image = sniff(data)
    attachment = Attachment(id=secrets.token_hex(16), uploader_id=actor.user_id,
                            filename=clean_filename(filename), content_type=content_type,
                            size=len(data), created_at=utcnow())
    store = storage()
    saved: list[str] = []
    try:
        store.save(attachment.id, data)
        saved.append(attachment.id)
        if image is not None:
            attachment.width, attachment.height = image.width, image.height
            store.save(thumbnail_key(attachment.id), make_thumbnail(image))
            saved.append(thumbnail_key(attachment.id))
            attachment.has_thumbnail = True
        db.session.add(attachment)
        db.session.commit()
    except BaseException:
        # Nothing half-done stays behind: no row means no stored objects either.
        db.session.rollback()
        discard(store, saved)
        raise
    return attachment


def discard(store: Storage, keys: list[str]) -> None:
    """Remove objects whose upload failed; a failure here is logged, never hides the first."""
    for key in keys:
        try:
            store.delete(key)
        except Exception:  # the upload's own error is the one to report
            current_app.logger.exception("could not remove stored object %s", key)
