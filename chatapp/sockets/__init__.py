"""Socket.IO adapters: parse, authorise, call one action, shape the acknowledgement."""
from chatapp.extensions import socketio
from chatapp.sockets.chat import ChatNamespace


def register_sockets() -> None:
    socketio.on_namespace(ChatNamespace("/"))
