"""One test per attack on what the foundation offers; each asserts the refusal and that nothing changed."""

import pytest
from flask import Flask

from association.auth import service
from association.auth.sessions import signed_in_user
from tests.factories import PASSWORD, login
from tests.security.conftest import database_fingerprint

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_text_fields_are_escaped_when_rendered_back(
    client, session, secretariat, make_park, make_user
):
    park = make_park(XSS, name_native=XSS, city=XSS)
    user = make_user(park=park, full_name=XSS, title=XSS)
    login(client, secretariat)
    for path in (
        "/",
        "/secretariat/parks",
        f"/secretariat/parks/{park.id}",
        "/secretariat/users",
        f"/secretariat/users/{user.id}",
        "/secretariat/audit/",
    ):
        page = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in page, path
        assert "<img src=x" not in page, path
        if "audit" not in path:  # the audit log shows the slug, not the name
            assert "&lt;script&gt;" in page, path


@pytest.mark.parametrize(
    "query", ["' OR 1=1 --", '"; DROP TABLE parks; --', "%", "_", "\\", "admin'--"]
)
def test_sql_metacharacters_in_search_boxes_are_only_text(
    client, session, secretariat, park, query
):
    login(client, secretariat)
    before = database_fingerprint()
    for path in ("/secretariat/parks", "/secretariat/users", "/secretariat/audit/"):
        response = client.get(path, query_string={"q": query, "action": query})
        assert response.status_code == 200, path
    parks_page = client.get("/secretariat/parks", query_string={"q": query}).get_data(as_text=True)
    if query not in ("%", "_"):
        assert "Astana Hub" not in parks_page
    assert database_fingerprint() == before


def test_session_starts_anew_at_sign_in(client, session, delegate):
    with client.session_transaction() as planted:
        planted["planted_by_attacker"] = "yes"
    login(client, delegate)
    with client.session_transaction() as after:
        assert "planted_by_attacker" not in after
        key = after.get("_user_id", "")
    # The cookie names a new signed-in session of this user (kept on the server).
    assert signed_in_user(session, key).id == delegate.id


def test_stolen_session_of_a_deactivated_user_is_dead(app, session, secretariat, delegate):
    thief = app.test_client()
    login(thief, delegate)
    service.set_active(session, secretariat, delegate, False)
    assert thief.get("/dashboard").status_code == 302
    assert thief.get("/account").status_code == 302


def test_server_errors_get_a_readable_page_without_details(app_config):
    from association import create_app
    from association.extensions import db

    app: Flask = create_app(dict(app_config, TESTING=False, PROPAGATE_EXCEPTIONS=False))

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    with app.app_context():
        db.create_all()
        response = app.test_client().get("/boom")
        db.drop_all()
        db.engine.dispose()
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.data
    assert b"secret internals" not in response.data


def test_oversize_request_gets_a_413_page(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/login", data={"email": "x" * 4096, "password": PASSWORD})
    assert response.status_code == 413
    assert b"The upload is too large" in response.data
