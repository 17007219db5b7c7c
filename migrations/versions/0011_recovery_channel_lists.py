"""recovery: events sent to a list of channels (one row, one offset), and the presence
channels a session watched

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26 17:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('recovery_events') as batch_op:
        batch_op.add_column(sa.Column('channels', sa.Text(), nullable=True))
    with op.batch_alter_table('recovery_sessions') as batch_op:
        batch_op.add_column(sa.Column('presence', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('recovery_sessions') as batch_op:
        batch_op.drop_column('presence')
    with op.batch_alter_table('recovery_events') as batch_op:
        batch_op.drop_column('channels')
