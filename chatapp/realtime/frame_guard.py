"""The Socket.IO frames no handler should ever see: refused at the door, one log line each.

python-socketio trusts what a client frames. Left alone, a frame that does not decode (bad
JSON, JSON nested 100,000 deep) or names its event with something other than a string raises
inside the library, which logs a full traceback per frame; a packet announcing binary
attachments makes the server hold every following binary frame for it (99,999 of them, tens of
megabytes) and a malformed one leaves the socket waiting forever.

This module wraps the server's Engine.IO ``message`` handler and its event dispatch:

- a frame that does not decode is refused: the socket gets ``error`` ``{event: null, code:
  "invalid"}`` and stays usable (as it was before the bad frame);
- an event packet whose name is not a string, or that has no name, is refused the same way,
  with an ``{ok: false}`` acknowledgement when it asked for one;
- binary packets are refused: neither protocol carries binary data. Their attachments are
  counted and dropped as they arrive, never held; a packet announcing more than
  :data:`MAX_ATTACHMENTS` (socket.io-parser's own default cap) closes the connection, and so
  does a binary frame nobody announced;
- each refusal is counted (``chat_refusals_total``) and logged as one line without payload, at
  most :data:`LOG_LINES_PER_MINUTE` lines a minute per process (the rest are summed into the
  next line), so a flood of bad frames cannot flood the log.
"""
from __future__ import annotations

import logging
import threading
import time

import socketio
from socketio import packet

from chatapp.observability import metrics

log = logging.getLogger(__name__)

NAMESPACE = "/"
MAX_ATTACHMENTS = 10
LOG_LINES_PER_MINUTE = 30
BINARY_TYPES = {str(packet.BINARY_EVENT), str(packet.BINARY_ACK)}


class RefusalLog:
    """At most ``per_minute`` lines a minute; what is held back is counted into the next one."""

    def __init__(self, per_minute: int = LOG_LINES_PER_MINUTE) -> None:
        self.per_minute = per_minute
        self.window_start = 0.0
        self.lines = 0
        self.suppressed = 0
        self.lock = threading.Lock()

    def line(self, reason: str) -> None:
        with self.lock:
            now = time.monotonic()
            if now - self.window_start >= 60:
                self.window_start, self.lines = now, 0
            if self.lines >= self.per_minute:
                self.suppressed += 1
                return
            self.lines += 1
            suppressed, self.suppressed = self.suppressed, 0
        log.warning("refused socket frame: %s%s", reason,
                    f" ({suppressed} more refused frames not logged)" if suppressed else "",
                    extra={"transport": "socket", "code": "invalid"})


refusal_log = RefusalLog()


def install(server: socketio.Server) -> None:
    """Put the guard in front of ``server``'s frame handling (call once, after init_app)."""
    FrameGuard(server).install()


class FrameGuard:
    def __init__(self, server: socketio.Server) -> None:
        self.server = server
        self.inner_message = server.eio.handlers["message"]
        self.inner_handle_event = server._handle_event
        self.inner_disconnect = server.eio.handlers.get("disconnect")
        self.skipping: dict[str, int] = {}  # eio sid -> binary attachments still to drop

    def install(self) -> None:
        self.server.eio.on("message", self.on_message)
        if self.inner_disconnect is not None:
            self.server.eio.on("disconnect", self.on_disconnect)
        # _handle_eio_message looks this up on the instance, so the override applies to it.
        self.server._handle_event = self.handle_event

    # --- Engine.IO frames ----------------------------------------------------------------

    def on_message(self, eio_sid: str, data) -> None:
        if not isinstance(data, str):
            return self.binary_frame(eio_sid)
        if data[:1] in BINARY_TYPES:
            return self.binary_packet(eio_sid, data)
        try:
            self.inner_message(eio_sid, data)
        except (ValueError, TypeError, RecursionError, IndexError, AttributeError) as error:
            # The library's decoder raised: the frame is not a packet we can read.
            self.refuse(eio_sid, None, f"undecodable packet ({type(error).__name__})")

    def on_disconnect(self, eio_sid: str, *args):
        self.skipping.pop(eio_sid, None)
        return self.inner_disconnect(eio_sid, *args)

    def binary_packet(self, eio_sid: str, data: str) -> None:
        header = data[1:].split("-", 1)[0]
        count = int(header) if header.isdigit() and len(header) < 6 else -1
        if not 0 <= count <= MAX_ATTACHMENTS:
            return self.close(eio_sid, f"binary packet announcing {header[:8]!r} attachments")
        if self.skipping.get(eio_sid):
            return self.close(eio_sid, "binary packet before the last one's attachments")
        if count:
            self.skipping[eio_sid] = count
        self.refuse(eio_sid, None, "binary packet (binary data is not accepted)")

    def binary_frame(self, eio_sid: str) -> None:
        left = self.skipping.get(eio_sid, 0)
        if left <= 0:
            return self.close(eio_sid, "binary frame without a binary packet")
        if left == 1:
            del self.skipping[eio_sid]
        else:
            self.skipping[eio_sid] = left - 1  # dropped, never held

    # --- Socket.IO events ----------------------------------------------------------------

    def handle_event(self, eio_sid: str, namespace, id, data) -> None:
        if not isinstance(data, list) or not data or not isinstance(data[0], str):
            return self.refuse(eio_sid, id, "event packet without a string event name",
                               namespace=namespace)
        return self.inner_handle_event(eio_sid, namespace, id, data)

    # --- answers -------------------------------------------------------------------------

    def refuse(self, eio_sid: str, ack_id, reason: str, *, namespace: str | None = None) -> None:
        """``error`` (and an ``{ok: false}`` ack if asked) to the socket; it stays connected."""
        metrics.refused("invalid", "socket")
        refusal_log.line(reason)
        body = {"code": "invalid", "message": "the server could not read this packet"}
        namespace = namespace or NAMESPACE
        sid = self.server.manager.sid_from_eio_sid(eio_sid, namespace)
        if sid is None:
            return  # not connected to the namespace: nobody to answer
        if ack_id is not None:
            self.server._send_packet(eio_sid, self.server.packet_class(
                packet.ACK, namespace=namespace, id=ack_id, data=[{"ok": False, "error": body}]))
        self.server._send_packet(eio_sid, self.server.packet_class(
            packet.EVENT, namespace=namespace, data=["error", {"event": None, **body}]))

    def close(self, eio_sid: str, reason: str) -> None:
        """A frame that breaks the protocol's framing: the connection is closed (as Node's
        socket.io does on a parse error); a reconnecting client starts clean."""
        metrics.refused("invalid", "socket")
        refusal_log.line(f"{reason}; connection closed")
        self.skipping.pop(eio_sid, None)
        self.server.eio.disconnect(eio_sid)
