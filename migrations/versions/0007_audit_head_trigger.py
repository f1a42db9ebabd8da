"""audit: each new event moves the chain's head (a trigger)

The head row (audit_chain_head) named the last event by a second UPDATE after each
event's INSERT; a trigger on audit_events now does it in the same statement, so every
state change makes one round trip fewer. The SQL is the same as in
association/audit/models.py (which makes the trigger where create_all() makes the tables),
copied so that this migration stays as it was written.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 19:55:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

SQLITE_TRIGGER = """
CREATE TRIGGER audit_events_move_head AFTER INSERT ON audit_events
BEGIN
    UPDATE audit_chain_head SET seq = NEW.seq, last_hash = NEW.hash WHERE id = 1;
END
"""
POSTGRESQL_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_events_move_head() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE audit_chain_head SET seq = NEW.seq, last_hash = NEW.hash WHERE id = 1;
    RETURN NULL;
END
$$
"""
POSTGRESQL_TRIGGER = """
CREATE TRIGGER audit_events_move_head AFTER INSERT ON audit_events
FOR EACH ROW EXECUTE FUNCTION audit_events_move_head()
"""


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRESQL_FUNCTION)
        op.execute(POSTGRESQL_TRIGGER)
    else:
        op.execute(SQLITE_TRIGGER)


def downgrade():
    op.execute("DROP TRIGGER IF EXISTS audit_events_move_head" +
               (" ON audit_events" if op.get_bind().dialect.name == "postgresql" else ""))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_events_move_head()")
