"""HTML error pages, and the one place where domain errors become HTTP statuses."""

from __future__ import annotations

import time

from flask import Flask, abort, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from association.domain import DomainError
from association.extensions import limiter

TITLES = {
    400: "The request could not be understood",
    403: "You do not have access to this",
    404: "There is nothing at this address",
    405: "This action is not possible here",
    409: "This is not possible in the current state",
    401: "Sign-in credentials are missing or not valid",
    406: "This answer cannot be given in the format asked for",
    412: "The resource has changed since it was read",
    415: "The body of the request is not in a format this accepts",
    422: "The request could not be processed",
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


# The JSON API answers with RFC 9457 problems, the pages with an HTML page: the same status and
# the same sentence, decided in one place.
# /api/v1/ only: /api/docs is a page, which a signed-in person reads signed in.
API_PREFIX = "/api/v1/"


def for_the_api() -> bool:
    """Whether this request is the JSON API's (cookies do not authenticate there)."""
    return request.path.startswith(API_PREFIX)


def error_page(status: int, message: str | None = None, *, errors: list | None = None):
    title = _(TITLES.get(status, "Error"))
    if for_the_api():
        return problem(status, title, message, errors=errors)
    return render_template("errors/error.html", status=status, title=title, message=message), status


def problem(status: int, title: str, detail: str | None = None, *, errors: list | None = None):
    """An `application/problem+json` answer (RFC 9457): `detail` is the sentence a page would show."""
    body: dict = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body["instance"] = request.path
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def _explanation(error: HTTPException, status: int) -> str | None:
    if status in (404, 500):
        return None
    if error.description and error.description != type(error).description:
        return error.description  # the view's own reason
    if status == 403 and not current_user.is_authenticated:
        return _(SIGN_IN_EXPLANATION)
    if status == 405 and for_the_api():
        return _api_method_not_allowed(error)
    return _(EXPLANATIONS[status]) if status in EXPLANATIONS else None


def _api_method_not_allowed(error: HTTPException) -> str:
    # An API client has no page buttons to use: it is told which methods the address takes.
    allowed = getattr(error, "valid_methods", None)
    if allowed:
        return _(
            "This API address does not accept the %(method)s method; it accepts %(allowed)s.",
            method=request.method,
            allowed=", ".join(allowed),
        )
    return _("This API address does not accept the %(method)s method.", method=request.method)


def register(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        fields = error.errors or (
            [{"field": error.field, "detail": error.message}] if error.field else None
        )
        answer = error_page(error.status, error.message, errors=fields)
        if error.status == 401:
            response = app.make_response(answer)
            response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
            return response
        return answer

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
        answer = error_page(429, _("Please wait a minute before trying again."))
        return _with_retry_after(answer, error)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        return error_page(status, _explanation(error, status))

    @app.errorhandler(405)
    def not_here(error: HTTPException):
        answer = error_page(405, _explanation(error, 405))
        response = app.make_response(answer)
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(500)
    def server_error(error):
        return error_page(500, _("The error has been logged. Please try again in a moment."))


def _with_retry_after(answer, error: HTTPException):
    # Flask-Limiter knows when the exceeded window resets; a client waits that long.
    response = current_app.make_response(answer)
    limit = limiter.current_limit
    if limit is not None:
        response.headers["Retry-After"] = str(max(1, int(limit.reset_at - time.time())))
    elif error.response is not None and "Retry-After" in error.response.headers:
        response.headers["Retry-After"] = error.response.headers["Retry-After"]
    return response
