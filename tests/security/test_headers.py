import pytest

from tests.factories import login

PAGES = ["/", "/login", "/healthz", "/no/such/page", "/reset"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_type_carries_the_security_headers(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_signed_in_pages_carry_the_headers_too(client, secretariat):
    login(client, secretariat)
    for path in ("/dashboard", "/secretariat/parks", "/account"):
        assert "Content-Security-Policy" in client.get(path).headers


def test_cookies_are_httponly_and_lax(client, delegate):
    response = login(client, delegate)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_https_deployment_gets_secure_cookies_and_hsts(app_config):
    from association import create_app
    from association.extensions import db

    app = create_app(dict(app_config, PREFERRED_URL_SCHEME="https", TRUST_PROXY_HOPS=1))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    with app.app_context():
        db.create_all()
        response = app.test_client().get("/login", headers={"X-Forwarded-Proto": "https"})
        assert "max-age=" in response.headers["Strict-Transport-Security"]
        plain = app.test_client().get("/login", base_url="http://localhost")
        assert "Strict-Transport-Security" not in plain.headers
        db.drop_all()
        db.engine.dispose()


def test_there_is_a_request_size_limit(app):
    assert app.config["MAX_CONTENT_LENGTH"] > 0
