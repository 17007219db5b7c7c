"""The ORM models. Columns and relationships only: no HTTP, no emits."""
from chatapp.models.attachment import Attachment
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
from chatapp.models.message_extras import MessageMention, MessageReaction, RoomRead
from chatapp.models.moderation import ModerationRecord, RoomBan, RoomMember, RoomMute
from chatapp.models.presence import Connection, RoomPresence, ServerProcess
from chatapp.models.recovery import RecoveryEvent, RecoverySession
from chatapp.models.room import Room
from chatapp.models.user import User

__all__ = ["Attachment", "Connection", "ConversationRead", "Event", "EventHeldMessage", "EventPoll",
           "EventPollBallot", "EventQuestion", "EventQuestionVote", "EventViewer",
           "EventViewerSample", "Message", "MessageMention", "MessageReaction",
           "ModerationRecord", "RecoveryEvent", "RecoverySession", "Room", "RoomBan",
           "RoomMember", "RoomMute", "RoomPresence", "RoomRead", "ServerProcess", "User"]
