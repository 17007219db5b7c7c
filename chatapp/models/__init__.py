"""The ORM models. Columns and relationships only: no HTTP, no emits."""
from chatapp.models.conversation import ConversationRead
from chatapp.models.event import Event
from chatapp.models.event_stage import (
           EventHeldMessage,
    EventPoll,
           EventPollBallot,
           EventQuestion,
           EventQuestionVote,
    EventViewer,
    EventViewerSample,
)
from chatapp.models.message import Message
from chatapp.models.moderation import ModerationRecord, RoomBan, RoomMember, RoomMute
from chatapp.models.presence import Connection, RoomPresence, ServerProcess
from chatapp.models.room import Room
from chatapp.models.user import User

__all__ = ["Connection", "ConversationRead", "Event", "EventHeldMessage", "EventPoll", "EventPollBallot", "EventQuestion", "EventQuestionVote",
           "EventViewer", "EventViewerSample",
           "Message", "ModerationRecord", "Room", "RoomBan", "RoomMember",
           "RoomMute", "RoomPresence", "ServerProcess", "User"]
