"""Signed-in pages are kept by no cache: after signing out on a shared computer, Back shows nothing."""

from tests.factories import login


def test_signed_in_pages_send_no_store(client, populated):
    login(client, populated["member"])
    for path in ("/", "/account", "/initiatives", "/meetings", "/members"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path


def test_secretariat_pages_send_no_store(client, admin):
    login(client, admin)
    for path in ("/secretariat/", "/secretariat/outbox/", "/dashboard"):
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path


def test_sign_in_and_reset_pages_send_no_store(client):
    for path in ("/login", "/reset", "/reset/some-token", "/invitation/some-token"):
        assert client.get(path).headers.get("Cache-Control") == "no-store", path


def test_public_pages_and_static_files_stay_cacheable(client, populated):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    login(client, populated["member"])
    static = client.get("/static/site.css")
    assert static.status_code == 200
    assert "no-store" not in static.headers.get("Cache-Control", "")
