"""A reset or invitation link sets a password, never the second factor: a staff account that
sets its password through a link still lands on the code step, and the staff check asks
whether this session passed the second factor, not whether the account has one."""

from __future__ import annotations

import pyotp
from sqlalchemy import select

from association.auth import service
from association.auth.sessions import signed_in_user
from association.mail.models import OutboxMessage
from association.parks.models import Role
from tests.factories import PASSWORD, current_code, login

NEW_PASSWORD = "a brand new passphrase"


def _link(session, path: str) -> str:
    body = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first().body
    return path + body.split(path)[1].split()[0]


def _set_password(client, link: str):
    return client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})


def test_a_reset_link_does_not_sign_staff_in_past_the_second_factor(client, session, admin):
    service.request_password_reset(session, admin.email)
    response = _set_password(client, _link(session, "/reset/"))
    assert response.status_code == 302
    assert "/login/second-factor" in response.headers["Location"]
    for page in ("/secretariat/users", "/dashboard", "/account"):
        refused = client.get(page)
        assert refused.status_code == 302, page
        assert "/login" in refused.headers["Location"], page
    # The code completes the sign-in, as at any other sign-in.
    step = client.post(response.headers["Location"], data={"code": current_code(session, admin)})
    assert step.status_code == 302
    assert client.get("/secretariat/users").status_code == 200


def test_an_invitation_to_a_staff_account_leads_to_setting_up_the_second_factor(
    client, session, admin
):
    _user, token = service.create_user(
        session,
        admin,
        email="new-staff@example.org",
        full_name="New Staff",
        role=Role.SECRETARIAT,
        invite=True,
    )
    _set_password(client, f"/invitation/{token}")
    response = client.get("/secretariat/users")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account/second-factor")


def test_a_member_with_a_second_factor_is_asked_for_it_after_a_reset(client, session, delegate):
    from tests.factories import enrol_second_factor

    enrol_second_factor(session, delegate)
    service.request_password_reset(session, delegate.email)
    response = _set_password(client, _link(session, "/reset/"))
    assert "/login/second-factor" in response.headers["Location"]
    assert client.get("/account").status_code == 302


def test_a_staff_session_counts_only_once_it_has_passed_the_second_factor(session, secretariat):
    # The right password alone makes a session still waiting for the code: its key opens nothing.
    user = service.sign_in(session, secretariat.email, PASSWORD)
    assert not user.second_factor_passed
    assert signed_in_user(session, user.signed_in_key) is None


def test_a_session_opened_before_the_second_factor_was_set_up_elsewhere_cannot_act(
    app, session, make_user
):
    staff = make_user(role=Role.SECRETARIAT, email="new-staff@example.org")
    here, there = app.test_client(), app.test_client()
    login(here, staff)
    login(there, staff)
    here.get("/account/second-factor")
    session.expire_all()
    secret = session.get(type(staff), staff.id).totp_secret
    here.post("/account/second-factor", data={"code": pyotp.TOTP(secret).now()})
    assert here.get("/secretariat/users").status_code == 200
    # The account has a second factor now; the other session never passed it.
    response = there.get("/secretariat/users")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
