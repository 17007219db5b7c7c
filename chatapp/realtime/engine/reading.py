"""Reading a client's WebSocket frames: gevent-websocket's reader, without its per-byte loops.

gevent-websocket unmasks every client frame one byte at a time in Python, and checks a text
message's UTF-8 with a Python state machine, once per frame and again for the whole message
(unless the optional wsaccel is installed): a 4,000-character message cost some 24,000
iterations of Python before anyone read it, and each ``react`` press of a 5,000-person
audience paid the same per byte. :class:`QuickReading` unmasks with one big-integer XOR and
lets the message's ``bytes.decode`` check UTF-8 (an invalid text message still closes the
connection, as ``receive`` always did).

It also stops a message that outgrows the engine's size cap as soon as a frame header says so,
fragmented or not, instead of reading it into memory first (the connection is closed, as
gevent-websocket closes on any frame it refuses). gevent-websocket's ``close`` takes a status
code (1007, 1002) but does not put it in the close frame it sends: clients see a bare close.
"""
from __future__ import annotations

from geventwebsocket.exceptions import FrameTooLargeException, ProtocolError, WebSocketError
from geventwebsocket.websocket import Header, WebSocket


def unmask(payload: bytes, mask: bytes) -> bytes:
    """XOR ``payload`` with the repeated 4-byte ``mask`` (RFC 6455 section 5.3)."""
    length = len(payload)
    key = (mask * (length // 4 + 1))[:length]
    return (int.from_bytes(payload, "little") ^ int.from_bytes(key, "little")).to_bytes(
        length, "little")


class QuickReading(WebSocket):
    """Becomes the class of gevent-websocket's WebSocket when the engine takes a connection
    over (``FramedSocket._websocket_handler``). ``max_message_bytes`` is the engine's cap
    (python-engineio's ``max_http_buffer_size``), set by :func:`chatapp.realtime.engine.install`;
    a class attribute, as the base class has ``__slots__`` and no room for more."""

    __slots__ = ()
    max_message_bytes = 0  # 0: no cap

    def read_frame(self):
        """As gevent-websocket's, unmasking with :func:`unmask`."""
        header = Header.decode_header(self.stream)
        if header.flags:
            raise ProtocolError("reserved bits set")
        if not header.length:
            return header, b""
        if header.opcode <= self.OPCODE_BINARY and self.max_message_bytes \
                and header.length > self.max_message_bytes:
            raise FrameTooLargeException("frame larger than the server accepts")
        try:
            payload = self.raw_read(header.length)
        except Exception:  # noqa: BLE001 - as gevent-websocket: a failed read is a short read
            payload = b""
        if len(payload) != header.length:
            raise WebSocketError("Unexpected EOF reading frame payload")
        if header.mask:
            payload = unmask(payload, header.mask)
        return header, payload

    def read_message(self):
        """As gevent-websocket's (control frames answered between a message's fragments,
        the same protocol errors), with the size cap over all of a message's fragments and
        UTF-8 checked once, by the final decode."""
        opcode, message = None, bytearray()
        while True:
            header, payload = self.read_frame()
            if header.opcode in (self.OPCODE_TEXT, self.OPCODE_BINARY):
                if opcode:
                    raise ProtocolError(f"expected a continuation, got opcode {header.opcode}")
                opcode = header.opcode
            elif header.opcode == self.OPCODE_CONTINUATION:
                if not opcode:
                    raise ProtocolError("continuation frame without a message")
            elif header.opcode == self.OPCODE_PING:
                self.handle_ping(header, payload)
                continue
            elif header.opcode == self.OPCODE_PONG:
                self.handle_pong(header, payload)
                continue
            elif header.opcode == self.OPCODE_CLOSE:
                self.handle_close(header, payload)
                return None
            else:
                raise ProtocolError(f"unexpected opcode {header.opcode}")
            message += payload
            if self.max_message_bytes and len(message) > self.max_message_bytes:
                raise FrameTooLargeException("message larger than the server accepts")
            if header.fin:
                break
        if opcode == self.OPCODE_TEXT:
            # UnicodeDecodeError is a UnicodeError: receive() answers it with a close.
            return message.decode("utf-8")
        return message
