"""Who an API request acts as: the user of its bearer token, or a visitor; never a cookie."""

from __future__ import annotations

from flask import g, request
from flask_babel import gettext as _

from association.api.personal_tokens import authenticate
from association.domain import NotAuthenticated
from association.errors import for_the_api
from association.extensions import db, login_manager


def credentials_of_request() -> None:
    """Before anything else reads `current_user` on an API request, it is set from the
    `Authorization: Bearer` header alone, so a browser's signed-in cookie opens nothing here
    (no cross-site request can act through it) and a token acts exactly as its user."""
    if not for_the_api():
        return
    g._login_user = login_manager.anonymous_user()
    g.api_token = None  # not another request's, should a context ever serve two
    header = request.headers.get("Authorization")
    if header is None:
        return
    scheme, _space, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise NotAuthenticated(
            _("The Authorization header must be a bearer token: Authorization: Bearer <token>.")
        )
    token = authenticate(db.session(), secret.strip())
    g.api_token = token
    g._login_user = token.user
