"""The programme's public pages: the programme page with the open call and its host parks'
offers, and a startup's registration."""

from __future__ import annotations

from flask import current_app, redirect, render_template, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from association.domain import DomainError
from association.errors import error_page
from association.extensions import db, limiter
from association.forms import show_beside_field
from association.markdown import render_markdown
from association.parks.models import Park
from association.residency import queries
from association.residency.forms import RegistrationForm
from association.residency.models import Startup
from association.residency.presenters import benefits, offer_text, sectors_of
from association.residency.startups import register_startup
from association.residency.views import bp

# The flask session remembers the startup just registered, for the page that says what next.
REGISTERED = "residency_registered"


@bp.errorhandler(429)
def too_many(error):
    # The registration's limits are per hour: its own words, not "wait a minute".
    return error_page(429, error.description)


@bp.get("")
def programme():
    page = queries.programme_page(db.session())
    return render_template(
        "residency/programme.html",
        page=page,
        rules=render_markdown(page.call.rules) if page.call else "",
        benefits=benefits,
        offer_text=offer_text,
        sectors_of=sectors_of,
    )


def _registration_limit() -> str:
    return current_app.config["APPLICATION_RATE_LIMIT"]


def _attempt_limit() -> str:
    return current_app.config["APPLICATION_ATTEMPT_RATE_LIMIT"]


@bp.route("/register", methods=["GET", "POST"])
# As /apply: registrations from one address (a refused form re-shows with 200 and does not
# count), and, looser, attempts of any outcome.
@limiter.limit(
    _registration_limit,
    methods=["POST"],
    deduct_when=lambda response: response.status_code == 302,
    error_message=lambda: _(
        "Too many startups were registered from this address. Please try again in an hour."
    ),
)
@limiter.limit(
    _attempt_limit,
    methods=["POST"],
    error_message=lambda: _("Too many attempts from this address. Please try again in an hour."),
)
def register():
    if current_user.is_authenticated:
        # A signed-in person registering would start a second account beside their own.
        return render_template("residency/register_signed_in.html")
    form = RegistrationForm()
    form.home_park.choices = [
        (0, _("Choose the home park")),
        *queries.home_park_choices(db.session()),
    ]
    refusal = None
    if form.validate_on_submit():
        home_park = db.session.get(Park, form.home_park.data)
        try:
            startup, _founder = register_startup(
                db.session(),
                name=form.name.data.strip(),
                home_park=home_park,
                registration_number=form.registration_number.data.strip(),
                website=(form.website.data or "").strip(),
                sector=(form.sector.data or "").strip(),
                description=(form.description.data or "").strip(),
                founder_name=form.founder_name.data.strip(),
                founder_email=form.founder_email.data.strip(),
                password=form.password.data,
                language=str(get_locale()),
            )
        except DomainError as refused:
            # A taken e-mail or registration number (409) is the form's to say, as bad input.
            if refused.status not in (400, 409):
                raise
            if not show_beside_field(form, refused):
                refusal = refused.message
        else:
            session[REGISTERED] = startup.id
            return redirect(url_for("residency.registered"))
    return render_template("residency/register.html", form=form, refusal=refusal)


@bp.get("/register/done")
def registered():
    startup_id = session.get(REGISTERED)
    startup = db.session.get(Startup, startup_id) if isinstance(startup_id, int) else None
    if startup is None:
        return redirect(url_for("residency.register"))
    return render_template("residency/registered.html", startup=startup)
