"""change counter: the association's version on the change lock's row

Every state change takes the change lock, the single row of audit_chain_head; from now on
taking it also counts one more in `changes`. The API makes its ETags from this number (with
the reader and the address), so that `If-None-Match` is answered with 304 after reading one
number, without building the answer, and can never be stale: any change moves it.

One column with a default of 0; the downgrade drops it.

Revision ID: 0021_change_counter
Revises: 0020_api_tokens
Create Date: 2026-12-03 14:20:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0021_change_counter'
down_revision = '0020_api_tokens'
branch_labels = None
depends_on = None


# Plain ALTER TABLE on both databases (SQLite 3.35 and later drops a column in place): a batch
# operation would copy the table on SQLite and lose the trigger that moves the head.
def upgrade():
    op.add_column(
        'audit_chain_head',
        sa.Column('changes', sa.Integer(), nullable=False, server_default='0'),
    )


def downgrade():
    op.execute('ALTER TABLE audit_chain_head DROP COLUMN changes')
