"""Handlers for the message features (docs/protocol.md, "Message features"): edits,
reactions, read markers and the sidebar's live unread badges. Thin adapters over :mod:`chatapp.actions`."""
from __future__ import annotations

from flask import request

from chatapp.actions.event_lifecycle import check_event
from chatapp.actions.message_edits import do_edit_message
from chatapp.actions.reactions import do_toggle_reaction
from chatapp.actions.reads import do_mark_room_read
from chatapp.actions.rooms import check_community_room
from chatapp.actions.sidebar_watch import do_watch_sidebar
from chatapp.errors import Invalid
from chatapp.realtime.community import joined_room, logged_in
from chatapp.realtime.dispatch import ok
from chatapp.security.client_address import client_ip
from chatapp.validation import require_int, require_object

MESSAGE_FEATURE_EVENTS = {
    "room:message:edit": "on_room_message_edit",
    "room:message:react": "on_room_message_react",
    "room:read": "on_room_read",
    "sidebar:watch": "on_sidebar_watch",
}


class MessageFeatureHandlers:
    def on_room_message_edit(self, data=None, *_):
        state, actor = logged_in()
        data = require_object(data)
        room = joined_room(state, require_int(data, "roomId"))
        message = do_edit_message(actor, room, require_int(data, "messageId"),
                                  data.get("message"), client_ip=client_ip())
        return ok(message=message)

    def on_room_message_react(self, data=None, *_):
        state, actor = logged_in()
        data = require_object(data)
        room = joined_room(state, require_int(data, "roomId"))
        return ok(**do_toggle_reaction(actor, room, require_int(data, "messageId"),
                                       data.get("emoji")))

    def on_room_read(self, data=None, *_):
        """``{roomId}`` (a community room) or ``{eventId}`` (an event's chat), and optionally
        ``messageId`` (read up to it; default: everything so far)."""
        _, actor = logged_in()
        data = require_object(data)
        if data.get("eventId") is not None:
            if not isinstance(data["eventId"], str):
                raise Invalid("eventId must be a string", fields={"eventId": "must be a string"})
            room = check_event(data["eventId"]).room
        else:
            room = check_community_room(require_int(data, "roomId"), actor)
        up_to = require_int(data, "messageId") if data.get("messageId") is not None else None
        last_read = do_mark_room_read(actor, room, up_to)
        return ok(roomId=room.id, lastReadId=last_read)


    def on_sidebar_watch(self, data=None, *_):
        """``{roomIds?, eventIds?}``: ``room:activity`` for each new message there from now
        on; the ack carries each one's badges as they stand (``rooms``)."""
        _, actor = logged_in()
        return ok(rooms=do_watch_sidebar(request.sid, actor, require_object(data)))
