"""Packets are decoded and encoded (chatapp/realtime/engine/packet_json.py, python-socketio's
``json`` hook) exactly as python-engineio's own JSON module does: the same values, the same
refusals (an integer of over 100 digits, a BOM, broken JSON), the same compact output."""
from __future__ import annotations

import json

import pytest
from engineio import json as engineio_json
from engineio import packet as eio_packet
from socketio import packet as sio_packet

from chatapp.realtime.engine import packet_json

SAMPLES = [
    '["react",{"emoji":"\\ud83d\\udc4d","count":5}]',
    '["sendMessage","caf\\u00e9 \\"quoted\\" \\\\ back"]',
    '[1,-2,3.5,1e400,NaN,-Infinity,true,false,null,{}]',
    '"\\ud800 a lone surrogate"',
    "[" + "9" * 100 + "]",
    '  {"nested": [[[]]], "dup": 1, "dup": 2}  ',
]
REFUSED = ["[" + "9" * 101 + "]", "\ufeff[1]", '["unterminated', "[1,]", "", "[1] x"]


@pytest.mark.parametrize("text", SAMPLES)
def test_values_are_decoded_as_python_engineio_decodes_them(text):
    assert repr(packet_json.loads(text)) == repr(engineio_json.loads(text))


@pytest.mark.parametrize("text", REFUSED)
def test_what_python_engineio_refuses_is_refused_alike(text):
    with pytest.raises(ValueError) as ours:
        packet_json.loads(text)
    with pytest.raises(ValueError) as theirs:
        engineio_json.loads(text)
    assert type(ours.value) is type(theirs.value)
    assert str(ours.value) == str(theirs.value)


def test_bytes_and_options_take_python_engineios_own_path():
    assert packet_json.loads(b'{"a": 1}') == {"a": 1}
    assert packet_json.loads("[1.5]", parse_float=str) == ["1.5"]


@pytest.mark.parametrize("value", [
    ["newMessage", {"id": "12", "text": "caf\u00e9 \U0001f44d", "n": 3, "f": 0.1}],
    {"nan": float("nan"), "inf": float("-inf"), "nested": [None, True, [], {}]},
    "\ud800",
])
def test_compact_encoding_is_the_standard_librarys(value):
    assert packet_json.dumps(value, separators=(",", ":")) == \
        json.dumps(value, separators=(",", ":"))
    assert packet_json.dumps(value) == json.dumps(value)
    assert packet_json.dumps(value, separators=(", ", ": "), sort_keys=True) == \
        json.dumps(value, separators=(", ", ": "), sort_keys=True)


def test_the_app_decodes_and_encodes_packets_with_it(app):
    """create_app hands it to python-socketio, which sets it on both libraries' packets."""
    assert sio_packet.Packet.json is packet_json
    assert eio_packet.Packet.json is packet_json
    pkt = sio_packet.Packet(encoded_packet='2["react",{"emoji":"x","count":5}]')
    assert pkt.data == ["react", {"emoji": "x", "count": 5}]
    with pytest.raises(ValueError):
        sio_packet.Packet(encoded_packet='2["react",{"count":' + "9" * 101 + "}]")
