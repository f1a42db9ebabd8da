"""webhooks: endpoints and their deliveries, the integration manager's duty, leases on the outbox

A park's platform is told of events by webhooks: an endpoint (its address, its signing secret,
encrypted as the second-factor secrets are, and the events it wants) and one delivery per event
and endpoint, written in the transaction of the change it tells of and sent by the worker,
which claims it with a lease (`claimed_until`, `claimed_by`) so that several workers never
send one twice and a worker killed mid-send does not lose it. The outbox's messages get the
same lease, for the same reason. A park's user may now be its integration manager, who
registers the park's endpoints; nobody is one until the secretariat says so.

Revision ID: 0022_webhooks
Revises: 0021_change_counter
Create Date: 2026-12-03 14:30:00

"""
import sqlalchemy as sa
from alembic import op

import association.database


# revision identifiers, used by Alembic.
revision = '0022_webhooks'
down_revision = '0021_change_counter'
branch_labels = None
depends_on = None

# Plain CREATE TABLE and ADD COLUMN, never a batch copy: on SQLite a batch copies the table and
# drops the old one, which the foreign keys of every row pointing at a user refuse.


def upgrade():
    op.create_table(
        'webhook_endpoints',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('park_id', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('url', sa.String(length=2000), nullable=False),
        sa.Column('secret', sa.String(length=255), nullable=True),
        sa.Column('events_json', sa.Text(), nullable=False),
        sa.Column('created_at', association.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column('disabled_at', association.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column('disabled_reason', sa.String(length=300), nullable=False),
        sa.Column('failing_since', association.database.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['created_by_id'], ['users.id'], name=op.f('fk_webhook_endpoints_created_by_id_users')
        ),
        sa.ForeignKeyConstraint(
            ['park_id'], ['parks.id'], name=op.f('fk_webhook_endpoints_park_id_parks')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_endpoints')),
    )
    op.create_index(
        op.f('ix_webhook_endpoints_park_id'), 'webhook_endpoints', ['park_id'], unique=False
    )
    op.create_table(
        'webhook_deliveries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('endpoint_id', sa.Integer(), nullable=False),
        sa.Column('event', sa.String(length=64), nullable=False),
        sa.Column('message_id', sa.String(length=40), nullable=False),
        sa.Column('payload', sa.Text(), nullable=False),
        sa.Column('created_at', association.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', association.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column('last_attempt_at', association.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column('last_status_code', sa.Integer(), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=False),
        sa.Column('delivered_at', association.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column('gave_up_at', association.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column('claimed_until', association.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column('claimed_by', sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ['endpoint_id'],
            ['webhook_endpoints.id'],
            name=op.f('fk_webhook_deliveries_endpoint_id_webhook_endpoints'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_deliveries')),
        sa.UniqueConstraint('message_id', name=op.f('uq_webhook_deliveries_message_id')),
    )
    op.create_index(
        'ix_webhook_deliveries_due',
        'webhook_deliveries',
        ['delivered_at', 'gave_up_at', 'next_attempt_at'],
        unique=False,
    )
    op.create_index(
        op.f('ix_webhook_deliveries_endpoint_id'),
        'webhook_deliveries',
        ['endpoint_id'],
        unique=False,
    )
    op.add_column(
        'users',
        sa.Column(
            'is_integration_manager', sa.Boolean(), nullable=False, server_default=sa.false()
        ),
    )
    op.add_column(
        'outbox_messages',
        sa.Column('claimed_until', association.database.UTCDateTime(timezone=True), nullable=True),
    )
    op.add_column(
        'outbox_messages',
        sa.Column('claimed_by', sa.String(length=80), nullable=False, server_default=''),
    )


def downgrade():
    op.drop_column('outbox_messages', 'claimed_by')
    op.drop_column('outbox_messages', 'claimed_until')
    op.drop_column('users', 'is_integration_manager')
    op.drop_index(op.f('ix_webhook_deliveries_endpoint_id'), table_name='webhook_deliveries')
    op.drop_index('ix_webhook_deliveries_due', table_name='webhook_deliveries')
    op.drop_table('webhook_deliveries')
    op.drop_index(op.f('ix_webhook_endpoints_park_id'), table_name='webhook_endpoints')
    op.drop_table('webhook_endpoints')
