"""A second factor's TOTP secret is stored encrypted with a key that is not in the database:
a copy of the database does not let anyone make a staff member's codes."""

from __future__ import annotations

import pyotp
import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from association import create_app
from association.extensions import db
from association.parks.models import Role, User
from tests.factories import enrol_second_factor, login, make_user
from tests.test_migrations import bare_app  # noqa: F401  (a fixture)

KNOWN_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def stored_secret(user_id: int) -> str | None:
    """The value as the database holds it, past the model's type."""
    return db.session.execute(
        text("SELECT totp_secret FROM users WHERE id = :id"), {"id": user_id}
    ).scalar_one()


def test_the_database_holds_no_second_factor_secret_in_plain(session, secretariat):
    secret = session.get(User, secretariat.id).totp_secret
    raw = stored_secret(secretariat.id)
    assert secret
    assert raw
    assert secret not in raw
    assert secret.lower() not in raw.lower()
    # A fresh value each time it is written: equal secrets do not show as equal rows.
    assert len(raw) > len(secret)


def test_sign_in_with_the_second_factor_still_works(client, secretariat):
    response = login(client, secretariat)
    assert response.status_code == 302
    assert "/login" not in response.headers["Location"]


def test_another_key_cannot_read_the_secret(app_config, session, secretariat):
    raw = stored_secret(secretariat.id)
    thief = create_app(dict(app_config, SECRET_KEY="a-different-key"))
    with thief.app_context():
        user = db.session.get(User, secretariat.id)
        assert user.totp_secret is None  # unreadable, not misread, and no page fails
        assert stored_secret(secretariat.id) == raw
        db.session.remove()


def test_second_factor_key_overrides_the_secret_key(app_config, session):
    keyed = create_app(dict(app_config, SECOND_FACTOR_KEY="its-own-key"))
    with keyed.app_context():
        user = make_user(db.session, role=Role.SECRETARIAT, email="keyed@example.org")
        enrol_second_factor(db.session, user)
        secret, user_id = user.totp_secret, user.id
        db.session.commit()
        db.session.remove()
    plain_app = create_app(app_config)
    with plain_app.app_context():
        assert db.session.get(User, user_id).totp_secret is None
        db.session.remove()
    with keyed.app_context():
        assert db.session.get(User, user_id).totp_secret == secret
        db.session.remove()


def test_the_migration_encrypts_existing_secrets_and_codes_keep_working(bare_app):  # noqa: F811
    upgrade()
    user_id = make_user(db.session, role=Role.SECRETARIAT, email="staff@example.org").id
    db.session.commit()
    db.session.close()
    downgrade(revision="0013-1")
    # The previous schema kept secrets in plain, as enrolment wrote them.
    db.session.execute(
        text("UPDATE users SET totp_secret = :secret WHERE id = :id"),
        {"secret": KNOWN_SECRET, "id": user_id},
    )
    db.session.commit()
    db.session.close()

    upgrade()
    assert KNOWN_SECRET not in stored_secret(user_id)
    assert db.session.get(User, user_id).totp_secret == KNOWN_SECRET
    assert pyotp.TOTP(db.session.get(User, user_id).totp_secret).now()

    db.session.close()
    downgrade(revision="0013-1")
    assert stored_secret(user_id) == KNOWN_SECRET
    db.session.close()
    upgrade()


# A fresh secret is drawn in the test, not in its name: parallel workers must collect the same tests.
@pytest.mark.parametrize("secret", [KNOWN_SECRET, None], ids=["known", "random"])
def test_a_secret_comes_back_as_it_was_written(session, secret):
    secret = secret or pyotp.random_base32()
    user = make_user(session, role=Role.SECRETARIAT, email=f"{secret[:6].lower()}@example.org")
    user.totp_secret = secret
    session.commit()
    session.expire_all()
    assert session.get(User, user.id).totp_secret == secret
    assert stored_secret(user.id) != secret
