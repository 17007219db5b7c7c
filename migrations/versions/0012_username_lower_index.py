"""users: an index on lower(username), so a guest login finds who goes by a name without
going through everyone online

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26 20:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_users_username_lower', 'users', [sa.text('lower(username)')])


def downgrade():
    op.drop_index('ix_users_username_lower', table_name='users')
