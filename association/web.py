"""What every request shares: the audit origin, the secretariat's fence, the page's language,
template helpers."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from urllib.parse import urlencode, urlsplit

import click
from babel.core import negotiate_locale
from babel.numbers import format_percent
from flask import (
    Flask,
    Response,
    abort,
    current_app,
    has_app_context,
    has_request_context,
    redirect,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import format_datetime, get_locale, get_timezone
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from jinja2 import Environment, pass_environment
from jinja2.filters import do_truncate
from markupsafe import Markup, escape
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Map, ValidationError

from association.audit.log import current_origin
from association.content_languages import InLanguage, Translated
from association.errors import for_the_api
from association.extensions import login_manager
from association.languages import CODES, ENGLISH, LANGUAGES, NAMES, offered
from association.parks.models import Role

# Only our own origin; no inline script or style. Bootstrap's CSS draws its icons from data: URIs.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


SECOND_FACTOR_EXEMPT = {
    "auth.enrol_second_factor",
    "auth.logout",
    "static",
    "bootstrap.static",
    "main.healthz",
    "main.favicon",
    "main.choose_language",
}


# The largest id our integer columns hold on every database (PostgreSQL's INTEGER is 32-bit).
LARGEST_ID = 2**31 - 1


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` in every route: a number past any database id is no such page (404).

    Without the bound, /initiatives/99999999999999999999 reaches the database, which fails
    on an integer it cannot hold (a 500 on PostgreSQL and SQLite alike); a string of
    thousands of digits would even fail Python's int() before that.
    """

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = None,
        signed: bool = False,
    ) -> None:
        bound = LARGEST_ID if max is None or max > LARGEST_ID else max
        super().__init__(map, fixed_digits, min, bound, signed)

    def to_python(self, value: str) -> int:
        if len(value.lstrip("-")) > len(str(LARGEST_ID)):
            raise ValidationError()
        return super().to_python(value)


def bound_path_ids(app: Flask) -> None:
    """Every `<int:...>` route takes ids a database can hold; call before any blueprint."""
    app.url_map.converters["int"] = DatabaseIdConverter


def register(app: Flask) -> None:
    """Bind what every request shares to the app: proxies, checks, headers, template helpers."""
    _trust_proxies(app)
    # In this order: a refused request is refused before anything is noted or redirected.
    for check in (
        refuse_nul_characters,
        bound_page_number,
        note_origin,
        require_second_factor,
        fence_secretariat,
    ):
        app.before_request(check)
    app.after_request(security_headers)
    _register_template_helpers(app)


def _trust_proxies(app: Flask) -> None:
    hops = app.config["TRUST_PROXY_HOPS"]
    if hops:
        # Behind a load balancer: trust its X-Forwarded-For/-Proto, so the client's address
        # (rate limits, audit) and https (secure cookies, HSTS) are seen as they are.
        # Wrapping wsgi_app is Flask's documented way to add middleware; mypy sees a method.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops
        )


# --- before every request ---------------------------------------------------------------


def refuse_nul_characters() -> None:
    # No text field holds a NUL; PostgreSQL refuses one with an error (a 500): refuse it plainly.
    sources = (
        [request.args, request.form]
        if request.method in ("POST", "PUT", "PATCH")
        else [request.args]
    )
    if any("\x00" in value for source in sources for _key, value in source.items(multi=True)):
        abort(400, _("The request contains a character that is not allowed (NUL)."))


def bound_page_number() -> None:
    # A page number past any list would overflow the database's integers (a 500): refuse it plainly.
    page = request.args.get("page", "")
    if len(page) > 6 and page.lstrip("-").isdigit():
        abort(400, _("There is no such page."))


def note_origin() -> None:
    agent = request.user_agent.string[:200]
    current_origin.set(f"{request.remote_addr or '?'} {agent}".strip())


def require_second_factor() -> ResponseReturnValue | None:
    # Staff act only in a session that has passed the second factor (a password, even set
    # through a reset link, is not enough); without one set up they may only set it up.
    if (
        current_user.is_authenticated
        and current_user.must_use_second_factor
        and not current_user.second_factor_passed
        and request.endpoint not in SECOND_FACTOR_EXEMPT
        # A token acts for its user (a staff token needed the second factor when made).
        and not for_the_api()
    ):
        if current_user.has_second_factor:
            logout_user()
            return redirect(url_for("auth.login"))
        return redirect(url_for("auth.enrol_second_factor"))
    return None


def fence_secretariat() -> ResponseReturnValue | None:
    # A second line behind each view's own check: members never reach /secretariat/.
    if request.path == "/secretariat" or request.path.startswith("/secretariat/"):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_staff:
            abort(403)
    return None


# --- after every request ----------------------------------------------------------------


def security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if _private_page():
        # A signed-in page (or a sign-in, reset or invitation page, whose address may hold a
        # secret link) is kept by no cache: not the browser's after sign-out, not a proxy's.
        headers["Cache-Control"] = "no-store"
        headers.remove("Expires")
    return response


def _private_page() -> bool:
    endpoint = request.endpoint or ""
    if endpoint in ("static", "bootstrap.static") or for_the_api():
        return False  # the API says itself how its answers are kept (ETags, private)
    return endpoint.startswith("auth.") or current_user.is_authenticated


# --- language ---------------------------------------------------------------------------

# A visitor's choice of language; a signed-in user's is saved on the account.
LANGUAGE_COOKIE = "language"
LANGUAGE_COOKIE_SECONDS = 365 * 24 * 3600


def page_language() -> str:
    """The language of this page: `?lang=`, else the signed-in account's (its own choice, else
    its park's), else the visitor's cookie, else the browser's best match, else English. An
    unknown code anywhere is passed over, never an error."""
    if not has_request_context():
        # A command of the operator's (flask --app association ...) speaks COMMAND_LANGUAGE.
        if click.get_current_context(silent=True) is not None and has_app_context():
            return offered(current_app.config.get("COMMAND_LANGUAGE")) or ENGLISH
        return ENGLISH
    asked = offered(request.args.get("lang"))
    if asked:
        return asked
    if current_user and current_user.is_authenticated:
        return offered(current_user.language) or ENGLISH
    return (
        offered(request.cookies.get(LANGUAGE_COOKIE))
        # Babel's rather than Werkzeug's match: "kk-KZ, en;q=0.5" means Kazakh first.
        or negotiate_locale([wish for wish, _q in request.accept_languages], CODES, sep="-")
        or ENGLISH
    )


def reader_language() -> str:
    """The language this page (or this e-mail, under force_locale) is read in."""
    locale = get_locale()
    return (offered(str(locale)) if locale is not None else None) or ENGLISH


def remember_language(response: Response, language: str) -> Response:
    """Keep the choice in the browser too, so the page after signing out stays in it."""
    response.set_cookie(
        LANGUAGE_COOKIE,
        language,
        max_age=LANGUAGE_COOKIE_SECONDS,
        secure=request.is_secure,
        httponly=True,
        samesite="Lax",
    )
    return response


def safe_next(target: str | None, fallback: str) -> str:
    """Only a path on this site: `next=` must not send anyone elsewhere."""
    if target:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
            and "\\" not in target
        ):
            return target
    return fallback


# --- templates --------------------------------------------------------------------------


def _register_template_helpers(app: Flask) -> None:
    app.add_template_filter(local_time, "local")
    app.add_template_filter(percent, "percent")
    app.add_template_filter(localized, "localized")
    app.add_template_filter(localized_text, "localized_text")
    # Globals rather than a context processor, so that imported macros see them too.
    app.jinja_env.globals.update(
        nav_links=nav_links,
        secretariat_links=secretariat_links,
        current_timezone=current_timezone,
        languages=LANGUAGES,
        get_locale=get_locale,
        language_name=lambda code: NAMES.get(code, NAMES[ENGLISH]),
        current_page=current_page,
        page_in=page_in,
        also_in=also_in,
    )


def current_page() -> str:
    """This page's address without `?lang=`, for the switcher to come back to."""
    query = urlencode([(k, v) for k, v in request.args.items(multi=True) if k != "lang"])
    return request.path + (f"?{query}" if query else "")


def page_in(language: str) -> str:
    """This page's address in `language` (`?lang=`): for the page alone, no choice is saved."""
    here = current_page()
    return f"{here}{'&' if '?' in here else '?'}{urlencode({'lang': language})}"


# Content given in several languages (an initiative's title, a meeting's): the reader's language
# when it is given, else English. These are the one way pages and dashboards show it.


def marked(shown: InLanguage, text: str | None = None) -> Markup:
    """`shown` (or `text`, a part of it) marked with its language (`<span lang="en">`) when that
    is not the page's, so that screen readers, browsers and search engines read it as what it
    is."""
    text = shown.text if text is None else text
    if shown.language == reader_language():
        return escape(text)
    return Markup('<span lang="{}">{}</span>').format(shown.language, text)


@pass_environment
def localized(
    environment: Environment, item: Translated, field: str = "title", length: int = 0
) -> Markup:
    """`item`'s title (or other field) in the reader's language when it is given, else in
    English, marked with its language when that is not the page's, and cut to `length`
    characters as Jinja's truncate cuts."""
    shown = item.text_in(field, reader_language())
    return marked(shown, do_truncate(environment, shown.text, length) if length else None)


def localized_text(item: Translated, field: str = "title") -> str:
    """localized() as plain text, where no markup can stand (a page's <title>, an attribute)."""
    return item.text_in(field, reader_language()).text


def with_titles(message: str, **values: Translated | str) -> Markup:
    """A translated message called without its values (`_("Meeting: %(title)s")`), filled:
    each content item with its title as localized() shows it, any text escaped."""
    language = reader_language()
    return escape(message) % {
        name: value if isinstance(value, str) else marked(value.text_in("title", language))
        for name, value in values.items()
    }


def also_in(item: Translated) -> list[tuple[str, str]]:
    """The other languages `item` is given in than the one this page shows it in, as (code,
    own name): for the links "also in: Қазақша · Türkçe"."""
    shown = item.text_in("title", reader_language()).language
    return [(code, NAMES[code]) for code in item.languages if code != shown]


def local_time(value: datetime | None, format: str = "medium") -> str:
    """A UTC time in the viewer's time zone, with the zone named."""
    if value is None:
        return ""
    return f"{format_datetime(value, format)} ({current_timezone()})"


def percent(share: float | Decimal | Fraction) -> str:
    """A share as the reader's language writes a percentage (45,5 %, %45,5, 45.5%), to one
    decimal place."""
    return format_percent(round(float(share), 3), locale=get_locale(), decimal_quantization=False)


def current_timezone() -> str:
    return str(get_timezone())


def nav_links() -> list[tuple[str, str]]:
    """The public pages in the main navigation (home is the brand on the left)."""
    links = [
        ("membership.directory", _("Members")),
        ("voting.initiative_list", _("Initiatives")),
        ("memoranda.register", _("Memoranda")),
        ("residency.programme", _("Residency")),
        ("documents.verify", _("Verify")),
    ]
    if not current_user.is_authenticated:
        links.insert(1, ("membership.apply", _("Apply")))
    elif current_user.role != Role.STARTUP:
        # A startup's founder is no member's reader: meetings are not theirs.
        links.insert(2, ("meetings.meeting_list", _("Meetings")))
    return links


def secretariat_links() -> list[tuple[str, str]]:
    return [
        ("main.secretariat_home", _("Overview")),
        ("membership.application_list", _("Applications")),
        ("parks.park_list", _("Parks")),
        ("parks.user_list", _("Users")),
        ("memoranda.secretariat_register", _("Memoranda")),
        ("voting.manage_list", _("Initiatives")),
        ("meetings.manage_list", _("Meetings")),
        ("residency_secretariat.call_list", _("Residency")),
        ("audit.event_list", _("Audit log")),
        ("mail.outbox", _("Outbox")),
        ("webhooks.endpoint_list", _("Webhooks")),
    ]
