"""Every place that asks for the current password shares sign-in's throttle and audit, per
account and per address; sign-in and the second-factor step are limited per account as well
as per address; a pending second-factor step expires; a throttled account or address is
audited once per window, not once per request."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from association.audit.models import AuditEvent
from association.auth import second_factor, service
from association.auth.throttle import TooManyAttempts
from association.domain import NotAllowed
from tests.factories import PASSWORD, current_code, enrol_second_factor, login

NEW = "a new and long passphrase"


@pytest.fixture
def app_config(app_config):
    # Windows of an hour: a slow machine must not see a minute's window pass mid-test.
    return {**app_config, "LOGIN_RATE_LIMIT": "10 per hour"}


def audited(session, action: str) -> int:
    return session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    )


def _change_password(client, current: str):
    return client.post(
        "/account",
        data={
            "password-current_password": current,
            "password-password": NEW,
            "password-confirm": NEW,
            "password-submit": "Change password",
        },
    )


def _from(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}}


def test_wrong_current_passwords_on_the_account_page_are_throttled_and_audited(
    client, session, delegate
):
    login(client, delegate)
    statuses = [_change_password(client, f"guess number {n}").status_code for n in range(12)]
    assert statuses[:10] == [200] * 10
    assert statuses[10:] == [429, 429]
    assert audited(session, "password.check_failed") == 10
    # Throttled, even the right password changes nothing.
    assert _change_password(client, PASSWORD).status_code == 429
    session.expire_all()
    assert service.sign_in(session, delegate.email, PASSWORD)  # off the web: the old password


def test_current_password_checks_and_sign_in_share_one_throttle_per_account(
    session, delegate, member
):
    enrol_second_factor(session, delegate)
    # Off the web there is no address: the account's own limit (20 per hour) holds alone.
    for n in range(20):
        with pytest.raises(NotAllowed):
            service.change_password(session, delegate, f"guess number {n}", NEW)
    with pytest.raises(TooManyAttempts):
        service.sign_in(session, delegate.email, PASSWORD)
    with pytest.raises(TooManyAttempts):
        second_factor.reset_second_factor(session, delegate, delegate, current_password=PASSWORD)
    # Another account is not held back.
    assert service.sign_in(session, member.email, PASSWORD).id == member.id


def test_turning_the_second_factor_off_asks_for_the_current_password(client, session, delegate):
    enrol_second_factor(session, delegate)
    login(client, delegate)
    response = client.post("/account/second-factor/off", data={"password": "not my password"})
    assert response.status_code == 200
    assert "The current password is not right." in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(type(delegate), delegate.id).has_second_factor
    assert audited(session, "password.check_failed") == 1


def test_sign_in_is_limited_per_account_across_addresses(client, session, delegate):
    statuses = [
        client.post(
            "/login",
            data={"email": delegate.email, "password": f"guess number {n}"},
            **_from(f"10.0.{n}.1"),
        ).status_code
        for n in range(22)
    ]
    assert statuses[:20] == [200] * 20
    assert statuses[20:] == [429, 429]
    response = client.post(
        "/login", data={"email": delegate.email, "password": PASSWORD}, **_from("10.9.9.9")
    )
    assert response.status_code == 429


def test_the_second_factor_step_is_limited_per_account_across_addresses(
    client, session, secretariat
):
    step = client.post("/login", data={"email": secretariat.email, "password": PASSWORD}).headers[
        "Location"
    ]
    statuses = [
        client.post(step, data={"code": "000000"}, **_from(f"10.1.{n}.1")).status_code
        for n in range(22)
    ]
    assert statuses[:20] == [200] * 20
    assert statuses[20:] == [429, 429]
    response = client.post(
        step, data={"code": current_code(session, secretariat)}, **_from("10.9.9.9")
    )
    assert response.status_code == 429


def test_a_pending_second_factor_step_expires_after_five_minutes(client, session, secretariat):
    step = client.post("/login", data={"email": secretariat.email, "password": PASSWORD}).headers[
        "Location"
    ]
    with time_machine.travel(timedelta(minutes=6)):
        response = client.post(step, data={"code": current_code(session, secretariat)})
        assert response.status_code == 302
        assert "/login/second-factor" not in response.headers["Location"]
        assert client.get("/secretariat/users").status_code == 302
    assert audited(session, "second_factor.verified") == 0


def test_a_pending_step_cannot_be_completed_late_through_the_domain_either(session, secretariat):
    user = service.sign_in(session, secretariat.email, PASSWORD)
    with time_machine.travel(timedelta(minutes=6)):
        with pytest.raises(Exception, match="run out"):
            second_factor.verify_second_factor(session, user, current_code(session, secretariat))
    assert not user.second_factor_passed


def test_a_throttled_address_is_audited_once_per_window(client, session, delegate):
    for n in range(30):
        client.post("/login", data={"email": delegate.email, "password": f"guess {n}"})
    assert audited(session, "login.failed") == 10
    assert audited(session, "login.throttled") == 1
