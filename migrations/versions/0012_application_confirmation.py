"""membership: an application waits for its contact e-mail to be confirmed; documents of a
refused application form are kept provisionally

The public form could be used to send a stranger e-mails and to fill the secretariat's
queue. A new application now starts "unconfirmed" with the digest of a confirmation code
(only the e-mailed link holds the code); the secretariat sees it once the contact person
confirms (confirmed_at). Every application already on record was sent before this rule and
stays as it is: its confirmed_at is its submission time.

provisional_uploads keeps the PDFs of a form refused for another reason (a missing field),
found by the digest of the token the re-shown form carries, so that the applicant need not
attach them again; the purge removes them after a day.

The downgrade drops both, and deletes the applications still unconfirmed (the older code
knows no such status, and would show them to the secretariat).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 14:30:00

"""
import sqlalchemy as sa
from alembic import op

import association.database


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

applications = sa.table(
    'applications',
    sa.column('id', sa.Integer),
    sa.column('status', sa.String),
    sa.column('submitted_at', association.database.UTCDateTime(timezone=True)),
    sa.column('confirmed_at', association.database.UTCDateTime(timezone=True)),
)


def upgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirmation_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column('confirmed_at', association.database.UTCDateTime(timezone=True), nullable=True)
        )
    op.execute(applications.update().values(confirmed_at=applications.c.submitted_at))

    op.create_table(
        'provisional_uploads',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=True),
        sa.Column('created_at', association.database.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_provisional_uploads')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_provisional_uploads_token_hash')),
    )
    with op.batch_alter_table('provisional_uploads', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_provisional_uploads_created_at'), ['created_at'], unique=False
        )


def downgrade():
    with op.batch_alter_table('provisional_uploads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_provisional_uploads_created_at'))
    op.drop_table('provisional_uploads')

    connection = op.get_bind()
    unconfirmed = [
        row[0]
        for row in connection.execute(
            sa.select(applications.c.id).where(applications.c.status == 'unconfirmed')
        )
    ]
    if unconfirmed:
        for table in ('application_documents', 'application_events'):
            connection.execute(
                sa.text(f'DELETE FROM {table} WHERE application_id IN :ids').bindparams(
                    sa.bindparam('ids', expanding=True)
                ),
                {'ids': unconfirmed},
            )
        connection.execute(applications.delete().where(applications.c.id.in_(unconfirmed)))
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_column('confirmed_at')
        batch_op.drop_column('confirmation_hash')
