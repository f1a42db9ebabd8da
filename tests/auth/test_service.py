from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from association.audit.models import AuditEvent
from association.auth import service
from association.auth.sessions import signed_in_user
from association.domain import Conflict, Invalid, NotAllowed
from association.mail.models import OutboxMessage
from association.parks.models import Role, User
from tests.factories import PASSWORD


def _link_token(session, path: str) -> str:
    body = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first().body
    return body.split(path)[1].split()[0]


def test_sign_in_with_the_right_password(session, delegate):
    user = service.sign_in(session, "DELEGATE@astanahub.example ", PASSWORD)
    assert user.id == delegate.id
    assert user.last_login_at is not None


def test_wrong_password_and_unknown_email_get_the_same_message(session, delegate):
    with pytest.raises(NotAllowed) as wrong_password:
        service.sign_in(session, delegate.email, "not the password")
    with pytest.raises(NotAllowed) as unknown:
        service.sign_in(session, "nobody@example.org", PASSWORD)
    assert wrong_password.value.message == unknown.value.message == "Wrong e-mail or password."


def test_failed_logins_are_audited(session, delegate):
    with pytest.raises(NotAllowed):
        service.sign_in(session, delegate.email, "not the password")
    event = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert event.action == "login.failed"
    assert delegate.email in event.details


def test_deactivated_user_cannot_sign_in(session, secretariat, delegate):
    service.set_active(session, secretariat, delegate, False)
    with pytest.raises(NotAllowed, match="not active"):
        service.sign_in(session, delegate.email, PASSWORD)


def test_email_is_unique_whatever_its_case(session, make_user, park):
    make_user(email="Aigerim@Example.org", park=park)
    count_before = session.scalar(select(func.count()).select_from(User))
    with pytest.raises(Conflict):
        make_user(email="aigerim@EXAMPLE.org", park=park)
    assert session.scalar(select(func.count()).select_from(User)) == count_before


def test_short_password_is_refused(make_user, park):
    with pytest.raises(Invalid, match="at least 12"):
        make_user(password="short", park=park)


def test_member_cannot_create_users(session, member):
    with pytest.raises(NotAllowed):
        service.create_user(session, member, email="x@example.org", full_name="X", park=member.park)


def test_secretariat_cannot_make_an_administrator(session, secretariat):
    with pytest.raises(NotAllowed):
        service.create_user(
            session, secretariat, email="x@example.org", full_name="X", role=Role.ADMIN
        )


def test_invitation_sets_the_password_once(session, secretariat, park):
    user, token = service.create_user(
        session,
        secretariat,
        email="new@astanahub.example",
        full_name="New Person",
        park=park,
        invite=True,
    )
    assert not user.has_password
    assert token == _link_token(session, "/invitation/")
    service.accept_invitation(session, token, "a long enough password")
    assert service.sign_in(session, "new@astanahub.example", "a long enough password").id == user.id
    with pytest.raises(Invalid, match="already been used"):
        service.accept_invitation(session, token, "another long password")


def test_expired_invitation_is_refused(session, secretariat, park):
    _user, token = service.create_user(
        session,
        secretariat,
        email="late@astanahub.example",
        full_name="Late",
        park=park,
        invite=True,
    )
    with time_machine.travel(timedelta(hours=73)):
        with pytest.raises(Invalid, match="expired"):
            service.accept_invitation(session, token, "a long enough password")


def test_password_reset_link_works_once_and_ends_other_sessions(session, delegate):
    earlier = service.sign_in(session, delegate.email, PASSWORD).signed_in_key
    service.request_password_reset(session, delegate.email)
    token = _link_token(session, "/reset/")
    service.reset_password(session, token, "my brand new password")
    assert signed_in_user(session, earlier) is None
    assert service.sign_in(session, delegate.email, "my brand new password")
    with pytest.raises(Invalid, match="already been used"):
        service.reset_password(session, token, "yet another password")


def test_password_reset_for_unknown_email_sends_nothing(session):
    service.request_password_reset(session, "nobody@example.org")
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_change_role_is_for_administrators(session, admin, secretariat, member):
    with pytest.raises(NotAllowed):
        service.change_role(session, secretariat, member, Role.SECRETARIAT)
    service.change_role(session, admin, member, Role.SECRETARIAT)
    assert member.role == Role.SECRETARIAT
    assert member.park is None
    assert not member.is_delegate


def test_delegate_duty_needs_a_park(session, secretariat, make_user):
    staff = make_user(role=Role.SECRETARIAT)
    with pytest.raises(Invalid):
        service.set_park_duties(session, secretariat, staff, delegate=True, signatory=False)


@pytest.mark.parametrize(
    "password",
    [
        "password1234",
        "qwerty123456",
        "passwordpassword",
        "Iloveyou2026!",
        "123456789012",
        "!!!!football!!",
    ],
)
def test_common_passwords_are_refused(make_user, park, password):
    with pytest.raises(Invalid, match="most common"):
        make_user(password=password, park=park)


@pytest.mark.parametrize(
    "password",
    ["correct horse battery staple", "Astana-Bishkek 2026 spring", "my park has 40 residents"],
)
def test_long_uncommon_passwords_are_accepted(make_user, park, password):
    assert make_user(password=password, park=park).has_password
