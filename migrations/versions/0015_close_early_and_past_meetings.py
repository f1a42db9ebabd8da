"""voting and meetings: a vote closed early keeps who and why; a meeting may be recorded afterwards

Closing a vote by hand before its deadline now asks for a reason, shown with the result:
initiatives.closed_early_by_id and initiatives.closed_early_reason (empty for every vote
closed before, and for votes the clock closes).

The secretariat may record a meeting that already took place: meetings.recorded_afterwards_at
marks it (its created_by is who recorded it), so its page says it was never announced.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 14:30:00

"""
import sqlalchemy as sa

import association.database
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('initiatives', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_early_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('closed_early_reason', sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_initiatives_closed_early_by_id_users'), 'users', ['closed_early_by_id'], ['id']
        )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recorded_afterwards_at', association.database.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_column('recorded_afterwards_at')
    with op.batch_alter_table('initiatives', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_initiatives_closed_early_by_id_users'), type_='foreignkey')
        batch_op.drop_column('closed_early_reason')
        batch_op.drop_column('closed_early_by_id')
