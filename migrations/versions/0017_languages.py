"""languages: each park has a default language; a user's own choice may be empty

The interface now speaks seven languages. A park's users read its default language (its
e-mails and certificate are in it) until they choose one of their own: existing parks get
their country's language, and a user's "en" (the old default, which nobody could usefully
choose while there was only English) becomes "not chosen". An application keeps the
language it was made in, for the applicant's e-mails and the admitted park's default.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 19:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

# association.languages at the time of writing (a migration keeps its own copy).
COUNTRY_LANGUAGES = {
    'KZ': 'kk', 'TR': 'tr', 'AZ': 'az', 'UZ': 'uz', 'KG': 'ky', 'RU': 'ru', 'TM': 'ru', 'TJ': 'ru'
}
parks = sa.table('parks', sa.column('country', sa.String), sa.column('language', sa.String))
users = sa.table(
    'users', sa.column('language', sa.String), sa.column('chosen_language', sa.String)
)

# Plain ADD and DROP COLUMN, never a batch copy: on SQLite a batch copies the table and
# drops the old one, which the foreign keys of every row pointing at a park or user refuse.


def upgrade():
    op.add_column(
        'parks', sa.Column('language', sa.String(length=8), nullable=False, server_default='en')
    )
    op.add_column(
        'applications',
        sa.Column('language', sa.String(length=8), nullable=False, server_default='en'),
    )
    for country, language in COUNTRY_LANGUAGES.items():
        op.execute(parks.update().where(parks.c.country == country).values(language=language))
    op.add_column('users', sa.Column('chosen_language', sa.String(length=8), nullable=True))
    op.execute(
        users.update().where(users.c.language != 'en').values(chosen_language=users.c.language)
    )
    op.drop_column('users', 'language')


def downgrade():
    op.add_column(
        'users', sa.Column('language', sa.String(length=8), nullable=False, server_default='en')
    )
    op.execute(
        users.update()
        .where(users.c.chosen_language.is_not(None))
        .values(language=users.c.chosen_language)
    )
    op.drop_column('users', 'chosen_language')
    op.drop_column('applications', 'language')
    op.drop_column('parks', 'language')
