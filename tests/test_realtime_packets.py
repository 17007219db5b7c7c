"""The quicker binary check gives the stock answer, and binary events still go out as such."""
from __future__ import annotations

import pytest
from socketio import packet

from chatapp.realtime.packets import Packet, holds_binary

CASES = [
    None, "text", 3, 2.5, True, [], {}, ["a", "b", None, 1],
    {"messages": [{"id": 1, "content": "hi", "reactions": {"👍": ["ana"]}}], "participants": ["a"] * 500},
    b"raw", bytearray(b"x"), ["a", b"bytes"], {"file": {"name": "a.png", "data": b"\x89PNG"}},
    [{"deep": [[[1, 2, {"x": bytearray(3)}]]]}], ("tuple", b"b"), ["no", ["nested", ["bytes"]]],
]


@pytest.mark.parametrize("data", CASES, ids=range(len(CASES)))
def test_same_answer_as_the_stock_check(data):
    assert holds_binary(data) == packet.Packet.data_is_binary(data)


def test_a_payload_with_bytes_is_encoded_as_a_binary_event_with_its_attachment():
    encoded = Packet(packet.EVENT, data=["upload", {"name": "a", "data": b"\x00\x01"}]).encode()
    assert isinstance(encoded, list) and encoded[1] == b"\x00\x01"
    assert encoded[0].startswith(str(packet.BINARY_EVENT) + "1-")


def test_a_plain_payload_is_one_text_packet_as_before():
    data = ["eventHistory", {"participants": ["ana", "bo"], "messages": []}]
    assert Packet(packet.EVENT, data=data).encode() == packet.Packet(packet.EVENT, data=data).encode()
