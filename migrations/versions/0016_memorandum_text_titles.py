"""memoranda: each language's text has its own title

Each language version of a memorandum was headed by the revision's (English) title. Each
text now keeps the title in its own language; the texts saved before get their revision's
title, which is what headed them until now.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 14:40:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

texts = sa.table(
    'memorandum_revision_texts',
    sa.column('revision_id', sa.Integer),
    sa.column('title', sa.String),
)
revisions = sa.table(
    'memorandum_revisions',
    sa.column('id', sa.Integer),
    sa.column('title', sa.String),
)


def upgrade():
    with op.batch_alter_table('memorandum_revision_texts', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('title', sa.String(length=300), nullable=False, server_default='')
        )
    # One correlated UPDATE, which SQLite and PostgreSQL both understand.
    op.execute(
        texts.update().values(
            title=sa.select(revisions.c.title)
            .where(revisions.c.id == texts.c.revision_id)
            .scalar_subquery()
        )
    )
    with op.batch_alter_table('memorandum_revision_texts', schema=None) as batch_op:
        batch_op.alter_column('title', existing_type=sa.String(length=300), server_default=None)


def downgrade():
    with op.batch_alter_table('memorandum_revision_texts', schema=None) as batch_op:
        batch_op.drop_column('title')
