"""idempotent sends: a client's own message id, unique per sender

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 16:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_message_id', sa.String(length=64), nullable=True))
        # Race-safe deduplication: two concurrent retries cannot both insert. NULLs (messages
        # sent without a client id) never collide.
        batch_op.create_index('ix_messages_sender_client_id', ['sender_id', 'client_message_id'],
                              unique=True)


def downgrade():
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index('ix_messages_sender_client_id')
        batch_op.drop_column('client_message_id')
