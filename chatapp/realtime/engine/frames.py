"""WebSocket frames for Engine.IO packets, built once per packet object.

python-socketio's ``Manager.emit`` already encodes a broadcast once and hands the *same*
Engine.IO packet object to every recipient. :func:`frame_of` caches the finished WebSocket
frame (header and payload bytes, unmasked as a server sends it, RFC 6455 section 5.2) on that
object, so a room of N members costs one JSON encoding, one UTF-8 encoding and one frame,
then N writes of the same ``bytes``.
"""
from __future__ import annotations

import struct

from engineio import packet as eio_packet

OPCODE_TEXT = 0x1
OPCODE_BINARY = 0x2
OPCODE_CLOSE = 0x8
_FIN = 0x80
_CACHE = "_chat_ws_frame"


def build_frame(payload: bytes, opcode: int) -> bytes:
    """One final, unmasked frame carrying ``payload``."""
    length = len(payload)
    if length < 126:
        header = bytes((_FIN | opcode, length))
    elif length <= 0xFFFF:
        header = struct.pack("!BBH", _FIN | opcode, 126, length)
    else:
        header = struct.pack("!BBQ", _FIN | opcode, 127, length)
    return header + payload


def frame_of(pkt: eio_packet.Packet) -> bytes:
    """The WebSocket frame for ``pkt``, built on first use and then shared by every socket
    that is sent this same packet object. Text packets go in text frames, binary attachments
    in binary frames, exactly as gevent-websocket's ``send`` would frame them."""
    frame = getattr(pkt, _CACHE, None)
    if frame is None:
        encoded = pkt.encode()
        if isinstance(encoded, str):
            # surrogatepass: stdlib json escapes lone surrogates, so a str here is valid UTF-8
            # unless a caller built a packet by hand; never let one packet kill the writer.
            frame = build_frame(encoded.encode("utf-8", "surrogatepass"), OPCODE_TEXT)
        else:
            frame = build_frame(bytes(encoded), OPCODE_BINARY)
        setattr(pkt, _CACHE, frame)
    return frame


def close_frame(code: int = 1000) -> bytes:
    """A WebSocket close frame with a status code (RFC 6455 section 5.5.1)."""
    return build_frame(struct.pack("!H", code), OPCODE_CLOSE)
