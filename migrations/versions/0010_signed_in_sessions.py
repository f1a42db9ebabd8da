"""auth: signed-in sessions kept on the server, in place of the users' session token

Signing out used to leave the session and remember-me cookies valid: the cookie named the
user's session token, which changed only with the password. Each sign-in now has its own
row (only the SHA-256 of the key the cookie carries is kept), deleted at sign-out, when idle
too long, past the remember-me lifetime, or when the password changes; the row also notes
whether this session passed the second factor. The users' session_token column is dropped:
everyone signed in before the upgrade signs in again once.

The downgrade re-creates session_token with a fresh random value for every user (so again
everyone signs in once) and drops the sessions table.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 14:40:00

"""
import secrets

import sqlalchemy as sa
from alembic import op

import association.database


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('signed_in_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key_digest', sa.String(length=64), nullable=False),
    sa.Column('created_at', association.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', association.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('browser', sa.String(length=100), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('second_factor_at', association.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('remember_until', association.database.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_signed_in_sessions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signed_in_sessions')),
    sa.UniqueConstraint('key_digest', name=op.f('uq_signed_in_sessions_key_digest'))
    )
    with op.batch_alter_table('signed_in_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signed_in_sessions_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_token')


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), nullable=True))
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('session_token', sa.String))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(users.c.id)).all():
        connection.execute(
            users.update().where(users.c.id == user_id).values(session_token=secrets.token_hex(16))
        )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('session_token', existing_type=sa.String(length=64), nullable=False)

    with op.batch_alter_table('signed_in_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signed_in_sessions_user_id'))

    op.drop_table('signed_in_sessions')
