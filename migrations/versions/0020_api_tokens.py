"""api tokens: personal tokens for the JSON API, and the answers kept for Idempotency-Key

A user makes personal API tokens on /account/tokens (issue 17): `Authorization: Bearer` acts as
that user within the token's scopes (read, vote) until it expires or is revoked. Only the
secret's SHA-256 is kept (token_hash, unique: the lookup on every API request), like every
other secret link or code. last_used_at is written at most every few minutes, not on every
request.

api_idempotent_requests keeps the answer to a POST sent with an Idempotency-Key (a ballot cast
through the API), one per user and key (a named unique constraint), so that a retry is
answered without the ballot being cast twice; created_at is indexed for deleting old keys.

Two new tables, nothing existing changes; the downgrade drops them.

Revision ID: 0020_api_tokens
Revises: 0019
Create Date: 2026-12-03 14:07:13

"""
import sqlalchemy as sa
from alembic import op

import association.database


# revision identifiers, used by Alembic.
revision = '0020_api_tokens'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('api_idempotent_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('request_digest', sa.String(length=64), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=False),
    sa.Column('response_body', sa.Text(), nullable=False),
    sa.Column('created_at', association.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_idempotent_requests_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_idempotent_requests')),
    sa.UniqueConstraint('user_id', 'key', name=op.f('uq_api_idempotent_requests_user_id_key'))
    )
    with op.batch_alter_table('api_idempotent_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_idempotent_requests_created_at'), ['created_at'], unique=False)

    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('scopes', sa.String(length=40), nullable=False),
    sa.Column('created_at', association.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', association.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', association.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', association.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_api_tokens_revoked_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    with op.batch_alter_table('api_idempotent_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_idempotent_requests_created_at'))

    op.drop_table('api_idempotent_requests')
