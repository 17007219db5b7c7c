"""Server-rendered pages."""
from __future__ import annotations

from flask import Blueprint, render_template

from chatapp import queries

pages = Blueprint("pages", __name__)


@pages.get("/")
def lobby():
    rooms = queries.community_rooms_with_counts()
    return render_template("lobby.html", rooms=rooms)
