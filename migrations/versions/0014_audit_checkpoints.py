"""audit: signed checkpoints, and the chain's hashes keyed with AUDIT_CHAIN_KEY (HMAC)

Someone with write access to the database could rewrite an event and recompute every later
SHA-256, or delete the last events and move the head back, and audit-verify still said
"intact". Each event's hash is now an HMAC-SHA-256 keyed with AUDIT_CHAIN_KEY (a setting,
derived from SECRET_KEY when unset; never in the database), and the association signs
checkpoints of the chain's head (audit_checkpoints) that every member park receives.

The existing chain is checked first with the old plain SHA-256 and then re-hashed with the
key; a chain that does not verify is not re-hashed (that would launder the tampering): the
upgrade stops and names the first bad event. The downgrade re-hashes back to plain SHA-256.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 14:30:00

"""
import hashlib
import hmac
import json

import sqlalchemy as sa
from alembic import op
from flask import current_app

import association.database

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

GENESIS = "0" * 64
HASHED_COLUMNS = (
    "seq", "occurred_at", "action", "actor_id", "actor_label", "subject_type", "subject_id",
    "details", "origin", "prev_hash",
)
events = sa.table(
    'audit_events',
    sa.column('id', sa.Integer),
    sa.column('seq', sa.Integer),
    sa.column('occurred_at', association.database.UTCDateTime(timezone=True)),
    sa.column('action', sa.String),
    sa.column('actor_id', sa.Integer),
    sa.column('actor_label', sa.String),
    sa.column('subject_type', sa.String),
    sa.column('subject_id', sa.String),
    sa.column('details', sa.Text),
    sa.column('origin', sa.String),
    sa.column('prev_hash', sa.String),
    sa.column('hash', sa.String),
)
head = sa.table(
    'audit_chain_head',
    sa.column('id', sa.Integer),
    sa.column('seq', sa.Integer),
    sa.column('last_hash', sa.String),
)


def _payload(row: dict) -> bytes:
    # As association.audit.log.hashed_payload() was written at this revision.
    payload = {column: row[column] for column in HASHED_COLUMNS}
    payload["occurred_at"] = row["occurred_at"].isoformat()
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _plain(row: dict) -> str:
    return hashlib.sha256(_payload(row)).hexdigest()


def _keyed(row: dict) -> str:
    key = str(current_app.config["AUDIT_CHAIN_KEY"]).encode()
    return hmac.new(key, _payload(row), hashlib.sha256).hexdigest()


def _rehash(old_hash, new_hash) -> None:
    """Check the chain with old_hash, then rewrite every hash with new_hash, in order."""
    bind = op.get_bind()
    rows = [dict(row._mapping) for row in bind.execute(sa.select(events).order_by(events.c.seq))]
    previous_old = previous_new = GENESIS
    for expected, row in enumerate(rows, start=1):
        if row["seq"] != expected or row["prev_hash"] != previous_old or old_hash(row) != row["hash"]:
            raise RuntimeError(
                f"The audit chain does not verify at event {expected}: it is not re-hashed, so "
                "that the tampering stays visible. Restore a backup, or investigate with "
                "`flask --app association audit-verify` on the previous version."
            )
        previous_old = row["hash"]
        row["prev_hash"] = previous_new
        row["hash"] = new_hash(row)
        previous_new = row["hash"]
        bind.execute(
            events.update()
            .where(events.c.id == row["id"])
            .values(prev_hash=row["prev_hash"], hash=row["hash"])
        )
    if rows:
        bind.execute(head.update().where(head.c.id == 1).values(seq=len(rows), last_hash=previous_new))


def upgrade():
    op.create_table(
        'audit_checkpoints',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('head_hash', sa.String(length=64), nullable=False),
        sa.Column('taken_at', association.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column('reason', sa.String(length=32), nullable=False),
        sa.Column('algorithm', sa.String(length=32), nullable=False),
        sa.Column('key_sha256', sa.String(length=64), nullable=False),
        sa.Column('signature', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_checkpoints')),
    )
    with op.batch_alter_table('audit_checkpoints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_checkpoints_seq'), ['seq'], unique=False)
    _rehash(_plain, _keyed)


def downgrade():
    _rehash(_keyed, _plain)
    with op.batch_alter_table('audit_checkpoints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_checkpoints_seq'))
    op.drop_table('audit_checkpoints')
