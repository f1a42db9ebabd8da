"""content languages: an initiative's title and summary, and a meeting's title, in more languages

The English title (and summary) stays in the existing columns and stays required; each of the
six other languages may add a translation, one row per content and language (the primary key),
which readers of that language are shown instead of the English. Nothing existing changes:
every initiative and meeting starts with no translation.

Revision ID: 0019
Revises: 0018_document_language
Create Date: 2026-12-03 10:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018_document_language'
branch_labels = None
depends_on = None

# Plain CREATE and DROP TABLE, never a batch copy: on SQLite a batch copies the table and
# drops the old one, which the foreign keys of every row pointing at it refuse.


def upgrade():
    op.create_table(
        'initiative_translations',
        sa.Column('initiative_id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ['initiative_id'],
            ['initiatives.id'],
            name=op.f('fk_initiative_translations_initiative_id_initiatives'),
        ),
        sa.PrimaryKeyConstraint(
            'initiative_id', 'language', name=op.f('pk_initiative_translations')
        ),
    )
    op.create_table(
        'meeting_translations',
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ['meeting_id'],
            ['meetings.id'],
            name=op.f('fk_meeting_translations_meeting_id_meetings'),
        ),
        sa.PrimaryKeyConstraint('meeting_id', 'language', name=op.f('pk_meeting_translations')),
    )


def downgrade():
    op.drop_table('meeting_translations')
    op.drop_table('initiative_translations')
