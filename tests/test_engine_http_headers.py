"""Request headers read without the email package (chatapp/realtime/engine/http_headers.py):
what pywsgi and gevent-websocket see must be what the stock parser gives them, line for line,
on well-formed and malformed requests alike."""
from __future__ import annotations

import http.client
import io
import random

import pytest
from gevent import pywsgi

from chatapp.realtime.engine.http_headers import RequestHandler, read_headers

NAMES = ["host", "Host", "upgrade", "connection", "content-length", "content-type",
         "transfer-encoding", "x", "X-Folded", "sec-websocket-key", "from", "cookie", "missing"]


def stock(raw: bytes):
    return pywsgi.headers_factory(io.BytesIO(raw))


def seen(headers) -> dict:
    """Everything pywsgi (read_request, get_environ) and gevent-websocket ask of headers."""
    return {"status": headers.status, "lines": list(headers.headers),
            "get": {name: headers.get(name) for name in NAMES},
            "default": headers.get("missing", "dflt"), "type": headers.typeheader,
            "length": headers.getheader("content-length")}


def assert_same(raw: bytes) -> None:
    ours_fp, stock_fp = io.BytesIO(raw), io.BytesIO(raw)
    try:
        expected = pywsgi.headers_factory(stock_fp)
    except http.client.HTTPException as error:
        with pytest.raises(type(error)):
            read_headers(ours_fp)
        return
    ours = read_headers(ours_fp)
    assert seen(ours) == seen(expected), raw
    assert ours_fp.read() == stock_fp.read(), raw  # the same bytes left for the body
    del ours["content-length"], expected["content-length"]
    assert seen(ours) == seen(expected), raw


BROWSER = (b"Host: chat.example:5000\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
           b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
           b"Cookie: session=abc; theme=dark\r\nUser-Agent: Mozilla/5.0 (X11)\r\n\r\n")

ODD = [
    BROWSER,
    BROWSER + b"body bytes after the blank line",
    b"Content-Type: text/plain\r\nContent-Length: 12\r\n\r\nhello world!",
    b"X: one\r\nx: two\r\nX: three\r\n\r\n",  # a repeated name: the first value
    b"X-Folded: first\r\n  second\r\n\tthird\r\nHost: h\r\n\r\n",
    b"  leading fold\r\nHost: h\r\n\r\n",  # a fold with nothing before it
    b": no name\r\nHost: h\r\n\r\n",
    b"Host: h\r\nNot a header line\r\nX: after\r\n\r\n",  # the body starts there
    b"Host : spaced name\r\nX: y\r\n\r\n",
    b"From someone\r\nHost: h\r\n\r\n",  # an envelope line first
    b"Host: h\r\nFrom someone\r\nX: y\r\n\r\n",
    b"Host: h\r\nFrom someone\r\n\r\n",
    b"From only\r\n\r\n",
    b"Host: h\nX: bare newlines\n\n",
    b"Host: h\rX: a bare carriage return\r\n\r\n",
    b"X: value with \xe9 and \x85 latin-1\r\nHost: h\r\n\r\n",
    b"X:no space\r\nY:   many spaces   \r\nZ:\r\n\r\n",
    b"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
    b"Host: h\r\n",  # the connection ended before the blank line
    b"",
    b"\r\n",
    b"X: " + b"a" * 70000 + b"\r\n\r\n",  # a line too long
    b"".join(b"X%d: v\r\n" % n for n in range(101)) + b"\r\n",  # too many headers
    b"".join(b"X%d: v\r\n" % n for n in range(99)) + b"\r\n",
]


@pytest.mark.parametrize("raw", ODD, ids=range(len(ODD)))
def test_odd_requests_read_as_the_stock_parser_reads_them(raw):
    assert_same(raw)


def test_random_header_blocks_read_as_the_stock_parser_reads_them():
    rng = random.Random(20261127)
    pieces = ["Host", "X", "x", "From ", "Content-Length", ":", ": ", " ", "\t", "v", "\r\n",
              "\n", "\r", "\xe9", "\x85", "\x0b", "chunked", "Transfer-Encoding: ", "é", "_"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        assert_same(text.encode("latin-1") + b"\r\n\r\n")


def test_the_worker_handler_uses_the_reader():
    assert RequestHandler.MessageClass(None, io.BytesIO(BROWSER), 0).get("upgrade") == "websocket"


def test_gunicorn_puts_the_handler_on_a_gevent_websocket_worker(app):
    """The Procfile's worker (geventwebsocket's) gets it from gunicorn.conf.py's hook."""
    import importlib.util
    from pathlib import Path

    from geventwebsocket.gunicorn.workers import GeventWebSocketWorker

    path = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"
    spec = importlib.util.spec_from_file_location("chat_gunicorn_conf", path)
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)

    class Worker:
        wsgi_handler = GeventWebSocketWorker.wsgi_handler
        wsgi, sockets = app, []

    worker = Worker()
    conf.post_worker_init(worker)
    assert worker.wsgi_handler is RequestHandler
