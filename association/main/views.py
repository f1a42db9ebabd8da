"""Home, dashboard and liveness."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from association.auth.service import choose_language as save_language
from association.dashboard import tasks_for
from association.extensions import db
from association.forms import LanguageForm
from association.languages import ENGLISH, offered
from association.mail.models import OutboxMessage
from association.membership.documents import current_certificate
from association.membership.policy import can_download_certificate
from association.memoranda.models import Memorandum, MemorandumStatus
from association.parks.models import Park, ParkStatus, User
from association.parks.policy import can_manage_parks
from association.voting.models import Initiative, InitiativeStatus
from association.web import remember_language, safe_next

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    """The association, its members, and what is open now (votes, memoranda in force)."""
    parks = db.session.scalars(
        select(Park)
        .where(Park.status.in_([ParkStatus.MEMBER, ParkStatus.OBSERVER]))
        .order_by(Park.country, Park.name_latin)
    ).all()
    open_votes = db.session.scalars(
        select(Initiative)
        .where(Initiative.status == InitiativeStatus.OPEN)
        .order_by(Initiative.closes_at)
        .limit(5)
    ).all()
    memoranda = db.session.scalars(
        select(Memorandum)
        .where(Memorandum.public.is_(True), Memorandum.status == MemorandumStatus.IN_FORCE)
        .order_by(Memorandum.issued_at.desc())
        .limit(5)
    ).all()
    return render_template(
        "main/home.html", parks=parks, open_votes=open_votes, memoranda=memoranda
    )


@bp.get("/dashboard")
@login_required
def dashboard():
    park = current_user.park
    certificate = (
        current_certificate(db.session(), park)
        if park is not None and can_download_certificate(current_user, park)
        else None
    )
    return render_template(
        "main/dashboard.html",
        tasks=tasks_for(db.session(), current_user),
        park_certificate=certificate,
    )


@bp.post("/language")
def choose_language():
    """The switcher in the header and footer: kept in a cookie, and on the account when signed
    in. A language we do not offer falls back to English, as everywhere."""
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(400)
    language = offered(form.language.data) or ENGLISH
    if current_user.is_authenticated:
        save_language(db.session(), current_user, language)
        db.session.commit()
    back = safe_next(form.next.data, url_for("main.home"))
    return remember_language(redirect(back), language)


@bp.get("/favicon.ico")
def favicon():
    # Browsers ask for /favicon.ico whatever the page links; the same mark as the SVG icon.
    return current_app.send_static_file("favicon.ico")


@bp.get("/healthz")
def healthz():
    # Answers only when the database does: a load balancer should not send work here otherwise.
    db.session.execute(select(1))
    return {"status": "ok"}


@bp.get("/secretariat/")
@login_required
def secretariat_home():
    if not can_manage_parks(current_user):
        abort(403)

    def count(model, *where):
        return db.session.scalar(select(func.count()).select_from(model).where(*where))

    figures = [
        (count(Park, Park.status == ParkStatus.MEMBER), _("member parks"), "parks.park_list"),
        (count(Park, Park.status == ParkStatus.OBSERVER), _("observers"), "parks.park_list"),
        (count(User, User.active.is_(True)), _("active users"), "parks.user_list"),
        (
            count(OutboxMessage, OutboxMessage.sent_at.is_(None)),
            _("e-mails in the outbox"),
            "mail.outbox",
        ),
    ]
    return render_template("main/secretariat.html", figures=figures)
