import time

import pyotp
import pytest
import time_machine
from sqlalchemy import func, select

from association.audit.models import AuditEvent
from association.auth import second_factor
from association.auth.models import RecoveryCode
from association.domain import Conflict, Invalid, NotAllowed
from association.parks.models import Role
from tests.factories import PASSWORD, current_code, enrol_second_factor, login


def test_enrolment_needs_a_right_first_code(session, park, make_user):
    user = make_user(park=park)
    second_factor.begin_enrolment(session, user)
    with pytest.raises(Invalid):
        second_factor.confirm_enrolment(session, user, "000000")
    assert not user.has_second_factor
    codes = second_factor.confirm_enrolment(session, user, pyotp.TOTP(user.totp_secret).now())
    assert user.has_second_factor
    assert len(codes) == 10


def test_a_code_works_once(session, park, make_user):
    user = make_user(park=park)
    second_factor.begin_enrolment(session, user)
    code = pyotp.TOTP(user.totp_secret).now()
    second_factor.confirm_enrolment(session, user, code)
    with pytest.raises(NotAllowed):
        second_factor.verify_second_factor(session, user, code)
    with time_machine.travel(time.time() + 31):
        second_factor.verify_second_factor(session, user, pyotp.TOTP(user.totp_secret).now())


def test_a_recovery_code_works_once_and_wrong_codes_are_audited(session, park, make_user):
    user = make_user(park=park)
    second_factor.begin_enrolment(session, user)
    codes = second_factor.confirm_enrolment(session, user, pyotp.TOTP(user.totp_secret).now())
    second_factor.verify_second_factor(session, user, codes[3].upper())
    with pytest.raises(NotAllowed):
        second_factor.verify_second_factor(session, user, codes[3])
    assert (
        session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "second_factor.failed")
        )
        == 1
    )
    assert (
        session.scalar(
            select(func.count()).select_from(RecoveryCode).where(RecoveryCode.used_at.is_not(None))
        )
        == 1
    )


def test_staff_cannot_turn_their_second_factor_off(session, secretariat):
    with pytest.raises(NotAllowed):
        second_factor.reset_second_factor(session, secretariat, secretariat)


def test_only_an_administrator_resets_anothers_second_factor(
    session, admin, secretariat, make_user
):
    other = make_user(role=Role.SECRETARIAT, email="other@example.org")
    enrol_second_factor(session, other)
    with pytest.raises(NotAllowed):
        second_factor.reset_second_factor(session, secretariat, other)
    second_factor.reset_second_factor(session, admin, other)
    assert not other.has_second_factor
    assert other.totp_secret is None
    with pytest.raises(Conflict):
        second_factor.reset_second_factor(session, admin, other)


def test_sign_in_asks_for_the_second_factor(client, session, secretariat):
    response = client.post("/login", data={"email": secretariat.email, "password": PASSWORD})
    assert "/login/second-factor" in response.headers["Location"]
    assert client.get("/dashboard").status_code == 302  # not signed in yet
    wrong = client.post("/login/second-factor", data={"code": "123456"})
    assert wrong.status_code == 200
    assert b"not right" in wrong.data
    right = client.post("/login/second-factor", data={"code": current_code(session, secretariat)})
    assert right.status_code == 302
    assert client.get("/secretariat/parks").status_code == 200


def test_secretariat_without_a_second_factor_can_only_enrol(client, session, make_user, park):
    staff = make_user(role=Role.SECRETARIAT, email="new.staff@example.org")
    assert login(client, staff).status_code == 302
    for path in ("/dashboard", "/secretariat/parks", f"/secretariat/parks/{park.id}"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/account/second-factor" in response.headers["Location"], path
    response = client.post(
        f"/secretariat/parks/{park.id}/status", data={"status": "suspended", "reason": "x"}
    )
    assert "/account/second-factor" in response.headers["Location"]
    session.expire_all()
    assert park.status == "member"
    page = client.get("/account/second-factor").get_data(as_text=True)
    assert "data:image/svg+xml;base64," in page
    session.expire_all()
    staff = session.get(type(staff), staff.id)
    response = client.post(
        "/account/second-factor", data={"code": pyotp.TOTP(staff.totp_secret).now()}
    )
    assert response.status_code == 200
    assert b"recovery codes" in response.data
    assert client.get("/secretariat/parks").status_code == 200


def test_changing_a_role_needs_a_fresh_second_factor(client, session, admin, member):
    login(client, admin)
    with client.session_transaction() as cookie_session:
        cookie_session["second_factor_at"] = time.time() - 3600
    response = client.post(
        f"/secretariat/users/{member.id}/role", data={"role": "secretariat", "park": 0}
    )
    assert "/account/confirm" in response.headers["Location"]
    session.expire_all()
    assert member.role == Role.MEMBER
    client.post(response.headers["Location"], data={"code": current_code(session, admin)})
    response = client.post(
        f"/secretariat/users/{member.id}/role", data={"role": "secretariat", "park": 0}
    )
    assert response.status_code == 302
    assert "/secretariat/users/" in response.headers["Location"]
    session.expire_all()
    assert member.role == Role.SECRETARIAT


def test_members_may_turn_the_second_factor_on_and_off(client, session, delegate):
    login(client, delegate)
    client.get("/account/second-factor")
    session.expire_all()
    user = session.get(type(delegate), delegate.id)
    client.post("/account/second-factor", data={"code": pyotp.TOTP(user.totp_secret).now()})
    session.expire_all()
    assert session.get(type(delegate), delegate.id).has_second_factor
    # Turning it off asks for the current password.
    client.post("/account/second-factor/off", data={"password": "not my password"})
    session.expire_all()
    assert session.get(type(delegate), delegate.id).has_second_factor
    client.post("/account/second-factor/off", data={"password": PASSWORD})
    session.expire_all()
    assert not session.get(type(delegate), delegate.id).has_second_factor
