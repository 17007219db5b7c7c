"""the five default rooms of the old community server (ids 1-5)

Revision ID: 0002
Revises: 0001

A data migration, so a fresh database gets them exactly once however often the server starts.
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

DEFAULT_ROOMS = [
    (1, "CS Study Group", "academic"),
    (2, "Math Help", "academic"),
    (3, "Campus Events", "campus"),
    (4, "Gaming Club", "interests"),
    (5, "Photography", "interests"),
]

rooms = sa.table(
    "rooms",
    sa.column("id", sa.Integer), sa.column("kind", sa.String), sa.column("name", sa.String),
    sa.column("description", sa.String), sa.column("category", sa.String),
    sa.column("created_at", sa.DateTime),
)


def upgrade():
    created_at = datetime.now(timezone.utc).replace(tzinfo=None)
    op.bulk_insert(rooms, [
        {"id": room_id, "kind": "community", "name": name, "description": "",
         "category": category, "created_at": created_at}
        for room_id, name, category in DEFAULT_ROOMS
    ])
    if op.get_bind().dialect.name == "postgresql":
        # Explicit ids do not advance the sequence; the next created room must get id 6.
        op.execute("SELECT setval(pg_get_serial_sequence('rooms', 'id'), "
                   "(SELECT MAX(id) FROM rooms))")


def downgrade():
    op.execute(rooms.delete().where(rooms.c.id.in_([r[0] for r in DEFAULT_ROOMS])))
