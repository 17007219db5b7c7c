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

    def read_frame(self) -> tuple[bool, int, bytes]:
        """One frame: ``(fin, opcode, unmasked payload)``. gevent-websocket's header rules
        (reserved bits, control frames whole and at most 125 bytes, EOF errors), with the
        header decoded here instead of into a ``Header`` object, and a short masked frame's
        mask and payload read at once: a ``react`` press is one such frame, 10,000 a second
        under a 5,000-person audience."""
        read = self.stream.read
        head = read(2)
        if len(head) != 2:
            raise WebSocketError("Unexpected EOF while decoding header")
        first, second = head
        fin, opcode, length = bool(first & Header.FIN_MASK), first & Header.OPCODE_MASK, \
            second & Header.LENGTH_MASK
        if first & Header.HEADER_FLAG_MASK:
            raise ProtocolError("reserved bits set")
        if opcode > 0x07:
            if not fin:
                raise ProtocolError(f"Received fragmented control frame: {head!r}")
            if length > 125:
                raise FrameTooLargeException("Control frame cannot be larger than 125 bytes")
        if length >= 126:
            size = 2 if length == 126 else 8
            extended = read(size)
            if len(extended) != size:
                raise WebSocketError("Unexpected EOF while decoding header")
            length = int.from_bytes(extended, "big")
        if opcode <= self.OPCODE_BINARY and self.max_message_bytes \
                and length > self.max_message_bytes:
            raise FrameTooLargeException("frame larger than the server accepts")
        masked = second & Header.MASK_MASK
        try:
            if masked:
                body = read(4 + length)
                if len(body) < 4:
                    raise WebSocketError("Unexpected EOF while decoding header")
                mask, payload = body[:4], body[4:]
            else:
                payload = read(length) if length else b""
        except WebSocketError:
            raise
        except Exception:  # noqa: BLE001 - as gevent-websocket: a failed read is a short read
            payload = b""
        if len(payload) != length:
            raise WebSocketError("Unexpected EOF reading frame payload")
        if masked and length:
            payload = unmask(payload, mask)
        return fin, opcode, payload

    def read_message(self):
        """As gevent-websocket's (control frames answered between a message's fragments,
        the same protocol errors), with the size cap over all of a message's fragments and
        UTF-8 checked once, by the final decode."""
        opcode, message = None, bytearray()
        while True:
            fin, frame_opcode, payload = self.read_frame()
            if frame_opcode in (self.OPCODE_TEXT, self.OPCODE_BINARY):
                if opcode:
                    raise ProtocolError(f"expected a continuation, got opcode {frame_opcode}")
                if fin:  # the common case: a whole message in one frame
                    return payload.decode("utf-8") if frame_opcode == self.OPCODE_TEXT \
                        else bytearray(payload)
                opcode = frame_opcode
            elif frame_opcode == self.OPCODE_CONTINUATION:
                if not opcode:
                    raise ProtocolError("continuation frame without a message")
            elif frame_opcode in (self.OPCODE_PING, self.OPCODE_PONG, self.OPCODE_CLOSE):
                header = Header(fin=fin, opcode=frame_opcode, length=len(payload))
                if frame_opcode == self.OPCODE_CLOSE:
                    self.handle_close(header, payload)
                    return None
                if frame_opcode == self.OPCODE_PING:
                    self.handle_ping(header, payload)
                else:
                    self.handle_pong(header, payload)
                continue
            else:
                raise ProtocolError(f"unexpected opcode {frame_opcode}")
            message += payload
            if self.max_message_bytes and len(message) > self.max_message_bytes:
                raise FrameTooLargeException("message larger than the server accepts")
            if fin:
                break
        if opcode == self.OPCODE_TEXT:
            # UnicodeDecodeError is a UnicodeError: receive() answers it with a close.
            return message.decode("utf-8")
        return message
