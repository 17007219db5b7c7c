"""A request's HTTP headers read without the ``email`` package.

pywsgi parses every request's headers with ``http.client.parse_headers``: the ``email``
package's feed parser and a ``Message`` object (a policy, a dozen attributes, a defects list).
Under py-spy that was 6% of a WebSocket connect's server time (a browser that starts on
long-polling sends four requests per connect), and the ``Message`` stays on the connection's
handler for the life of the WebSocket.

:func:`read_headers` reads the same lines from the connection (``http.client``'s limits: 65,536
bytes a line, 100 lines) and gives what the ``email`` parser gives for them (its ``compat32``
rules: which lines are headers, where they stop, folded lines, the first value of a repeated
name), as a :class:`RequestHeaders` with the part of ``Message``'s interface that pywsgi and
gevent-websocket use. tests/test_engine_http_headers.py compares the two on odd inputs.

:class:`RequestHandler` is gevent-websocket's handler with this parser; gunicorn.conf.py puts it
on the worker (``wsgi_handler``) before the worker starts serving.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from http.client import HTTPException

from geventwebsocket.handler import WebSocketHandler

from chatapp.cluster.lifecycle import shutting_down

MAX_LINE_BYTES = 65536  # http.client._MAXLINE
MAX_HEADERS = 100  # http.client._MAXHEADERS

# email.feedparser: lines end at \r\n, \r or \n; a header line starts with a name of printable
# ASCII other than ":" and a colon, a fold (space or tab), or "From " (an mbox envelope).
_LINE_ENDS = re.compile(r"(\r\n|\r|\n)")
_HEADER_LINE = re.compile(r"^(From |[\041-\071\073-\176]*:|[\t ])")


class RequestHeaders:
    """The parsed headers: ``(name, value)`` pairs in order, names as sent."""

    __slots__ = ("fields", "status")

    def __init__(self, fields: list[tuple[str, str]], status: str = "") -> None:
        self.fields = fields
        self.status = status  # pywsgi refuses the request when this is not empty

    def get(self, name: str, default: str | None = None) -> str | None:
        name = name.lower()
        for key, value in self.fields:
            if key.lower() == name:
                return value
        return default

    getheader = get

    def __contains__(self, name: str) -> bool:
        return self.get(name) is not None

    def __delitem__(self, name: str) -> None:
        name = name.lower()
        self.fields = [(key, value) for key, value in self.fields if key.lower() != name]

    @property
    def headers(self) -> Iterator[str]:
        """The lines pywsgi turns into the environ's ``HTTP_*`` keys."""
        for key, value in self.fields:
            yield f"{key}: {value}\r\n"

    @property
    def typeheader(self) -> str | None:
        return self.get("content-type")


def read_headers(fp) -> RequestHeaders:
    """Read the header block from ``fp`` (up to and including its blank line) and parse it."""
    lines = []
    while True:
        line = fp.readline(MAX_LINE_BYTES + 1)
        if len(line) > MAX_LINE_BYTES:
            return RequestHeaders([], status="Line too long")  # pywsgi answers 400
        lines.append(line)
        if len(lines) > MAX_HEADERS:
            raise HTTPException(f"got more than {MAX_HEADERS} headers")
        if line in (b"\r\n", b"\n", b""):
            break
    return RequestHeaders(parse_header_block(b"".join(lines).decode("iso-8859-1")))


def parse_header_block(text: str) -> list[tuple[str, str]]:
    """``email.feedparser``'s header rules (compat32) over ``text``."""
    pieces = _LINE_ENDS.split(text)
    lines = [pieces[i] + pieces[i + 1] for i in range(0, len(pieces) - 1, 2)]
    if pieces[-1]:
        lines.append(pieces[-1])
    header_lines = []
    for line in lines:
        if not _HEADER_LINE.match(line):
            break  # the blank line, or the first line that is not a header: the body
        header_lines.append(line)
    fields: list[tuple[str, str]] = []
    name, folded = "", []
    for line in header_lines:
        if line[0] in " \t":
            if name:
                folded.append(line)
            continue  # a fold with nothing to continue is dropped
        if name:
            fields.append(_field(name, folded))
            name, folded = "", []
        if line.startswith("From "):
            continue  # an mbox envelope line (or, last, the body's first): not a header
        colon = line.find(":")
        if colon == 0:
            continue  # no name
        name, folded = line[:colon], [line]
    if name:
        fields.append(_field(name, folded))
    return fields


def _field(name: str, source: list[str]) -> tuple[str, str]:
    value = source[0].split(":", 1)[1].lstrip(" \t") + "".join(source[1:])
    return name, value.rstrip("\r\n")


class RequestHandler(WebSocketHandler):
    """gevent-websocket's handler, reading request headers with :func:`read_headers`, and
    not upgrading a new session's WebSocket while the process shuts down."""

    def MessageClass(self, fp, *_):  # noqa: N802 - pywsgi's name
        return read_headers(fp)

    def upgrade_websocket(self):
        """A process shutting down answers a new session's handshake 503 (see
        ``RecoveringServer.handle_request``), but gevent-websocket sends its 101 before the
        application runs: the refusal then came as a WebSocket closed before Engine.IO's
        OPEN, and socket.io-client does not count that as a failed attempt. It waited for
        its 20 s connect timeout (a restart left some clients out that long). Not upgrading
        lets the application's 503 go out as HTTP, which the client retries at once."""
        if shutting_down() and "sid=" not in self.environ.get("QUERY_STRING", ""):
            return None
        return super().upgrade_websocket()
