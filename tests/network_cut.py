"""A network outage for one browser only, for the reconnect tests."""
from __future__ import annotations


class CuttableLink:
    """A TCP relay from a port of its own to ``target_port``: the browser reaches the server
    through it, and ``cut()`` drops every connection and refuses new ones until ``restore()``
    (a network outage for that browser only; the server and other clients are unaffected)."""

    def __init__(self, target_port: int, *fallback_ports: int) -> None:
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
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source, sink) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
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
