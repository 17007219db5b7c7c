"""The authorization matrix's table (tests/test_authz_matrix.py runs it): per client event and
REST write, what is sent and, per role, ``allow`` or the refusal code. A row reads as the
roles' columns in :data:`tests.authz_matrix_support.ROLES` order."""
from __future__ import annotations

from dataclasses import dataclass, field

from tests.authz_matrix_support import ALLOW, ROLES, W

CELLS = {"OK": ALLOW, "NLI": "not_logged_in", "NF": "not_found", "FB": "forbidden",
         "BAN": "banned", "MUT": "muted", "NM": "not_member", "CF": "conflict"}


@dataclass(frozen=True)
class Row:
    outcomes: dict[str, str]  # role -> "allow" or the refusal code
    args: tuple = ()  # socket: the emitted arguments; REST: (the JSON body,) or ()
    prep: tuple = ()  # socket: (event, payload) the caller sends first (not when anonymous)
    path: dict = field(default_factory=dict)  # REST: the URL's variables


def outcomes(cells: str) -> dict[str, str]:
    tokens = cells.split()
    assert len(tokens) == len(ROLES), cells
    return {role: CELLS[token] for role, token in zip(ROLES, tokens)}


def sock(cells: str, *args, prep=()) -> Row:
    return Row(outcomes(cells), args, prep)


def rest(cells: str, body=None, **path) -> Row:
    return Row(outcomes(cells), () if body is None else (body,), path=path)


JOIN_DEN = (("room:join", {"roomId": W.den}),)
JOIN_PLAZA = (("room:join", {"roomId": W.plaza}),)
JOIN_EVENT = (("joinEvent", {"username": "someone", "eventId": "launch"}),)

# Columns in ROLES order. NM where the caller's own room:join / joinEvent (its ``prep``) was
# refused, so its socket is not in the room it then tries to post or type in.
#              anon guest member nonmember muted banned moderator owner admin
EVERYONE    = "OK   OK    OK     OK        OK    OK     OK        OK    OK"  # noqa: E221
LOGGED_IN   = "NLI  OK    OK     OK        OK    OK     OK        OK    OK"  # noqa: E221
ACCOUNTS    = "NLI  FB    OK     OK        OK    OK     OK        OK    OK"  # noqa: E221
SEE_DEN     = "NLI  NF    OK     NF        OK    NF     OK        OK    OK"  # noqa: E221
POST_DEN    = "NLI  NM    OK     NM        MUT   NM     OK        OK    OK"  # noqa: E221
POST_PLAZA  = "NLI  OK    OK     OK        MUT   NM     OK        OK    OK"  # noqa: E221
MOD_DEN     = "NLI  NF    FB     NF        FB    NF     OK        OK    OK"  # noqa: E221
OWN_DEN     = "NLI  NF    FB     NF        FB    NF     FB        OK    OK"  # noqa: E221
MOD_OPEN    = "NLI  FB    FB     FB        FB    BAN    OK        OK    OK"  # noqa: E221
OWN_OPEN    = "NLI  FB    FB     FB        FB    BAN    FB        OK    OK"  # noqa: E221
HOST        = "NLI  FB    FB     FB        FB    FB     FB        OK    OK"  # noqa: E221
# In an event, a socket that never joined it (anonymous included) is refused as not_member.
IN_EVENT    = "NM   OK    OK     OK        OK    NM     OK        OK    OK"  # noqa: E221
POST_EVENT  = "NM   OK    OK     OK        MUT   NM     OK        OK    OK"  # noqa: E221
JOIN_EVENTS = "OK   OK    OK     OK        OK    BAN    OK        OK    OK"  # noqa: E221
# The event's stage: the audience asks and votes (not while muted or banned), reads (not
# banned); staff (host, moderators, admins) mark, open and close polls, pin, decide held
# messages; only the host (or an admin) switches moderated chat. Reactions need a joined socket.
AUDIENCE    = "NLI  OK    OK     OK        MUT   BAN    OK        OK    OK"  # noqa: E221
READ_STAGE  = "NLI  OK    OK     OK        OK    BAN    OK        OK    OK"  # noqa: E221
STAFF       = "NLI  FB    FB     FB        FB    FB     OK        OK    OK"  # noqa: E221
NOT_VOTED   = "NLI  CF    CF     CF        MUT   BAN    CF        CF    CF"  # noqa: E221
# Editing the victim's den message: nobody but its author (not a caller here), moderators,
# owners and admins included; the muted are refused as muted first.
EDIT_DEN    = "NLI  NM    FB     NM        MUT   NM     FB        FB    FB"  # noqa: E221
EDIT_DEN_R  = "NLI  NF    FB     NF        MUT   NF     FB        FB    FB"  # noqa: E221
REACT_DEN_R = "NLI  NF    OK     NF        MUT   NF     OK        OK    OK"  # noqa: E221
READ_EVENT  = "NLI  OK    OK     OK        OK    BAN    OK        OK    OK"  # noqa: E221

DEN, PLAZA, EVENT = {"roomId": W.den}, {"roomId": W.plaza}, {"eventId": W.event}

MATRIX: dict[str, Row] = {
    # --- community protocol (PROTOCOL.md A) ---------------------------------------------------
    "user:login": sock(EVERYONE, {"userId": 1, "username": "newcomer", "avatar": None}),
    "message:private": sock(LOGGED_IN, {"to": W.victim, "message": "psst"}),
    "room:join": sock(SEE_DEN, DEN),
    "room:leave": sock(SEE_DEN, DEN, prep=JOIN_DEN),
    "room:message": sock(POST_PLAZA, {**PLAZA, "message": "hello"}, prep=JOIN_PLAZA),
    "room:create": sock(LOGGED_IN, {"name": "Fresh", "description": "", "category": "x"}),
    "user:typing": sock(POST_DEN, {**DEN, "isTyping": True}, prep=JOIN_DEN),
    "user:typing:private": sock(LOGGED_IN, {"to": W.victim, "isTyping": True}),
    "user:status": sock(LOGGED_IN, {"status": "away"}),
    "conversation:read": sock(LOGGED_IN, {"userId": W.victim}),
    # --- live-event protocol (PROTOCOL.md B); an anonymous joinEvent becomes a guest ------------
    "joinEvent": sock(JOIN_EVENTS, {"username": "someone", "eventId": "launch"}),
    "sendMessage": sock(POST_EVENT, "hello", prep=JOIN_EVENT),
    "leaveEvent": sock(IN_EVENT, prep=JOIN_EVENT),
    "typing": sock(POST_EVENT, True, prep=JOIN_EVENT),
    "getActiveEvents": sock(EVERYONE),
    # --- the event's stage ------------------------------------------------------------------
    "askQuestion": sock(AUDIENCE, {**EVENT, "text": "how?"}),
    "voteQuestion": sock(AUDIENCE, {**EVENT, "questionId": W.event_question}),
    "markQuestion": sock(STAFF, {**EVENT, "questionId": W.event_question, "pinned": True}),
    "getQuestions": sock(READ_STAGE, EVENT),
    "openPoll": sock(STAFF, {**EVENT, "question": "what?", "options": ["x", "y"]}),
    "votePoll": sock(AUDIENCE, {**EVENT, "pollId": W.event_poll, "choices": [0]}),
    "closePoll": sock(STAFF, {**EVENT, "pollId": W.event_poll}),
    "getPolls": sock(READ_STAGE, EVENT),
    "setAnnouncement": sock(STAFF, {**EVENT, "text": "hello all"}),
    "react": sock(IN_EVENT, {"emoji": "👏"}, prep=JOIN_EVENT),
    "decideHeldMessage": sock(STAFF, {**EVENT, "heldId": W.event_held, "decision": "reject"}),
    "getHeldMessages": sock(READ_STAGE, EVENT),
    "setModeratedChat": sock(HOST, {**EVENT, "on": True}),
    # --- moderation of community rooms (private den, public plaza) ---------------------------
    "room:message:delete": sock(MOD_DEN, {**DEN, "messageId": W.den_message}),
    "room:mute": sock(MOD_OPEN, {**PLAZA, "userId": W.victim, "seconds": 60}),
    "room:unmute": sock(MOD_DEN, {**DEN, "userId": W.muted}),
    "room:kick": sock(MOD_OPEN, {**PLAZA, "userId": W.victim}),
    "room:ban": sock(MOD_DEN, {**DEN, "userId": W.victim, "reason": "spam"}),
    "room:unban": sock(MOD_OPEN, {**PLAZA, "userId": W.banned}),
    "room:slowmode": sock(MOD_DEN, {**DEN, "seconds": 5}),
    "room:moderator": sock(OWN_OPEN, {**PLAZA, "userId": W.victim, "isModerator": True}),
    "room:invite": sock(OWN_DEN, {**DEN, "userId": W.outsider}),
    "room:member:remove": sock(OWN_DEN, {**DEN, "userId": W.victim}),
    # --- moderation of the event's chat ------------------------------------------------------
    "deleteMessage": sock(MOD_OPEN, {**EVENT, "messageId": W.event_message}),
    "muteUser": sock(MOD_OPEN, {**EVENT, "userId": W.victim, "seconds": 60}),
    "unmuteUser": sock(MOD_OPEN, {**EVENT, "userId": W.muted}),
    "kickUser": sock(MOD_OPEN, {**EVENT, "userId": W.victim}),
    "banUser": sock(MOD_OPEN, {**EVENT, "userId": W.victim}),
    "unbanUser": sock(MOD_OPEN, {**EVENT, "userId": W.banned}),
    "setSlowMode": sock(MOD_OPEN, {**EVENT, "seconds": 5}),
    "setModerator": sock(OWN_OPEN, {**EVENT, "userId": W.victim, "isModerator": True}),
    # --- message features (docs/protocol.md "Message features") --------------------------------
    "room:message:edit": sock(EDIT_DEN, {**DEN, "messageId": W.den_message, "message": "mine"},
                              prep=JOIN_DEN),
    "room:message:react": sock(POST_DEN, {**DEN, "messageId": W.den_message, "emoji": "👍"},
                               prep=JOIN_DEN),
    "room:read": sock(SEE_DEN, DEN),
    "sidebar:watch": sock(SEE_DEN, {"roomIds": [W.den]}),
    "presence:watch": sock(EVERYONE, {"everyone": True}),  # who is online is public
    "PATCH /api/rooms/<room_id>/messages/<message_id>": rest(
        EDIT_DEN_R, {"message": "mine"}, room_id=W.den, message_id=W.den_message),
    "POST /api/rooms/<room_id>/messages/<message_id>/reactions": rest(
        REACT_DEN_R, {"emoji": "👍"}, room_id=W.den, message_id=W.den_message),
    "POST /api/rooms/<room_id>/read": rest(SEE_DEN, {}, room_id=W.den),
    "POST /api/events/<event_id>/read": rest(READ_EVENT, {}, event_id=W.event),
    "POST /api/uploads": rest(LOGGED_IN, {"a raw upload": "of a JSON file"}),
    # --- REST: accounts and events -----------------------------------------------------------
    "POST /api/auth/token": rest(EVERYONE, {"username": "the_victim",
                                            "password": "correct horse battery"}),
    "POST /api/auth/logout": rest(LOGGED_IN),
    # The old backend's REST auth: anyone may sign up or sign in (a token sent along is
    # ignored, as the old server did).
    "POST /api/auth/register": rest(EVERYONE, {"name": "New Person", "email": "new@world.example",
                                               "password": "correct horse battery"}),
    "POST /api/auth/login": rest(EVERYONE, {"email": "victim@world.example",
                                            "password": "correct horse battery"}),
    "PATCH /api/users/me": rest(LOGGED_IN, {"status": "away"}),
    "POST /api/events": rest(ACCOUNTS, {"name": "Another launch"}),
    "PATCH /api/events/<event_id>": rest(HOST, {"description": "changed"}, event_id=W.event),
    # --- REST: the event's stage ------------------------------------------------------------
    "POST /api/events/<event_id>/questions": rest(AUDIENCE, {"text": "how?"}, event_id=W.event),
    "PATCH /api/events/<event_id>/questions/<question_id>": rest(
        STAFF, {"pinned": True}, event_id=W.event, question_id=W.event_question),
    "PUT /api/events/<event_id>/questions/<question_id>/vote": rest(
        AUDIENCE, event_id=W.event, question_id=W.event_question),
    "DELETE /api/events/<event_id>/questions/<question_id>/vote": rest(
        NOT_VOTED, event_id=W.event, question_id=W.event_question),
    "POST /api/events/<event_id>/polls": rest(STAFF, {"question": "what?", "options": ["x", "y"]},
                                              event_id=W.event),
    "PATCH /api/events/<event_id>/polls/<poll_id>": rest(
        STAFF, {"closed": True}, event_id=W.event, poll_id=W.event_poll),
    "PUT /api/events/<event_id>/polls/<poll_id>/vote": rest(
        AUDIENCE, {"choices": [1]}, event_id=W.event, poll_id=W.event_poll),
    "PUT /api/events/<event_id>/announcement": rest(STAFF, {"text": "hello"}, event_id=W.event),
    "DELETE /api/events/<event_id>/announcement": rest(STAFF, event_id=W.event),
    "PATCH /api/events/<event_id>/held/<held_id>": rest(
        STAFF, {"decision": "approve"}, event_id=W.event, held_id=W.event_held),
    # --- REST moderation of the private den --------------------------------------------------
    "PATCH /api/rooms/<room_id>": rest(MOD_DEN, {"slowModeSeconds": 5}, room_id=W.den),
    "POST /api/rooms/<room_id>/bans": rest(MOD_DEN, {"userId": W.victim}, room_id=W.den),
    "DELETE /api/rooms/<room_id>/bans/<user_id>": rest(
        MOD_DEN, room_id=W.den, user_id=W.banned),
    "POST /api/rooms/<room_id>/kicks": rest(MOD_DEN, {"userId": W.victim}, room_id=W.den),
    "POST /api/rooms/<room_id>/mutes": rest(MOD_DEN, {"userId": W.victim, "seconds": 60},
                                                room_id=W.den),
    "DELETE /api/rooms/<room_id>/mutes/<user_id>": rest(
        MOD_DEN, room_id=W.den, user_id=W.muted),
    "DELETE /api/rooms/<room_id>/messages/<message_id>": rest(
        MOD_DEN, room_id=W.den, message_id=W.den_message),
    "POST /api/rooms/<room_id>/members": rest(OWN_DEN, {"userId": W.outsider},
                                                  room_id=W.den),
    "DELETE /api/rooms/<room_id>/members/<user_id>": rest(
        OWN_DEN, room_id=W.den, user_id=W.victim),
    # --- REST moderation of the event's chat -------------------------------------------------
    "PUT /api/events/<event_id>/slow-mode": rest(MOD_OPEN, {"seconds": 5}, event_id=W.event),
    "POST /api/events/<event_id>/bans": rest(MOD_OPEN, {"userId": W.victim}, event_id=W.event),
    "DELETE /api/events/<event_id>/bans/<user_id>": rest(
        MOD_OPEN, event_id=W.event, user_id=W.banned),
    "POST /api/events/<event_id>/kicks": rest(MOD_OPEN, {"userId": W.victim}, event_id=W.event),
    "POST /api/events/<event_id>/mutes": rest(MOD_OPEN, {"userId": W.victim, "seconds": 60},
                                              event_id=W.event),
    "DELETE /api/events/<event_id>/mutes/<user_id>": rest(
        MOD_OPEN, event_id=W.event, user_id=W.muted),
    "DELETE /api/events/<event_id>/messages/<message_id>": rest(
        MOD_OPEN, event_id=W.event, message_id=W.event_message),
    "POST /api/events/<event_id>/members": rest(OWN_OPEN, {"userId": W.outsider,
                                                           "role": "moderator"},
                                                event_id=W.event),
    "DELETE /api/events/<event_id>/members/<user_id>": rest(
        OWN_OPEN, event_id=W.event, user_id=W.victim),
}

# (action, role) -> what the server does instead of what the matrix expects. Each is a
# strict xfail, so fixing the server turns it into a failure until the entry is removed.
SERVER_BUGS: dict[tuple[str, str], str] = {}
