"""document language: minutes and memoranda choose the language of their PDF's fixed text

The secretariat chooses, for each version of the minutes and for each memorandum, the
language of the PDF's headings, labels and signature and audit-trail pages (the texts
themselves stay as written). Everything drafted so far keeps English, the language every
PDF has been issued in until now; issued PDFs are stored and never rendered again.

Revision ID: 0018_document_language
Revises: 0017
Create Date: 2026-12-03 10:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0018_document_language'
down_revision = '0017'
branch_labels = None
depends_on = None

# Plain ADD and DROP COLUMN, never a batch copy: on SQLite a batch copies the table and
# drops the old one, which the foreign keys of every row pointing at it refuse.


def upgrade():
    op.add_column(
        'minutes',
        sa.Column('document_language', sa.String(length=8), nullable=False, server_default='en'),
    )
    op.add_column(
        'memoranda',
        sa.Column('document_language', sa.String(length=8), nullable=False, server_default='en'),
    )


def downgrade():
    op.drop_column('memoranda', 'document_language')
    op.drop_column('minutes', 'document_language')
