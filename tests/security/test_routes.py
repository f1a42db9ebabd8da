"""Routes are enumerated from the app's url_map, so a new route is covered the day it lands."""

import pytest

from association.audit.log import verify_chain
from tests.factories import login
from tests.security.conftest import STATE_CHANGING, database_fingerprint, routes


@pytest.mark.csrf
def test_every_state_changing_route_refuses_a_post_without_csrf_token(
    app, client, session, populated
):
    login_page = client.get("/login")  # a session exists, but the POSTs below carry no token
    assert login_page.status_code == 200
    before = database_fingerprint()
    checked = routes(app, methods=STATE_CHANGING)
    assert len(checked) >= 10
    for method, path, endpoint in checked:
        response = client.open(path, method=method, data={"choice": "for", "reason": "x"})
        # The API takes no cookie and no CSRF token: a form sent there is refused for want of a
        # bearer token (401) or of a JSON body (415), never acted on.
        expected = {401, 415} if path.startswith("/api/") else {400}
        assert response.status_code in expected, (method, path, endpoint, response.status_code)
    session.expire_all()
    assert database_fingerprint() == before


def test_every_secretariat_route_is_refused_to_a_member(app, client, session, populated):
    login(client, populated["member"])
    before = database_fingerprint()
    checked = routes(app, methods={"GET", *STATE_CHANGING}, prefix="/secretariat")
    assert len(checked) >= 10
    for method, path, endpoint in checked:
        response = client.open(path, method=method, data={"status": "suspended", "reason": "x"})
        assert response.status_code == 403, (method, path, endpoint, response.status_code)
    session.expire_all()
    assert database_fingerprint() == before
    assert verify_chain(session).intact


def test_every_secretariat_route_sends_a_visitor_to_sign_in(app, client, session, populated):
    before = database_fingerprint()
    for method, path, endpoint in routes(
        app, methods={"GET", *STATE_CHANGING}, prefix="/secretariat"
    ):
        response = client.open(path, method=method, data={"status": "suspended", "reason": "x"})
        assert response.status_code == 302, (method, path, endpoint)
        assert "/login" in response.headers["Location"], (method, path, endpoint)
    session.expire_all()
    assert database_fingerprint() == before
