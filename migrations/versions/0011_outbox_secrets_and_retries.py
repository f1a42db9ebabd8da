"""mail: the outbox knows where a message's secrets are, and when to try a failed one again

Staff reading the outbox must not read other people's reset links, invitation links,
outside signatories' links, tracking links or confirmation codes: each message now records
the spans of its secrets (`secret_spans`, JSON), written by queue_mail. Messages already in
the outbox get theirs here, found by the shapes those links and codes have always had
(after the upgrade nothing is guessed any more: queue_mail records the spans itself).

send-mail no longer tries a failed message on every run until the end of time: it waits
(`next_attempt_at`) and gives up after MAIL_MAX_ATTEMPTS (`gave_up_at`).

The downgrade drops the three columns; the messages themselves are unchanged.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 14:45:00

"""
import json
import re

import sqlalchemy as sa

import association.database
from alembic import op


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

outbox = sa.table(
    'outbox_messages',
    sa.column('id', sa.Integer),
    sa.column('body', sa.Text),
    sa.column('secret_spans', sa.Text),
)

# The links' tokens (secrets.token_urlsafe) and the six-digit codes of memorandum_code.txt,
# as the templates of revisions up to 0009 wrote them.
SECRET_LINK = re.compile(r"/(?:reset|invitation|memoranda/sign|apply)/([A-Za-z0-9_-]{8,})")
CODE = re.compile(r"^  (\d{6})$", re.MULTILINE)


def secret_spans(body: str) -> list[list[int]]:
    spans = [list(found.span(1)) for found in SECRET_LINK.finditer(body)]
    if "confirmation code" in body:
        spans += [list(found.span(1)) for found in CODE.finditer(body)]
    return sorted(spans)


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('secret_spans', sa.Text(), nullable=False, server_default='[]')
        )
        batch_op.add_column(sa.Column('next_attempt_at', association.database.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('gave_up_at', association.database.UTCDateTime(timezone=True), nullable=True))

    connection = op.get_bind()
    for message_id, body in connection.execute(sa.select(outbox.c.id, outbox.c.body)).all():
        spans = secret_spans(body or "")
        if spans:
            connection.execute(
                outbox.update()
                .where(outbox.c.id == message_id)
                .values(secret_spans=json.dumps(spans))
            )

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.alter_column('secret_spans', existing_type=sa.Text(), server_default=None)


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('gave_up_at')
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('secret_spans')
