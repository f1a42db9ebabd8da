"""The account's API tokens page, through the test client: make a token (its secret shown once),
revoke one, and nothing of another user's."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from association.api.models import ApiToken
from association.api.personal_tokens import PREFIX, authenticate
from association.audit.models import AuditEvent
from association.domain import NotAuthenticated
from association.parks.models import ParkStatus
from association.parks.service import change_park_status
from association.tokens import token_digest
from tests.factories import csrf_token_from, login, make_api_token

PAGE = "/account/tokens"
SECRET = re.compile(r'id="new-token" type="text" value="(amt_[^"]+)"')


def _create(client, **given):
    data = {"name": "Park portal", "scopes": ["read"], "days": "90", **given}
    return client.post(PAGE, data=data)


def _count(session) -> int:
    return session.scalar(select(func.count()).select_from(ApiToken))


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_the_account_page_leads_to_the_tokens_page(client, member):
    login(client, member)
    assert f'href="{PAGE}"' in client.get("/account").get_data(as_text=True)


def test_the_page_offers_the_vote_scope_to_a_delegate_only(client, delegate, member):
    login(client, delegate)
    page = client.get(PAGE).get_data(as_text=True)
    assert 'value="vote"' in page
    assert re.search(r'<input checked [^>]*value="read"', page)
    assert re.search(r'<input [^>]*name="days" [^>]*value="90"', page)

    client.post("/logout")
    login(client, member)
    page = client.get(PAGE).get_data(as_text=True)
    assert 'value="read"' in page
    assert 'value="vote"' not in page


def test_a_new_tokens_secret_is_shown_once(client, session, delegate):
    login(client, delegate)
    response = _create(client, name="CRM sync", scopes=["read", "vote"], days="30")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    (secret,) = SECRET.findall(page)
    assert secret.startswith(PREFIX)
    assert "it will not be shown again" in page
    # Neither in a cookie nor in a message kept for the next page.
    assert all(secret not in cookie for cookie in response.headers.getlist("Set-Cookie"))
    with client.session_transaction() as kept:
        assert secret not in repr(dict(kept))

    token = session.scalars(select(ApiToken)).one()
    assert token.token_hash == token_digest(secret)
    assert token.name == "CRM sync"
    assert token.scopes == "read vote"
    assert (token.expires_at - token.created_at).days == 30
    assert authenticate(session, secret).id == token.id

    again = client.get(PAGE)
    listed = again.get_data(as_text=True)
    assert again.headers["Cache-Control"] == "no-store"
    assert secret not in listed
    assert SECRET.search(listed) is None
    assert "CRM sync" in listed
    assert "never" not in listed  # it has been used since (the authenticate above)


def test_the_list_shows_each_tokens_status(client, session, delegate):
    make_api_token(session, delegate, name="Kept")
    gone, _secret = make_api_token(session, delegate, name="Gone")
    login(client, delegate)
    client.post(f"{PAGE}/{gone.id}/revoke")
    page = client.get(PAGE).get_data(as_text=True)
    assert page.index("Gone") < page.index("Kept")  # the newest first
    assert "revoked" in page
    assert "active" in page
    assert page.count(">Revoke</button>") == 1


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"name": "x" * 101}, "Field cannot be longer than 100 characters."),
        ({"days": ""}, "This field is required."),
        ({"days": "ninety"}, "Not a valid integer value."),
        ({"days": "366"}, "at most 365 days"),
        ({"days": "0"}, "at most 365 days"),
        ({"scopes": []}, "Please choose at least one scope."),
        ({"scopes": ["sign"]}, "is not a valid choice"),
    ],
)
def test_a_form_with_a_mistake_says_so_and_makes_nothing(client, session, delegate, given, message):
    login(client, delegate)
    response = _create(client, **given)
    page = response.get_data(as_text=True)
    assert response.status_code in (200, 400)
    shown = re.findall(r'class="invalid-feedback[^"]*">\s*([^<]+)', page.replace("&#39;", "'"))
    assert any(message in error for error in shown), shown
    assert SECRET.search(page) is None
    assert _count(session) == 0


def test_a_member_who_is_no_delegate_cannot_ask_for_the_vote_scope(client, session, member):
    login(client, member)
    response = _create(client, scopes=["read", "vote"])
    assert "is not a valid choice" in response.get_data(as_text=True).replace("&#39;", "'")
    assert _count(session) == 0


def test_the_people_of_a_suspended_park_are_told_why_they_cannot_create_one(
    client, session, secretariat, park, member
):
    make_api_token(session, member)
    change_park_status(session, secretariat, park, ParkStatus.SUSPENDED, "Dues unpaid.")
    login(client, member)
    page = client.get(PAGE).get_data(as_text=True)
    assert "Astana Hub is suspended: its people cannot create API tokens." in page
    assert 'name="name"' not in page
    refused = _create(client)
    assert refused.status_code == 403
    assert "cannot create API tokens" in refused.get_data(as_text=True)
    assert _count(session) == 1


def test_the_secretariat_creates_a_token_after_its_second_factor(client, session, secretariat):
    login(client, secretariat)  # with the authentication code
    page = client.get(PAGE).get_data(as_text=True)
    assert 'name="name"' in page
    assert 'value="vote"' not in page
    response = _create(client)
    assert SECRET.search(response.get_data(as_text=True))
    assert session.scalars(select(ApiToken)).one().user_id == secretariat.id


def test_revoking_a_token_stops_it_and_says_so(client, session, delegate):
    token, secret = make_api_token(session, delegate, name="Park portal")
    login(client, delegate)
    response = client.post(f"{PAGE}/{token.id}/revoke")
    assert response.status_code == 302
    assert response.headers["Location"] == PAGE
    page = client.get(PAGE).get_data(as_text=True)
    assert "The token Park portal is revoked: it no longer works." in page
    with pytest.raises(NotAuthenticated, match="revoked"):
        authenticate(session, secret)


def test_revoking_twice_says_it_was_already_revoked(client, session, delegate):
    token, _secret = make_api_token(session, delegate)
    login(client, delegate)
    client.post(f"{PAGE}/{token.id}/revoke")
    response = client.post(f"{PAGE}/{token.id}/revoke", follow_redirects=True)
    assert "This API token is already revoked." in response.get_data(as_text=True)
    revoked = select(func.count()).where(AuditEvent.action == "api_token.revoked")
    assert session.scalar(revoked) == 1


def test_another_users_token_is_not_found(client, session, delegate, member):
    token, secret = make_api_token(session, delegate, name="Delegate's portal")
    login(client, member)
    response = client.post(f"{PAGE}/{token.id}/revoke")
    assert response.status_code == 404
    assert "Delegate's portal" not in client.get(PAGE).get_data(as_text=True)
    assert authenticate(session, secret).id == token.id


def test_a_tokens_name_is_shown_as_text(client, session, delegate):
    make_api_token(session, delegate, name='<script>alert("x")</script>')
    login(client, delegate)
    page = client.get(PAGE).get_data(as_text=True)
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;" in page


@pytest.mark.csrf
def test_creating_and_revoking_need_the_forms_csrf_token(client, session, delegate):
    token, _secret = make_api_token(session, delegate)
    login_page = client.get("/login").get_data(as_text=True)
    client.post(
        "/login",
        data={
            "email": delegate.email,
            "password": "correct horse battery staple",
            "csrf_token": csrf_token_from(login_page),
        },
    )
    assert _create(client).status_code == 400
    assert client.post(f"{PAGE}/{token.id}/revoke").status_code == 400
    assert _count(session) == 1
    assert session.get(ApiToken, token.id).revoked_at is None

    csrf = csrf_token_from(client.get(PAGE).get_data(as_text=True))
    assert SECRET.search(_create(client, csrf_token=csrf).get_data(as_text=True))
    assert client.post(f"{PAGE}/{token.id}/revoke", data={"csrf_token": csrf}).status_code == 302
    session.expire_all()
    assert session.get(ApiToken, token.id).revoked_at is not None
