"""second factor: TOTP secrets are stored encrypted

A copy of the database must not let anyone pass a staff member's second factor. Each
user's TOTP secret is encrypted with Fernet under a key derived (HKDF-SHA256) from the
running application's SECOND_FACTOR_KEY, or SECRET_KEY when that is not set: the key is
not in the database. The column widens to hold the ciphertext, and every existing secret
is encrypted here, so authenticator apps already set up keep working.

The key comes from the application this migration runs in: `flask --app association db
upgrade` builds it with create_app (migrations/env.py reads it as current_app), so run
the upgrade with the same SECRET_KEY (and SECOND_FACTOR_KEY) as the application. The
derivation is written out here, as association.encryption does it today, so that this
revision encrypts the same way whatever later becomes of that module.

The downgrade decrypts the secrets back into the narrow plain column.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 14:45:00

"""
import base64
import re

import sqlalchemy as sa
from alembic import op
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

users = sa.table('users', sa.column('id', sa.Integer), sa.column('totp_secret', sa.String))
# A plain secret as pyotp makes them (base32); a Fernet token never matches (lower case, _-).
PLAIN = re.compile(r'[A-Z2-7]+=*')


def _fernet():
    material = current_app.config.get('SECOND_FACTOR_KEY') or current_app.config['SECRET_KEY']
    key = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=b'association: second-factor secrets, v1',
    ).derive(str(material).encode())
    return Fernet(base64.urlsafe_b64encode(key))


def _secrets(connection):
    return connection.execute(
        sa.select(users.c.id, users.c.totp_secret).where(users.c.totp_secret.is_not(None))
    ).all()


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column(
            'totp_secret', existing_type=sa.String(length=64), type_=sa.String(length=255)
        )
    connection = op.get_bind()
    fernet = _fernet()
    for user_id, secret in _secrets(connection):
        if PLAIN.fullmatch(secret):
            connection.execute(
                users.update()
                .where(users.c.id == user_id)
                .values(totp_secret=fernet.encrypt(secret.encode()).decode())
            )


def downgrade():
    connection = op.get_bind()
    fernet = _fernet()
    for user_id, secret in _secrets(connection):
        if not PLAIN.fullmatch(secret):
            connection.execute(
                users.update()
                .where(users.c.id == user_id)
                .values(totp_secret=fernet.decrypt(secret.encode()).decode())
            )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column(
            'totp_secret', existing_type=sa.String(length=255), type_=sa.String(length=64)
        )
