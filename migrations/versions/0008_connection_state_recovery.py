"""connection state recovery: the event log and the sessions that may resume it

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-26 16:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

OFFSET = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table(
        'recovery_events',
        sa.Column('id', OFFSET, primary_key=True, autoincrement=True),
        sa.Column('channel', sa.String(length=80), nullable=True),
        sa.Column('skip_session', sa.String(length=40), nullable=True),
        sa.Column('event', sa.String(length=64), nullable=False),
        sa.Column('data', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sqlite_autoincrement=True,  # offsets never restart after a prune
    )
    op.create_table(
        'recovery_sessions',
        sa.Column('pid', sa.String(length=40), primary_key=True),
        sa.Column('sid', sa.String(length=64), nullable=False),
        sa.Column('start_offset', OFFSET, nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('room_ids', sa.Text(), nullable=True),
        sa.Column('guest_name_asked', sa.String(length=64), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('disconnected_at', sa.DateTime(), nullable=True),
    )
    op.create_index('ix_recovery_sessions_disconnected_at', 'recovery_sessions',
                    ['disconnected_at'])


def downgrade():
    op.drop_index('ix_recovery_sessions_disconnected_at', table_name='recovery_sessions')
    op.drop_table('recovery_sessions')
    op.drop_table('recovery_events')
