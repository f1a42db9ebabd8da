"""HTML error pages, and the one place where domain errors become HTTP statuses."""

from __future__ import annotations

from flask import Flask, abort, render_template
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from association.domain import DomainError

TITLES = {
    400: "The request could not be understood",
    403: "You do not have access to this",
    404: "There is nothing at this address",
    405: "This action is not possible here",
    409: "This is not possible in the current state",
    413: "The upload is too large",
    429: "Too many attempts",
    500: "Something went wrong on our side",
}


# What a page says when the view gave no reason of its own; Werkzeug's stock sentences
# ("You don't have the permission to access the requested resource...") say nothing a
# member can act on.
EXPLANATIONS = {
    400: "Something in the request was missing or malformed. Please go back and try again.",
    403: (
        "This page or action is for another role: a park's delegate or signatory, or the "
        "secretariat. If you think your account should have access, please ask the secretariat."
    ),
    405: "This address does not accept that kind of request. Please use the page's own buttons.",
}
SIGN_IN_EXPLANATION = "This page is for signed-in members. Please sign in and try again."


def allow(allowed: bool) -> None:
    """Refuse with 403 unless `allowed`: every view's permission check, made after it has
    loaded its objects (404 first) and before it does anything."""
    if not allowed:
        abort(403)


def error_page(status: int, message: str | None = None):
    title = _(TITLES.get(status, "Error"))
    return render_template("errors/error.html", status=status, title=title, message=message), status


def _explanation(error: HTTPException, status: int) -> str | None:
    if status in (404, 500):
        return None
    if error.description and error.description != type(error).description:
        return error.description  # the view's own reason
    if status == 403 and not current_user.is_authenticated:
        return _(SIGN_IN_EXPLANATION)
    return _(EXPLANATIONS[status]) if status in EXPLANATIONS else None


def register(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        return error_page(error.status, error.message)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return error_page(
            400,
            _(
                "The form had expired or was not sent from this site. Please go back, reload the page and try again."
            ),
        )

    @app.errorhandler(413)
    def too_large(error):
        limit_mb = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
        return error_page(413, _("Uploads may be at most %(size)d MB in all.", size=limit_mb))

    @app.errorhandler(429)
    def too_many(error):
        return error_page(429, _("Please wait a minute before trying again."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        return error_page(status, _explanation(error, status))

    @app.errorhandler(500)
    def server_error(error):
        return error_page(500, _("The error has been logged. Please try again in a moment."))
