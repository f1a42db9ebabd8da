import pytest
from sqlalchemy import func, select

from association.audit.models import AuditEvent
from association.auth import service
from association.mail.models import OutboxMessage
from association.parks.models import Park, User
from tests.factories import PASSWORD, csrf_token_from, login


def test_login_form_signs_in_and_shows_the_dashboard(client, delegate):
    response = login(client, delegate)
    assert response.status_code == 302
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Welcome, Aigerim Sadykova" in page


def test_wrong_password_shows_one_message_for_both_cases(client, delegate):
    wrong = client.post(
        "/login", data={"email": delegate.email, "password": "wrong password!"}
    ).get_data(as_text=True)
    unknown = client.post(
        "/login", data={"email": "ghost@example.org", "password": "wrong password!"}
    ).get_data(as_text=True)
    assert "Wrong e-mail or password." in wrong
    assert "Wrong e-mail or password." in unknown


def test_eleventh_failed_login_in_a_minute_is_throttled_and_audited(client, session, delegate):
    for _ in range(10):
        assert (
            client.post(
                "/login", data={"email": delegate.email, "password": "wrong password!"}
            ).status_code
            == 200
        )
    response = client.post("/login", data={"email": delegate.email, "password": "wrong password!"})
    assert response.status_code == 429
    assert b"Too many attempts" in response.data
    assert (
        session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "login.throttled")
        )
        == 1
    )


def test_successful_logins_do_not_count_toward_the_limit(client, delegate):
    for _ in range(12):
        assert login(client, delegate).status_code == 302
        client.post("/logout")


def test_logout_is_a_post(client, delegate):
    login(client, delegate)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/dashboard").status_code == 302  # back to the login page


@pytest.mark.csrf
def test_post_without_csrf_token_is_refused_and_changes_nothing(client, session, secretariat, park):
    page = client.get("/login").get_data(as_text=True)
    client.post(
        "/login",
        data={
            "email": secretariat.email,
            "password": PASSWORD,
            "csrf_token": csrf_token_from(page),
        },
    )
    response = client.post(
        f"/secretariat/parks/{park.id}/status", data={"status": "suspended", "reason": "x"}
    )
    assert response.status_code == 400
    assert b"The form had expired" in response.data
    session.expire_all()
    assert session.get(Park, park.id).status == "member"


@pytest.mark.csrf
def test_login_without_csrf_token_is_refused(client, delegate):
    response = client.post("/login", data={"email": delegate.email, "password": PASSWORD})
    assert response.status_code == 400


def test_deactivated_users_session_ends(client, session, secretariat, delegate):
    login(client, delegate)
    assert client.get("/dashboard").status_code == 200
    service.set_active(session, secretariat, delegate, False)
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_a_remembered_member_of_a_withdrawn_park_is_told_once_and_forgotten(
    client, session, secretariat, park, delegate
):
    from association.parks.models import ParkStatus
    from association.parks.service import change_park_status

    client.post("/login", data={"email": delegate.email, "password": PASSWORD, "remember": "y"})
    assert client.get_cookie("remember_token") is not None
    change_park_status(session, secretariat, park, ParkStatus.WITHDRAWN, "left the association")
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert client.get_cookie("remember_token") is None
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert (
        f"You have been signed out: {park.name_latin} has withdrawn from the association." in page
    )
    assert client.get("/dashboard").status_code == 302
    assert "signed out" not in client.get("/login").get_data(as_text=True)


def test_member_gets_403_on_secretariat_pages(client, member):
    login(client, member)
    for path in (
        "/secretariat/",
        "/secretariat/parks",
        "/secretariat/users",
        "/secretariat/audit/",
        "/secretariat/outbox/",
        "/secretariat/parks/new",
    ):
        assert client.get(path).status_code == 403, path


def test_visitor_is_sent_to_sign_in_from_secretariat_pages(client):
    response = client.get("/secretariat/parks")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_next_parameter_cannot_send_anyone_elsewhere(client, delegate):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post(
            f"/login?next={target}", data={"email": delegate.email, "password": PASSWORD}
        )
        assert response.headers["Location"] == "/dashboard", target
        client.post("/logout")
    response = client.post(
        "/login?next=/account", data={"email": delegate.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/account"


def test_invitation_link_through_the_pages(client, session, secretariat, park):
    login(client, secretariat)
    response = client.post(
        "/secretariat/users/invite",
        data={
            "full_name": "Dana Serikova",
            "email": "dana@astanahub.example",
            "park": park.id,
            "delegate": "y",
        },
    )
    assert response.status_code == 302
    client.post("/logout")
    body = session.scalars(select(OutboxMessage)).one().body
    path = "/invitation/" + body.split("/invitation/")[1].split()[0]
    assert "Dana Serikova" in client.get(path).get_data(as_text=True)
    response = client.post(
        path, data={"password": "a long enough password", "confirm": "a long enough password"}
    )
    assert response.status_code == 302
    assert "Welcome, Dana Serikova" in client.get("/dashboard").get_data(as_text=True)
    client.post("/logout")
    again = client.get(path)
    assert again.status_code == 410
    assert b"already been used" in again.data
    assert (
        client.post(
            "/login", data={"email": "dana@astanahub.example", "password": "a long enough password"}
        ).status_code
        == 302
    )


def test_invitation_form_shows_errors_for_mismatched_passwords(client, session, secretariat, park):
    _user, token = service.create_user(
        session, secretariat, email="p@astanahub.example", full_name="P", park=park, invite=True
    )
    response = client.post(
        f"/invitation/{token}", data={"password": "a long enough password", "confirm": "other"}
    )
    assert response.status_code == 200
    assert b"The two passwords are not the same." in response.data
    assert not session.scalar(select(User).where(User.email == "p@astanahub.example")).has_password


def test_password_change_ends_other_sessions(app, delegate):
    first, second = app.test_client(), app.test_client()
    login(first, delegate)
    login(second, delegate)
    response = first.post(
        "/account",
        data={
            "password-current_password": PASSWORD,
            "password-password": "a brand new password",
            "password-confirm": "a brand new password",
            "password-submit": "y",
        },
    )
    assert response.status_code == 302
    assert first.get("/dashboard").status_code == 200
    assert second.get("/dashboard").status_code == 302


def test_preferences_change_the_time_zone_shown(client, session, delegate):
    login(client, delegate)
    client.post(
        "/account",
        data={"prefs-language": "en", "prefs-timezone": "Asia/Baku", "prefs-submit": "y"},
    )
    assert "Asia/Baku" in client.get("/dashboard").get_data(as_text=True)
