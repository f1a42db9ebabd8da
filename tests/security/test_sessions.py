"""Signing out ends the session: the cookies a browser had open nothing afterwards. Sessions end
by themselves when idle, "keep me signed in" ends after its lifetime, and a user sees their
sessions and can end all the others."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from association.parks.models import SignedInSession
from tests.factories import PASSWORD, current_code, login

SESSION = "session"
REMEMBER = "remember_token"


def signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def test_the_old_session_cookie_is_refused_after_signing_out(client, delegate):
    login(client, delegate)
    cookie = client.get_cookie(SESSION).value
    assert signed_in(client)
    client.post("/logout")
    assert not signed_in(client)
    client.set_cookie(SESSION, cookie)
    assert not signed_in(client)


def test_the_remember_me_cookie_is_refused_after_signing_out(app, client, delegate):
    client.post("/login", data={"email": delegate.email, "password": PASSWORD, "remember": "y"})
    remember = client.get_cookie(REMEMBER).value
    elsewhere = app.test_client()
    elsewhere.set_cookie(REMEMBER, remember)
    assert signed_in(elsewhere)  # the cookie alone signs in, as it should
    client.post("/logout")
    later = app.test_client()
    later.set_cookie(REMEMBER, remember)
    assert not signed_in(later)


def test_a_staff_session_ends_after_thirty_idle_minutes(client, secretariat):
    login(client, secretariat)
    with time_machine.travel(timedelta(minutes=20)):
        assert signed_in(client)
    with time_machine.travel(timedelta(minutes=51)):
        assert not signed_in(client)


def test_a_staff_session_kept_signed_in_still_ends_when_idle(client, session, secretariat):
    step = client.post(
        "/login", data={"email": secretariat.email, "password": PASSWORD, "remember": "y"}
    ).headers["Location"]
    client.post(step, data={"code": current_code(session, secretariat)})
    assert client.get_cookie(REMEMBER) is not None
    with time_machine.travel(timedelta(minutes=31)):
        assert not signed_in(client)


def test_a_member_session_ends_after_twelve_idle_hours(client, delegate):
    login(client, delegate)
    with time_machine.travel(timedelta(hours=11)):
        assert signed_in(client)
    with time_machine.travel(timedelta(hours=23, minutes=1)):
        assert not signed_in(client)


def test_keep_me_signed_in_lasts_thirty_days_at_most(app, client, delegate):
    client.post("/login", data={"email": delegate.email, "password": PASSWORD, "remember": "y"})
    remember = client.get_cookie(REMEMBER).value
    with time_machine.travel(timedelta(days=20)):
        # A remembered member is not signed out for being idle.
        assert signed_in(client)
    with time_machine.travel(timedelta(days=30, minutes=1)):
        later = app.test_client()
        later.set_cookie(REMEMBER, remember)
        assert not signed_in(later)


def test_account_lists_the_sessions_and_ends_all_others(app, session, delegate):
    here, there = app.test_client(), app.test_client()
    login(here, delegate)
    there.post(
        "/login",
        data={"email": delegate.email, "password": PASSWORD},
        headers={"User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Firefox/128.0"},
    )
    page = here.get("/account").get_data(as_text=True)
    assert "Where you are signed in" in page
    assert "Firefox on Linux" in page
    assert "this session" in page
    assert "Sign out all other sessions" in page
    response = here.post("/account/sessions/end-others")
    assert response.status_code == 302
    assert "signed out of 1 other session" in here.get("/account").get_data(as_text=True)
    assert not signed_in(there)
    assert signed_in(here)
    assert session.query(SignedInSession).count() == 1


def test_a_password_change_signs_out_every_other_session(app, delegate):
    here, there = app.test_client(), app.test_client()
    login(here, delegate)
    login(there, delegate)
    response = here.post(
        "/account",
        data={
            "password-current_password": PASSWORD,
            "password-password": "a new and long passphrase",
            "password-confirm": "a new and long passphrase",
            "password-submit": "Change password",
        },
    )
    assert response.status_code == 302
    assert signed_in(here)
    assert not signed_in(there)


def test_deactivation_ends_every_session_at_once(app, session, secretariat, delegate):
    from association.auth.service import set_active

    here = app.test_client()
    login(here, delegate)
    set_active(session, secretariat, delegate, False)
    assert not signed_in(here)
    assert session.query(SignedInSession).filter_by(user_id=delegate.id).count() == 0
