"""Client frames as the engine reads them (chatapp/realtime/engine/reading.py): masked,
fragmented, with control frames between fragments, invalid UTF-8 and oversized messages, over
a raw TCP connection to the real server."""
from __future__ import annotations

import base64
import os
import socket
import struct

import pytest
from geventwebsocket.websocket import Header

from chatapp.realtime.engine.reading import unmask

TEXT, BINARY, CONTINUATION, CLOSE, PING, PONG = 0x1, 0x2, 0x0, 0x8, 0x9, 0xA


@pytest.mark.parametrize("size", [0, 1, 3, 4, 5, 125, 126, 65535, 65536, 100_003])
def test_unmask_gives_the_stock_readers_bytes(size):
    payload, mask = os.urandom(size), os.urandom(4)
    header = Header(length=size)
    header.mask = mask
    assert unmask(payload, mask) == bytes(header.unmask_payload(payload))


class RawClient:
    """A WebSocket client written out by hand, so frames can be malformed on purpose."""

    def __init__(self, server):
        self.sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((
            "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            self.buffer += self.recv_some()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        assert head.startswith(b"HTTP/1.1 101"), head
        assert self.read_frame()[1].startswith(b"0{")  # the Engine.IO OPEN packet

    def recv_some(self) -> bytes:
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("closed by the server")
        return data

    def exactly(self, n: int) -> bytes:
        while len(self.buffer) < n:
            self.buffer += self.recv_some()
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    def read_frame(self) -> tuple[int, bytes]:
        first, second = self.exactly(2)
        length = second & 0x7F
        if length == 126:
            length = struct.unpack("!H", self.exactly(2))[0]
        elif length == 127:
            length = struct.unpack("!Q", self.exactly(8))[0]
        return first & 0x0F, self.exactly(length)

    def frame(self, opcode: int, payload: bytes, *, fin: bool = True) -> None:
        mask = os.urandom(4)
        length = len(payload)
        if length < 126:
            head = bytes((opcode | (0x80 if fin else 0), 0x80 | length))
        elif length <= 0xFFFF:
            head = struct.pack("!BBH", opcode | (0x80 if fin else 0), 0x80 | 126, length)
        else:
            head = struct.pack("!BBQ", opcode | (0x80 if fin else 0), 0x80 | 127, length)
        self.sock.sendall(head + mask + unmask(payload, mask))

    def until(self, opcode: int, starts: bytes = b"") -> bytes:
        for _ in range(50):
            got_opcode, payload = self.read_frame()
            if got_opcode == opcode and payload.startswith(starts):
                return payload
        raise AssertionError(f"no frame {opcode} {starts!r}")


@pytest.fixture
def raw(server):
    client = RawClient(server)
    yield client
    client.sock.close()


def test_a_fragmented_message_with_a_ping_between_its_fragments_is_read_whole(raw):
    raw.frame(TEXT, b"40")  # CONNECT to the default namespace
    assert raw.until(TEXT, b"40").startswith(b"40{")
    raw.frame(TEXT, b'421["getActive', fin=False)
    raw.frame(PING, b"are you there")
    raw.frame(CONTINUATION, 'Events"]'.encode(), fin=False)
    raw.frame(CONTINUATION, b"", fin=True)
    assert raw.until(PONG) == b"are you there"
    assert raw.until(TEXT, b"431").startswith(b"431[[")  # the acknowledgement: a list


def test_multibyte_characters_split_across_fragments_are_read_as_text(raw):
    raw.frame(TEXT, b"40")
    raw.until(TEXT, b"40")
    text = '421["getActiveEvents","ж🙂"]'.encode()
    cut = text.index("🙂".encode()) + 2  # inside the emoji's four bytes
    raw.frame(TEXT, text[:cut], fin=False)
    raw.frame(CONTINUATION, text[cut:])
    assert raw.until(TEXT, b"431").startswith(b"431[")


def test_invalid_utf8_in_a_text_message_closes_the_connection(raw):
    """(gevent-websocket's close frame carries no status code, whatever the reason.)"""
    raw.frame(TEXT, b"40")
    raw.until(TEXT, b"40")
    raw.frame(TEXT, b'42["typing",\xff\xfe]')
    raw.until(CLOSE)
    with pytest.raises((ConnectionError, OSError)):
        for _ in range(10):
            raw.read_frame()  # nothing more, then the end of the connection


def test_a_message_past_the_cap_is_refused_before_it_is_all_sent(raw):
    """2 MiB is the cap (python-engineio's max_http_buffer_size, as configured): the third
    1 MiB fragment ends the connection, and the server never waits for the rest."""
    raw.frame(TEXT, b"40")
    raw.until(TEXT, b"40")
    chunk = b"x" * (1024 * 1024)
    raw.frame(TEXT, b'42["typing","' + chunk, fin=False)
    raw.frame(CONTINUATION, chunk, fin=False)
    try:
        raw.frame(CONTINUATION, chunk, fin=False)
    except OSError:
        return  # already cut while we were sending
    raw.sock.settimeout(5)
    try:
        assert raw.until(CLOSE) == b""
    except (ConnectionError, ConnectionResetError):
        pass  # cut before the close frame could be read: refused all the same
    except TimeoutError:
        pytest.fail("the server kept waiting for the rest of an oversized message")
