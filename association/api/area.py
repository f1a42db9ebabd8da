"""How the API plugs into the application: the /api/v1 blueprint and its resources, the
reference page, the account's API tokens page, and the hook that takes credentials from a
bearer token."""

from __future__ import annotations

from flask import Flask

from association.api.access import credentials_of_request
from association.api.blueprint import bp
from association.api.reference import pages
from association.api.resources import (
    account,
    applications,
    audit,
    certificates,
    initiatives,
    meetings,
    memoranda,
    parks,
    residency,
    verify,
)
from association.api.token_pages import bp as token_pages

# The resources: importing each adds its routes to the blueprint (and its models to the
# document). The tests read this list too, so that a new resource is checked with the others.
RESOURCES = (
    account,
    applications,
    audit,
    certificates,
    initiatives,
    meetings,
    memoranda,
    parks,
    residency,
    verify,
)


def init_app(app: Flask) -> None:
    # First of all the hooks (the areas plug in before the shared checks of association.web),
    # so that nothing reads the signed-in cookie's user on an API request.
    app.before_request(credentials_of_request)
    app.register_blueprint(bp)
    app.register_blueprint(pages)
    app.register_blueprint(token_pages)
