"""memoranda: drafts as revisions, circulations, signatures, outside links

Memoranda and their parties (member parks, or outside organisations with their own
signatory), revisions with a text per language, circulations of one frozen revision
(with its SHA-256), one signature per party and circulation (unique: two signatories of
one park signing at once give one signature), declines, first openings of the sign page,
and single-use links for outside signatories. Registry numbers are unique, and unique per
(year, sequence).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 14:01:21.015264

"""
from alembic import op
import sqlalchemy as sa

import association.database


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('memoranda',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('created_at', association.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('registry_year', sa.Integer(), nullable=True),
    sa.Column('registry_seq', sa.Integer(), nullable=True),
    sa.Column('registry_number', sa.String(length=32), nullable=True),
    sa.Column('issued_at', association.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('terminated_on', sa.Date(), nullable=True),
    sa.Column('terminated_at', association.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('termination_reason', sa.Text(), nullable=False),
    sa.Column('amends_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['amends_id'], ['memoranda.id'], name=op.f('fk_memoranda_amends_id_memoranda')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_memoranda_created_by_id_users')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_memoranda_document_id_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memoranda')),
    sa.UniqueConstraint('registry_number', name=op.f('uq_memoranda_registry_number')),
    sa.UniqueConstraint('registry_year', 'registry_seq', name=op.f('uq_memoranda_registry_year_registry_seq'))
    )
    with op.batch_alter_table('memoranda', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memoranda_amends_id'), ['amends_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_memoranda_status'), ['status'], unique=False)

    op.create_table('memorandum_parties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('memorandum_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('park_id', sa.Integer(), nullable=True),
    sa.Column('organisation_name', sa.String(length=300), nullable=False),
    sa.Column('organisation_country', sa.String(length=2), nullable=False),
    sa.Column('signatory_name', sa.String(length=200), nullable=False),
    sa.Column('signatory_title', sa.String(length=200), nullable=False),
    sa.Column('signatory_email', sa.String(length=320), nullable=False),
    sa.ForeignKeyConstraint(['memorandum_id'], ['memoranda.id'], name=op.f('fk_memorandum_parties_memorandum_id_memoranda')),
    sa.ForeignKeyConstraint(['park_id'], ['parks.id'], name=op.f('fk_memorandum_parties_park_id_parks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memorandum_parties')),
    sa.UniqueConstraint('memorandum_id', 'park_id', name=op.f('uq_memorandum_parties_memorandum_id_park_id'))
    )
    with op.batch_alter_table('memorandum_parties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memorandum_parties_memorandum_id'), ['memorandum_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_memorandum_parties_park_id'), ['park_id'], unique=False)

    op.create_table('memorandum_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('memorandum_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', association.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_memorandum_revisions_created_by_id_users')),
    sa.ForeignKeyConstraint(['memorandum_id'], ['memoranda.id'], name=op.f('fk_memorandum_revisions_memorandum_id_memoranda')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memorandum_revisions')),
    sa.UniqueConstraint('memorandum_id', 'number', name=op.f('uq_memorandum_revisions_memorandum_id_number'))
    )
    with op.batch_alter_table('memorandum_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memorandum_revisions_memorandum_id'), ['memorandum_id'], unique=False)

    op.create_table('memorandum_circulations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('memorandum_id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('started_at', association.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('ended_at', association.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('end_reason', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['memorandum_id'], ['memoranda.id'], name=op.f('fk_memorandum_circulations_memorandum_id_memoranda')),
    sa.ForeignKeyConstraint(['revision_id'], ['memorandum_revisions.id'], name=op.f('fk_memorandum_circulations_revision_id_memorandum_revisions')),
    sa.ForeignKeyConstraint(['started_by_id'], ['users.id'], name=op.f('fk_memorandum_circulations_started_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memorandum_circulations'))
    )
    with op.batch_alter_table('memorandum_circulations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memorandum_circulations_memorandum_id'), ['memorandum_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_memorandum_circulations_revision_id'), ['revision_id'], unique=False)

    op.create_table('memorandum_revision_texts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['revision_id'], ['memorandum_revisions.id'], name=op.f('fk_memorandum_revision_texts_revision_id_memorandum_revisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memorandum_revision_texts')),
    sa.UniqueConstraint('revision_id', 'language', name=op.f('uq_memorandum_revision_texts_revision_id_language'))
    )
    with op.batch_alter_table('memorandum_revision_texts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memorandum_revision_texts_revision_id'), ['revision_id'], unique=False)

    op.create_table('memorandum_declines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('circulation_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('declined_at', association.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['circulation_id'], ['memorandum_circulations.id'], name=op.f('fk_memorandum_declines_circulation_id_memorandum_circulations')),
    sa.ForeignKeyConstraint(['party_id'], ['memorandum_parties.id'], name=op.f('fk_memorandum_declines_party_id_memorandum_parties')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_memorandum_declines_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memorandum_declines'))
    )
    with op.batch_alter_table('memorandum_declines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memorandum_declines_circulation_id'), ['circulation_id'], unique=False)

    op.create_table('memorandum_outside_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('circulation_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', association.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', association.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', association.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('code_hash', sa.String(length=255), nullable=True),
    sa.Column('code_sent_at', association.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('code_expires_at', association.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('codes_sent', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['circulation_id'], ['memorandum_circulations.id'], name=op.f('fk_memorandum_outside_links_circulation_id_memorandum_circulations')),
    sa.ForeignKeyConstraint(['party_id'], ['memorandum_parties.id'], name=op.f('fk_memorandum_outside_links_party_id_memorandum_parties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memorandum_outside_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_memorandum_outside_links_token_hash'))
    )
    with op.batch_alter_table('memorandum_outside_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memorandum_outside_links_circulation_id'), ['circulation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_memorandum_outside_links_party_id'), ['party_id'], unique=False)

    op.create_table('memorandum_signatures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('circulation_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('consent', sa.Boolean(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('first_opened_at', association.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('signed_at', association.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=False),
    sa.Column('user_agent', sa.String(length=300), nullable=False),
    sa.Column('revision_sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['circulation_id'], ['memorandum_circulations.id'], name=op.f('fk_memorandum_signatures_circulation_id_memorandum_circulations')),
    sa.ForeignKeyConstraint(['party_id'], ['memorandum_parties.id'], name=op.f('fk_memorandum_signatures_party_id_memorandum_parties')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_memorandum_signatures_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memorandum_signatures')),
    sa.UniqueConstraint('circulation_id', 'party_id', name=op.f('uq_memorandum_signatures_circulation_id_party_id'))
    )
    with op.batch_alter_table('memorandum_signatures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memorandum_signatures_circulation_id'), ['circulation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_memorandum_signatures_party_id'), ['party_id'], unique=False)

    op.create_table('memorandum_signing_views',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('circulation_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('first_opened_at', association.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['circulation_id'], ['memorandum_circulations.id'], name=op.f('fk_memorandum_signing_views_circulation_id_memorandum_circulations')),
    sa.ForeignKeyConstraint(['party_id'], ['memorandum_parties.id'], name=op.f('fk_memorandum_signing_views_party_id_memorandum_parties')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_memorandum_signing_views_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memorandum_signing_views')),
    sa.UniqueConstraint('circulation_id', 'party_id', name=op.f('uq_memorandum_signing_views_circulation_id_party_id'))
    )
    with op.batch_alter_table('memorandum_signing_views', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memorandum_signing_views_circulation_id'), ['circulation_id'], unique=False)



def downgrade():
    with op.batch_alter_table('memorandum_signing_views', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memorandum_signing_views_circulation_id'))

    op.drop_table('memorandum_signing_views')
    with op.batch_alter_table('memorandum_signatures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memorandum_signatures_party_id'))
        batch_op.drop_index(batch_op.f('ix_memorandum_signatures_circulation_id'))

    op.drop_table('memorandum_signatures')
    with op.batch_alter_table('memorandum_outside_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memorandum_outside_links_party_id'))
        batch_op.drop_index(batch_op.f('ix_memorandum_outside_links_circulation_id'))

    op.drop_table('memorandum_outside_links')
    with op.batch_alter_table('memorandum_declines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memorandum_declines_circulation_id'))

    op.drop_table('memorandum_declines')
    with op.batch_alter_table('memorandum_revision_texts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memorandum_revision_texts_revision_id'))

    op.drop_table('memorandum_revision_texts')
    with op.batch_alter_table('memorandum_circulations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memorandum_circulations_revision_id'))
        batch_op.drop_index(batch_op.f('ix_memorandum_circulations_memorandum_id'))

    op.drop_table('memorandum_circulations')
    with op.batch_alter_table('memorandum_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memorandum_revisions_memorandum_id'))

    op.drop_table('memorandum_revisions')
    with op.batch_alter_table('memorandum_parties', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memorandum_parties_park_id'))
        batch_op.drop_index(batch_op.f('ix_memorandum_parties_memorandum_id'))

    op.drop_table('memorandum_parties')
    with op.batch_alter_table('memoranda', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memoranda_status'))
        batch_op.drop_index(batch_op.f('ix_memoranda_amends_id'))

    op.drop_table('memoranda')
