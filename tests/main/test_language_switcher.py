"""Choosing the page's language: the switcher, the cookie, the account, the browser's wish."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from association.audit.models import AuditEvent
from association.catalogs import read_catalog
from association.languages import LANGUAGES
from association.web import LANGUAGE_COOKIE
from tests.factories import csrf_token_from, login, make_park, make_user


def translated(language: str, message: str) -> str:
    return read_catalog(language)[message].string


def page(client, path: str = "/", **headers) -> str:
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def test_a_new_visitor_reads_the_best_match_of_their_browsers_languages(client):
    body = page(client, "/login", **{"Accept-Language": "de-DE,kk-KZ;q=0.9,en;q=0.5"})
    assert '<html lang="kk">' in body
    assert translated("kk", "Sign in") in body


def test_a_browser_asking_for_no_language_we_speak_gets_english(client):
    body = page(client, "/login", **{"Accept-Language": "fr-FR,de;q=0.8"})
    assert '<html lang="en">' in body


def test_a_visitors_choice_is_kept_in_a_cookie_and_beats_the_browser(client):
    response = client.post("/language", data={"language": "tr", "next": "/members"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/members"
    cookie = client.get_cookie(LANGUAGE_COOKIE)
    assert cookie is not None
    assert cookie.value == "tr"
    assert cookie.http_only
    body = page(client, "/members", **{"Accept-Language": "ru"})
    assert '<html lang="tr">' in body
    assert translated("tr", "Members") in body


def test_the_query_names_a_language_for_one_page(client):
    assert '<html lang="az">' in page(client, "/login?lang=az")
    assert '<html lang="en">' in page(client, "/login")


@pytest.mark.parametrize("code", ["xx", "", "../../etc/passwd", "kk-KZ", "EN"])
def test_an_unknown_language_anywhere_falls_back_to_english_without_an_error(client, code):
    assert '<html lang="en">' in page(client, f"/login?lang={code}")
    client.set_cookie(LANGUAGE_COOKIE, code)
    assert '<html lang="en">' in page(client, "/login")
    response = client.post("/language", data={"language": code, "next": "/login"})
    assert response.status_code == 302
    assert client.get_cookie(LANGUAGE_COOKIE).value == "en"


def test_the_switcher_never_sends_anyone_to_another_site(client):
    for target in ["https://evil.example/", "//evil.example/", "/\\evil.example"]:
        response = client.post("/language", data={"language": "ru", "next": target})
        assert response.headers["Location"] == "/"


def test_a_signed_in_users_choice_is_saved_on_the_account_and_audited(client, session):
    user = make_user(session, park=make_park(session))
    login(client, user)
    client.post("/language", data={"language": "ky", "next": "/dashboard"})
    session.expire_all()
    assert user.chosen_language == "ky"
    assert session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.preferences_changed")
    ).all()
    # The account wins over the browser's wish, and the cookie keeps it after signing out.
    assert '<html lang="ky">' in page(client, "/dashboard", **{"Accept-Language": "tr"})
    client.post("/logout")
    assert '<html lang="ky">' in page(client, "/login")


def test_a_user_who_has_not_chosen_reads_their_parks_language(client, session):
    user = make_user(session, park=make_park(session, country="AZ", language="az"))
    login(client, user)
    body = page(client, "/dashboard", **{"Accept-Language": "en"})
    assert '<html lang="az">' in body
    assert translated("az", "Dashboard") in body


def test_the_switcher_lists_every_language_in_its_own_name_in_header_and_footer(client):
    body = page(client, "/")
    for code, name in LANGUAGES:
        assert body.count(f'value="{code}" lang="{code}"') == 2
        assert body.count(name) >= 2


def test_wtforms_own_messages_come_from_our_catalogs(client):
    # WTForms ships no Azerbaijani: this message is ours.
    body = page(client, "/login?lang=az")
    response = client.post("/login?lang=az", data={"email": "", "password": ""})
    body = html.unescape(response.get_data(as_text=True))
    assert translated("az", "This field is required.") in body


@pytest.mark.csrf
def test_the_switcher_needs_the_pages_csrf_token(client):
    assert client.post("/language", data={"language": "ru"}).status_code == 400
    assert client.get_cookie(LANGUAGE_COOKIE) is None
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    response = client.post("/language", data={"language": "ru", "csrf_token": token})
    assert response.status_code == 302
