"""A network outage for one browser only, for the reconnect tests; and a slow link to Redis
for one server process, for the recovery chaos test."""
from __future__ import annotations

import queue
import time


class CuttableLink:
    """A TCP relay from a port of its own to ``target_port``: the browser reaches the server
    through it, and ``cut()`` drops every connection and refuses new ones until ``restore()``
    (a network outage for that browser only; the server and other clients are unaffected).

    ``slow_subscriptions``: seconds by which what the target sends is held back on connections
    that sent a Redis SUBSCRIBE (a node far from Redis, whose publishes are not slowed: events
    of other nodes reach it late, as they do across machines)."""

    def __init__(self, target_port: int, *fallback_ports: int,
                 slow_subscriptions: float = 0.0) -> None:
        import socket
        import threading

        self.target_port = target_port
        # Tried in order when the target refuses: a load balancer failing over to a live node.
        self.ports = (target_port, *fallback_ports)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.lock = threading.Lock()
        self.open: set = set()
        self.down = False
        self.closed = False
        self.slow_subscriptions = slow_subscriptions

    def start(self) -> "CuttableLink":
        import threading

        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def _accept(self) -> None:
        import socket
        import threading

        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                refuse = self.down
            if refuse:
                client.close()
                continue
            upstream = None
            for port in self.ports:
                try:
                    upstream = socket.create_connection(("127.0.0.1", port), timeout=5)
                    upstream.settimeout(None)
                    break
                except OSError:
                    continue
            if upstream is None:
                client.close()
                continue
            with self.lock:
                self.open.update((client, upstream))
            subscriber = threading.Event()  # set once the client sent SUBSCRIBE
            threading.Thread(target=self._pump, args=(client, upstream, subscriber),
                             daemon=True).start()
            threading.Thread(target=self._pump_back, args=(upstream, client, subscriber),
                             daemon=True).start()

    def _pump(self, source, sink, subscriber=None) -> None:
        try:
            while chunk := source.recv(65536):
                if subscriber is not None and b"SUBSCRIBE" in chunk.upper():
                    subscriber.set()
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            self._drop(source, sink)

    def _pump_back(self, source, sink, subscriber) -> None:
        """Target to client; on a subscriber's connection each chunk is sent
        ``slow_subscriptions`` after it arrived (in order, without the delays adding up)."""
        if not self.slow_subscriptions:
            return self._pump(source, sink)
        import threading

        held: queue.Queue = queue.Queue()

        def send_when_due() -> None:
            while (item := held.get()) is not None:
                due, chunk = item
                time.sleep(max(0.0, due - time.monotonic()))
                try:
                    sink.sendall(chunk)
                except OSError:
                    return

        sender = threading.Thread(target=send_when_due, daemon=True)
        sender.start()
        try:
            while chunk := source.recv(65536):
                delay = self.slow_subscriptions if subscriber.is_set() else 0.0
                held.put((time.monotonic() + delay, chunk))
        except OSError:
            pass
        finally:
            held.put(None)
            sender.join(self.slow_subscriptions + 1)
            self._drop(source, sink)

    def _drop(self, *sockets) -> None:
        import socket

        for sock in sockets:
            with self.lock:
                self.open.discard(sock)
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def cut(self) -> None:
        with self.lock:
            self.down = True
            victims = list(self.open)
        self._drop(*victims)

    def restore(self) -> None:
        with self.lock:
            self.down = False

    def close(self) -> None:
        self.closed = True
        self.cut()
        self.listener.close()
