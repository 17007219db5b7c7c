"""The JSON REST API under ``/api``."""
from flask import Blueprint, request

from chatapp.api import (
    auth,
    conversations,
    event_stage,
    events,
    health,
    messages,
    moderation,
    openapi,
    rooms,
    search,
    uploads,
)
from chatapp.api.params import optional_user
from chatapp.errors import ChatError
from chatapp.security import ratelimit
from chatapp.security.client_address import client_ip

api = Blueprint("api", __name__, url_prefix="/api")


@api.before_request
def limit_writes() -> None:
    """Every REST write counts against its caller's limit (a guest's is tighter), or, for a
    caller without a valid token, its address's."""
    if request.method not in ("POST", "PATCH", "PUT", "DELETE"):
        return
    try:
        caller = optional_user()
    except ChatError:
        caller = None  # the view itself answers for the bad token
    if caller is not None:
        ratelimit.check("RATE_LIMIT_REST_WRITES", f"user:{caller.id}", guest=caller.is_guest)
    else:
        ratelimit.check("RATE_LIMIT_REST_WRITES", f"ip:{client_ip()}")


rooms.register(api)
auth.register(api)
health.register(api)
conversations.register(api)
events.register(api)
event_stage.register(api)
moderation.register(api)
messages.register(api)
search.register(api)
uploads.register(api)
openapi.register(api)
