"""recovery_sessions: an index on sid, so a disconnect finds its socket's session without
reading every session (a shutdown of 10,000 sockets read them 10,000 times)

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27 20:45:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_recovery_sessions_sid', 'recovery_sessions', ['sid'])


def downgrade():
    op.drop_index('ix_recovery_sessions_sid', table_name='recovery_sessions')
