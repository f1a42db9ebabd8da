"""Open redirects: no `next=` (nor a Referer the app turns into one) sends anyone off the site."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from tests.factories import PASSWORD, current_code, login

OUTSIDE = [
    "https://evil.example/",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "https:evil.example",
    "/\t/evil.example/",
    "/\n/evil.example",
    " //evil.example/",
    "javascript:alert(1)",
    "http://localhost@evil.example/",
    "https://localhost.evil.example/",
    "%2F%2Fevil.example",
    "/%09/evil.example",
    "data:text/html,<script>alert(1)</script>",
]


def stays_on_site(response) -> None:
    assert response.status_code in (301, 302, 303), response.status_code
    location = response.headers["Location"]
    # What a browser would do with it: tabs and newlines dropped, backslashes read as slashes.
    seen = "".join(location.split()).replace("\\", "/")
    parts = urlsplit(seen)
    assert parts.scheme in ("", "http", "https"), location
    assert parts.netloc in ("", "localhost"), location
    assert not seen.startswith("//"), location
    assert "evil.example" not in parts.netloc, location


# Each test tries every target, each in a browser of its own (a fresh test client).


def test_login_next_cannot_leave_the_site(app, delegate):
    for target in OUTSIDE:
        response = app.test_client().post(
            "/login",
            query_string={"next": target},
            data={"email": delegate.email, "password": PASSWORD},
        )
        stays_on_site(response)


def test_second_factor_next_cannot_leave_the_site(app, session, secretariat):
    for target in OUTSIDE:
        client = app.test_client()
        first = client.post(
            "/login",
            query_string={"next": target},
            data={"email": secretariat.email, "password": PASSWORD},
        )
        stays_on_site(first)
        assert "/login/second-factor" in first.headers["Location"]
        second = client.post(
            first.headers["Location"], data={"code": current_code(session, secretariat)}
        )
        stays_on_site(second)


def test_a_signed_in_visit_to_login_with_next_cannot_leave_the_site(client, delegate):
    login(client, delegate)
    for target in OUTSIDE:
        stays_on_site(client.get("/login", query_string={"next": target}))


def test_confirming_the_second_factor_cannot_leave_the_site(client, session, secretariat):
    login(client, secretariat)
    for target in OUTSIDE:
        response = client.post(
            "/account/confirm",
            query_string={"next": target},
            data={"code": current_code(session, secretariat)},
        )
        stays_on_site(response)


def test_a_forged_referer_at_a_stale_second_factor_does_not_lead_off_the_site(
    client, session, admin, member
):
    login(client, admin)
    with client.session_transaction() as cookie:
        cookie["second_factor_at"] = time.time() - 3600
    asked = client.post(
        f"/secretariat/users/{member.id}/role",
        data={"role": "admin", "park": 0},
        headers={"Referer": "https://evil.example/phish"},
    )
    stays_on_site(asked)
    assert "/account/confirm" in asked.headers["Location"]
    confirmed = client.post(asked.headers["Location"], data={"code": current_code(session, admin)})
    stays_on_site(confirmed)


def test_a_path_on_the_site_is_still_followed(client, delegate):
    response = client.post(
        "/login",
        query_string={"next": "/initiatives?state=open"},
        data={"email": delegate.email, "password": PASSWORD},
    )
    assert response.headers["Location"] == "/initiatives?state=open"


def test_after_a_stale_second_factor_the_user_returns_to_the_page_they_were_on(
    client, session, admin, member
):
    login(client, admin)
    with client.session_transaction() as cookie:
        cookie["second_factor_at"] = time.time() - 3600
    page = f"/secretariat/users/{member.id}"
    asked = client.post(
        f"{page}/role",
        data={"role": "admin", "park": 0},
        headers={"Referer": f"http://localhost{page}"},
    )
    confirmed = client.post(asked.headers["Location"], data={"code": current_code(session, admin)})
    assert confirmed.headers["Location"] == page
