"""Server-rendered pages, readable without JavaScript; each carries ``page_data`` for the
script that brings it alive (see docs/web-ui.md).

What users wrote is rendered escaped (``linkify`` makes its http(s) links clickable). Private
rooms are shown only to their members: to anyone else they do not exist.
"""
from flask import Blueprint

from chatapp.pages import conversations, event_forms, events, lobby, rooms, search

pages = Blueprint("pages", __name__)

lobby.register(pages)
rooms.register(pages)
conversations.register(pages)
events.register(pages)
event_forms.register(pages)
search.register(pages)
