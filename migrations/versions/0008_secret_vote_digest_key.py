"""voting: a secret vote's digest is keyed (vote_results.digest_key)

A plain SHA-256 over a secret vote's ballots, published beside its receipts and totals,
could be reversed into each park's choice by trying every combination. Results closed from
now on keep a random key (HMAC) with a secret vote's digest; a secret result closed before
has none, and its digest is no longer shown.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 21:50:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('vote_results', schema=None) as batch_op:
        batch_op.add_column(sa.Column('digest_key', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('vote_results', schema=None) as batch_op:
        batch_op.drop_column('digest_key')
