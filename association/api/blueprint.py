"""The `/api/v1` blueprint and what every answer of it shares: the OpenAPI document made
from the models that validate, credentials from a bearer token only, ETags, CORS, limits.

spectree builds the OpenAPI 3.1 document from the same pydantic models that validate each
request and shape each answer (pydantic's JSON Schema is 2020-12, the dialect of 3.1), on
this plain Flask blueprint: the document cannot drift from what the code accepts.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Blueprint, Response, g, jsonify, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from spectree import SecurityScheme, SecuritySchemeData, SpecTree
from spectree.models import SecureType

from association.api import validation
from association.api.personal_tokens import require_scope
from association.audit.log import association_version, association_version_with
from association.domain import DomainError, Invalid, NotAuthenticated
from association.extensions import csrf, db, limiter
from association.site import setting
from association.voting import votes

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Cookies do not authenticate here (association.api.access), so no form of another site can
# act through a signed-in browser: the CSRF check of the pages has nothing to guard.
csrf.exempt(bp)

BEARER: dict[str, list[str]] = {"bearer": []}
spec = SpecTree(
    "flask",
    mode="strict",
    title="Association of Modern Technoparks API",
    version="1",
    path="api/v1/spectree",  # spectree's own pages are not served: /api/docs is ours
    page_templates={},
    annotations=True,
    description=(
        "The association's votes, meetings, memoranda and members for the parks' own "
        "platforms. Authenticate with a personal token (`Authorization: Bearer …`) made on "
        "/account/tokens; public resources answer without one. Errors are RFC 9457 problems "
        '(`application/problem+json`); lists are pages with a `Link: <…>; rel="next"` '
        "header; every GET has an ETag and answers `If-None-Match` with 304. Times are "
        "ISO 8601 in UTC."
    ),
    security_schemes=[
        SecurityScheme(
            name="bearer",
            data=SecuritySchemeData(
                type=SecureType.HTTP, scheme="bearer", description="A personal API token"
            ),
        )
    ],
    validation_error_status=422,
    # The models' own names (ParkRef, not ParkRef.7327e0d): they are unique in this API.
    naming_strategy=lambda model: model.__name__,
    nested_naming_strategy=lambda _parent, child: child,
)

F = TypeVar("F", bound=Callable[..., Any])


class Unprocessable(DomainError):
    """The body or the query is well formed but the models refuse it (a wrong type, an unknown
    field, a value out of range)."""

    status = 422


class UnsupportedBody(DomainError):
    status = 415


def _require_json_body() -> None:
    # spectree reads a body it cannot parse as no body at all; say what is wrong instead.
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    if not request.is_json:
        raise UnsupportedBody(_("The body must be JSON (Content-Type: application/json)."))
    if request.get_json(silent=True) is None:
        raise Invalid(_("The body is not valid JSON."))


def _client_key() -> str:
    # Limits count per token; a request without one counts against its address.
    token = g.get("api_token")
    return f"token:{token.id}" if token is not None else f"address:{request.remote_addr}"


def _rate_limit() -> str:
    return str(setting("API_RATE_LIMIT"))


def operation(*, scope: str | None = "read", signed_in: bool = False) -> Callable[[F], F]:
    """An API view: limited per token (one limit over every operation, 304s included),
    refused unless the token carries `scope`, and answered 304 when the client holds the
    answer's ETag.

    `signed_in`: the resource is for a token's user only (a visitor's request is told to
    authenticate). Without it a visitor reads what a visitor reads on the pages.
    """

    def decorate(view: F) -> F:
        @wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            token = g.get("api_token")
            if token is None and (signed_in or scope == "vote"):
                raise NotAuthenticated(
                    _("This needs a personal API token: Authorization: Bearer <token>.")
                )
            if token is not None and scope is not None:
                require_scope(token, scope)
            unchanged = answer_unchanged()
            if unchanged is not None:
                return unchanged
            _require_json_body()
            return view(*args, **kwargs)

        # Shared: a token's limit is its own over the whole API, not one per address of it.
        limited = limiter.shared_limit(_rate_limit, scope="api", key_func=_client_key)
        return cast(F, limited(checked))

    return decorate


def refuse_invalid_input(req, resp, error, instance, model_adapter) -> None:
    """spectree's hook before a view: a request the models refuse becomes a problem (422)
    listing each field and why, in our own translated words rather than pydantic's English."""
    if error is None:
        return
    problems: list[dict[str, str | None]] = [
        {
            "field": ".".join(str(part) for part in detail.get("loc", ())) or None,
            "detail": validation.reason(detail),
        }
        for detail in error.errors()
    ]
    raise Unprocessable(
        _(
            "The request is not valid: %(problems)s.",
            # Each reason is a sentence of its own; inside this one it loses its full stop.
            problems="; ".join(
                f"{p['field']}: {(p['detail'] or '').rstrip('.')}"
                if p["field"]
                else (p["detail"] or "").rstrip(".")
                for p in problems
            ),
        ),
        errors=problems,
    )


spec.before = refuse_invalid_input


def json_answer(body: Any, status: int = 200, headers: dict | None = None) -> Response:
    response = jsonify(body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def answer_unchanged() -> Response | None:
    """A GET's ETag names what the answer is made from: the association's version (it grows
    with every state change), the reader, the language and the address. A client that holds
    it gets 304 before anything is built, though only after its token's limit, scope and
    credentials are checked (a loop of conditional GETs is limited like any other); votes that
    fell due are settled first, as any read of the pages settles them, so a 304 never keeps a
    vote open past its time."""
    if request.method not in ("GET", "HEAD"):
        return None
    session = db.session()
    version, due = association_version_with(session, votes.any_vote_due())
    if due:
        votes.settle_on_read(session)
        version = association_version(session)
    etag = _etag_of_request(version)
    g.api_etag = etag
    if etag in request.if_none_match:
        response = Response(status=304)
        response.set_etag(etag)
        return response
    return None


def _etag_of_request(version: int) -> str:
    reader = f"user:{current_user.id}" if current_user.is_authenticated else "visitor"
    # The minute too: a few answers depend on the clock alone (upcoming or past meetings).
    minute = int(time.time() // 60)
    named = f"{version}|{minute}|{reader}|{get_locale()}|{request.full_path}"
    return hashlib.sha256(named.encode()).hexdigest()[:32]


@bp.after_request
def conventions(response: Response) -> Response:
    """The ETag of a GET, the cache rules of a private answer, CORS when allowed."""
    response.vary.update(("Authorization", "Accept-Language"))
    etag = g.get("api_etag")
    # A stored PDF keeps its own ETag, its SHA-256 (association.documents.views.send_stored).
    if etag and response.status_code == 200 and "ETag" not in response.headers:
        response.set_etag(etag)
    if current_user.is_authenticated:
        # Kept by the client only to ask again with If-None-Match; never by a shared cache.
        response.headers["Cache-Control"] = "private, no-cache"
    origin = request.headers.get("Origin")
    if origin and origin in str(setting("API_CORS_ORIGINS") or "").split():
        response.headers["Access-Control-Allow-Origin"] = origin
        response.vary.add("Origin")
        response.headers["Access-Control-Allow-Headers"] = (
            "Authorization, Content-Type, Idempotency-Key, If-None-Match"
        )
        response.headers["Access-Control-Expose-Headers"] = "ETag, Link, Retry-After"
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    return response
