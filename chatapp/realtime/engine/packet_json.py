"""The JSON module packets are decoded and encoded with (python-socketio's ``json`` hook,
which python-engineio shares): python-engineio's rules, with the decoder and the compact
encoder built once instead of on every call.

python-engineio's ``json.loads`` passes ``parse_int`` (refusing integers of more than 100
digits, which ``int()`` would take quadratic time to parse), and the standard library builds a
new ``JSONDecoder`` whenever ``loads`` is given an option: for a small packet such as a
``react`` press that was half of decoding it (4.5 vs 2.3 us). Encoding passes
``separators=(',', ':')``, which builds a new ``JSONEncoder`` per call the same way.
"""
from __future__ import annotations

import json
from typing import Any

from engineio import json as engineio_json

MAX_INTEGER_DIGITS = 100  # as python-engineio's _safe_int


def _bounded_int(digits: str) -> int:
    if len(digits) > MAX_INTEGER_DIGITS:
        raise ValueError("Integer is too large")
    return int(digits)


_DECODER = json.JSONDecoder(parse_int=_bounded_int)
_COMPACT = (",", ":")
_COMPACT_ENCODER = json.JSONEncoder(separators=_COMPACT)


def loads(s: Any, **kwargs: Any) -> Any:
    """``engineio.json.loads``: the shared decoder for a str without options (every packet)."""
    if kwargs or not isinstance(s, str):
        return engineio_json.loads(s, **kwargs)
    if s.startswith("\ufeff"):  # as json.loads
        raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", s, 0)
    return _DECODER.decode(s)


def dumps(obj: Any, **kwargs: Any) -> str:
    """``json.dumps``: the shared encoder for the compact form packets are encoded in."""
    if kwargs.keys() == {"separators"} and tuple(kwargs["separators"]) == _COMPACT:
        return _COMPACT_ENCODER.encode(obj)
    return json.dumps(obj, **kwargs)
