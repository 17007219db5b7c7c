"""The JSON REST API under ``/api``."""
from flask import Blueprint

from chatapp.api import conversations, events, health, openapi, rooms

api = Blueprint("api", __name__, url_prefix="/api")
rooms.register(api)
health.register(api)
conversations.register(api)
events.register(api)
openapi.register(api)
