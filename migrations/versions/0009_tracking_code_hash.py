"""membership: an application's tracking code is kept only as its SHA-256

Whoever holds an application's tracking code reads it, answers for it and can withdraw it;
a copy of the database must not give that away, as it already gives away no other secret
link. The code's SHA-256 (association.tokens.token_digest) replaces the plain code: every
existing code is hashed here, so the links applicants already hold keep working.

The downgrade cannot give the plain codes back (only their digests are kept): it
re-creates the column, nullable and empty, and every tracking link sent before the
downgrade stops working until the application is found another way.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 07:40:00

"""
import hashlib

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

applications = sa.table(
    'applications',
    sa.column('id', sa.Integer),
    sa.column('tracking_code', sa.String),
    sa.column('tracking_code_hash', sa.String),
)


def upgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tracking_code_hash', sa.String(length=64), nullable=True))

    # The same digest as association.tokens.token_digest, written out so that this revision
    # hashes the same way whatever later becomes of that module.
    connection = op.get_bind()
    rows = connection.execute(sa.select(applications.c.id, applications.c.tracking_code)).all()
    for application_id, code in rows:
        connection.execute(
            applications.update()
            .where(applications.c.id == application_id)
            .values(tracking_code_hash=hashlib.sha256(code.encode()).hexdigest())
        )

    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.alter_column('tracking_code_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(
            batch_op.f('uq_applications_tracking_code_hash'), ['tracking_code_hash']
        )
        batch_op.drop_constraint(batch_op.f('uq_applications_tracking_code'), type_='unique')
        batch_op.drop_column('tracking_code')


def downgrade():
    # The plain codes are gone for good: the column comes back nullable and empty.
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tracking_code', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f('uq_applications_tracking_code'), ['tracking_code']
        )
        batch_op.drop_constraint(batch_op.f('uq_applications_tracking_code_hash'), type_='unique')
        batch_op.drop_column('tracking_code_hash')
