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

from chatapp.observability import metrics
from chatapp.realtime import recovery_log
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


class DeliveryCounting(socketio.Manager):
    def emit(self, event, data, namespace, room=None, skip_sid=None, callback=None, to=None,
             **kwargs):
        held = recovery_log.skipped_sids(data)
        if held:  # sockets resuming a session get these events from the replay instead
            skip_sid = [*(skip_sid if isinstance(skip_sid, list) else [skip_sid]), *held]
        if event in MESSAGE_EVENTS:
            sockets = local_recipients(self, namespace, to or room, skip_sid)
            if sockets:
                metrics.messages_delivered(event, sockets)
        return super().emit(event, data, namespace, room=room, skip_sid=skip_sid,
                            callback=callback, to=to, **kwargs)


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
