"""Unit tests of the WebSocket frames that chatapp.realtime.engine builds once per broadcast."""
from __future__ import annotations

import struct

from engineio import packet as eio_packet

from chatapp.realtime.engine.frames import close_frame, frame_of


def parse_frame(frame: bytes) -> tuple[int, bytes]:
    """(opcode, payload) of one unmasked, final frame, checking its length field (RFC 6455)."""
    first, second = frame[0], frame[1]
    assert first & 0x80, "FIN must be set"
    assert not second & 0x80, "a server never masks"
    length, offset = second & 0x7F, 2
    if length == 126:
        (length,), offset = struct.unpack("!H", frame[2:4]), 4
        assert length >= 126, "the shortest length form must be used"
    elif length == 127:
        (length,), offset = struct.unpack("!Q", frame[2:10]), 10
        assert length > 0xFFFF
    payload = frame[offset:]
    assert len(payload) == length
    return first & 0x0F, payload


def test_text_frames_of_every_length_form_carry_the_engineio_packet():
    for size in (0, 124, 125, 126, 0xFFFF - 1, 0xFFFF, 0x10000, 300_000):
        pkt = eio_packet.Packet(eio_packet.MESSAGE, data="x" * size)
        opcode, payload = parse_frame(frame_of(pkt))
        assert opcode == 0x1
        assert payload == b"4" + b"x" * size


def test_non_ascii_text_is_utf8_and_length_counts_bytes():
    pkt = eio_packet.Packet(eio_packet.MESSAGE, data='2["room:message:new",{"t":"жé🙂"}]')
    opcode, payload = parse_frame(frame_of(pkt))
    assert opcode == 0x1
    assert payload.decode("utf-8") == '42["room:message:new",{"t":"жé🙂"}]'


def test_binary_attachments_go_in_binary_frames_unchanged():
    blob = bytes(range(256)) * 300
    opcode, payload = parse_frame(frame_of(eio_packet.Packet(eio_packet.MESSAGE, data=blob)))
    assert opcode == 0x2
    assert payload == blob


def test_the_frame_is_built_once_and_shared_by_every_recipient():
    pkt = eio_packet.Packet(eio_packet.MESSAGE, data='2["x"]')
    assert frame_of(pkt) is frame_of(pkt)


def test_close_frame_carries_its_status_code():
    opcode, payload = parse_frame(close_frame(1000))
    assert (opcode, payload) == (0x8, b"\x03\xe8")
