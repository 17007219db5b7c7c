"""python-socketio's client manager, extended to count message deliveries.

The manager's ``Manager.emit`` is where an event is sent to each socket of this process that
should get it, whether it was emitted here or arrived through the message queue: a
``PubSubManager`` publishes in its own ``emit`` and hands what it receives to the next
class's ``emit``. :class:`DeliveryCounting` sits just above ``Manager`` in that chain, so it
sees every local fan-out once, and counts the sockets reached with one ``len()`` per emit:
no work per delivery.
"""
from __future__ import annotations

import socketio
from engineio import packet as eio_packet
from socketio import packet

from chatapp.observability import metrics
from chatapp.realtime import recovery_log
from chatapp.realtime.engine import fanout
from chatapp.realtime.queue_loopback import LoopbackOwnEvents

# The events that carry a chat message to its readers (chat_messages_delivered_total).
MESSAGE_EVENTS = frozenset({"room:message:new", "newMessage", "message:private"})


def local_recipients(manager: socketio.Manager, namespace: str, room, skip_sid) -> int:
    """How many sockets of this process an emit to ``room`` reaches (``room`` None: all)."""
    rooms = manager.rooms.get(namespace)
    if not rooms:
        return 0
    if isinstance(room, (list, tuple)):
        members: set = set()
        for name in room:
            members.update(rooms.get(name, ()))
        count = len(members)
        skipped = members
    else:
        skipped = rooms.get(room) or ()
        count = len(skipped)
    if skip_sid is not None and count:
        for sid in (skip_sid if isinstance(skip_sid, list) else (skip_sid,)):
            if sid in skipped:
                count -= 1
    return count


class IndexedRooms(socketio.Manager):
    """python-socketio's manager, with each socket's rooms indexed by socket.

    The stock manager finds a socket's rooms by scanning every room of the namespace (a copy
    of the whole dict, on each disconnect and each ``get_rooms``); with every socket in two or
    three rooms of its own, N disconnects cost O(N^2): 3,000 sockets handed off at a shutdown
    took 22 s. Rooms are still entered and left through the stock ``basic_*`` methods; the
    index only follows them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rooms_of_sid: dict[tuple[str, str], set] = {}  # (namespace, sid) -> rooms

    def basic_enter_room(self, sid, namespace, room, eio_sid=None):
        super().basic_enter_room(sid, namespace, room, eio_sid=eio_sid)
        self.rooms_of_sid.setdefault((namespace, sid), set()).add(room)

    def basic_leave_room(self, sid, namespace, room):
        super().basic_leave_room(sid, namespace, room)
        rooms = self.rooms_of_sid.get((namespace, sid))
        if rooms is not None:
            rooms.discard(room)
            if not rooms:
                del self.rooms_of_sid[(namespace, sid)]

    def basic_disconnect(self, sid, namespace, **kwargs):
        """As the stock one (which this replaces, not extends: it would scan every room
        again): leave every room, then forget the socket's callbacks and pending states."""
        for room in list(self.rooms_of_sid.get((namespace, sid), ())):
            self.basic_leave_room(sid, namespace, room)
        self.callbacks.pop(sid, None)
        for pending in (self.pending_connect, self.pending_disconnect):
            if sid in pending.get(namespace, ()):
                pending[namespace].remove(sid)
                if not pending[namespace]:
                    del pending[namespace]

    def get_rooms(self, sid, namespace):
        return [room for room in self.rooms_of_sid.get((namespace, sid), ()) if room is not None]


class DeliveryCounting(IndexedRooms):
    """Counts message deliveries, keeps resuming sockets out of live events (their replay
    brings them), and fans out through :func:`chatapp.realtime.engine.fanout.deliver`
    instead of ``Manager.emit``'s per-recipient calls (which stay for acknowledged emits and
    binary payloads)."""

    def emit(self, event, data, namespace, room=None, skip_sid=None, callback=None, to=None,
             **kwargs):
        held = recovery_log.skipped_sids(data)
        if held:  # sockets resuming a session get these events from the replay instead
            skip_sid = [*(skip_sid if isinstance(skip_sid, list) else [skip_sid]), *held]
        if event in MESSAGE_EVENTS:
            sockets = local_recipients(self, namespace, to or room, skip_sid)
            if sockets:
                metrics.messages_delivered(event, sockets)
        room = to or room
        if isinstance(room, str) and not self.rooms.get(namespace, {}).get(room):
            return  # nobody here is in it (an event's old-style arrivals, often): no encoding
        if callback or namespace not in self.rooms:
            return super().emit(event, data, namespace, room=room, skip_sid=skip_sid,
                                callback=callback, **kwargs)
        # Manager.emit's own steps, then the engine's direct fan-out (engine.fanout).
        args = list(data) if isinstance(data, tuple) else [] if data is None else [data]
        encoded = self.server.packet_class(packet.EVENT, namespace=namespace,
                                           data=[event, *args]).encode()
        if isinstance(encoded, list):  # binary attachments: several packets, the stock way
            return super().emit(event, data, namespace, room=room, skip_sid=skip_sid, **kwargs)
        skip = set(skip_sid) if isinstance(skip_sid, list) else {skip_sid}
        fanout.deliver(self.server, self.get_participants(namespace, room), skip,
                       eio_packet.Packet(eio_packet.MESSAGE, encoded))


def make_client_manager(queue_url: str | None, channel: str) -> socketio.Manager:
    """The manager Flask-SocketIO would make for ``queue_url`` (none, or a Redis, Kafka, ZMQ
    or Kombu URL), with :class:`DeliveryCounting` in its chain."""
    if not queue_url:
        return DeliveryCounting()
    if queue_url.startswith(("redis://", "rediss://")):
        queue_class = socketio.RedisManager
    elif queue_url.startswith("kafka://"):
        queue_class = socketio.KafkaManager
    elif queue_url.startswith("zmq"):
        queue_class = socketio.ZmqManager
    else:
        queue_class = socketio.KombuManager
    # MRO: Counting<Queue> -> LoopbackOwnEvents -> <Queue> -> PubSubManager -> DeliveryCounting
    # -> Manager.
    counting = type(f"DeliveryCounting{queue_class.__name__}",
                    (LoopbackOwnEvents, queue_class, DeliveryCounting), {})
    return counting(queue_url, channel=channel, write_only=False)
