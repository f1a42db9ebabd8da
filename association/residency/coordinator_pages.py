"""The programme coordinator's side: the park's page (startups to confirm, applications to
endorse, incoming applications to decide, the waiting list, its offers, the residencies it
hosts), its actions, and one application read by those who may read it (the home park, the
hosts applied to, the secretariat) with its documents."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from association.domain import DomainError
from association.errors import allow
from association.extensions import db
from association.forms import ConfirmForm, show_beside_field
from association.parks.models import Park
from association.residency import calls, decisions, queries, stays
from association.residency.applications import decline_endorsement, endorse_application
from association.residency.forms import (
    CheckOutForm,
    CutShortForm,
    DecisionForm,
    ExtendForm,
    HostOfferForm,
    QuestionForm,
    ReasonForm,
    host_offer_form,
)
from association.residency.models import (
    HostChoice,
    HostOffer,
    Residency,
    ResidencyApplication,
    ResidencyDocument,
    Startup,
)
from association.residency.policy import (
    can_see_application,
    can_see_founders,
    is_coordinator_of,
    is_founder_of,
)
from association.residency.presenters import benefits
from association.residency.startups import confirm_startup, decline_startup
from association.residency.views import bp


def _park() -> Park:
    """The signed-in coordinator's park: the page is a programme coordinator's (403 otherwise)."""
    park = current_user.park
    allow(park is not None and is_coordinator_of(current_user, park))
    return park


FORMS = {
    "startup": ReasonForm,
    "application": ReasonForm,
    "question": QuestionForm,
    "decision": DecisionForm,
    "extend": ExtendForm,
    "check_out": CheckOutForm,
    "cut_short": CutShortForm,
}


def _park_page(*, status: int = 200, refusal: str | None = None, failed=None, form=None):
    """The park's page; `failed` (kind, id) names the row whose `form` is shown again with its
    errors, every other row has a fresh form."""
    park = _park()
    page = queries.coordinator_page(db.session(), park)

    def form_for(kind: str, row_id: int):
        if failed == (kind, row_id) and form is not None:
            return form
        return FORMS[kind](formdata=None, prefix=f"{kind}-{row_id}")

    return render_template(
        "residency/park.html",
        page=page,
        refusal=refusal,
        form_for=form_for,
        confirm=ConfirmForm(),
        benefits=benefits,
        can_see_founders=can_see_founders,
    ), status


def _done(message: str):
    flash(message, "success")
    return redirect(url_for("residency.park_home"))


def _refused(refused: DomainError, **shown):
    """A refusal said at the top of the park's page, with its own status (a 409 when the last
    place went to another coordinator a moment before)."""
    if refused.status in (403, 404):
        raise refused
    db.session.rollback()
    return _park_page(status=refused.status, refusal=refused.message, **shown)


@bp.get("/park")
@login_required
def park_home():
    return _park_page()


# --- the park's own startups -----------------------------------------------------------------


def _own_startup(startup_id: int) -> Startup:
    park = _park()
    startup = db.session.get(Startup, startup_id)
    if startup is None or startup.home_park_id != park.id:
        abort(404)
    return startup


@bp.post("/park/startups/<int:startup_id>/confirm")
@login_required
def startup_confirm(startup_id: int):
    startup = _own_startup(startup_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        confirm_startup(db.session(), current_user, startup)
    except DomainError as refused:
        return _refused(refused)
    return _done(_("%(startup)s is confirmed: its founders can apply.", startup=startup.name))


@bp.post("/park/startups/<int:startup_id>/decline")
@login_required
def startup_decline(startup_id: int):
    startup = _own_startup(startup_id)
    form = ReasonForm(prefix=f"startup-{startup.id}")
    if not form.validate_on_submit():
        return _park_page(status=400, form=form, failed=("startup", startup.id))
    try:
        decline_startup(db.session(), current_user, startup, form.reason.data.strip())
    except DomainError as refused:
        return _refused(refused, form=form, failed=("startup", startup.id))
    return _done(_("%(startup)s is not confirmed; its founder is told why.", startup=startup.name))


# --- endorsement (the home park) -------------------------------------------------------------


def _home_application(application_id: int) -> ResidencyApplication:
    park = _park()
    application = db.session.get(ResidencyApplication, application_id)
    if application is None or application.startup.home_park_id != park.id:
        abort(404)
    return application


@bp.post("/park/applications/<int:application_id>/endorse")
@login_required
def application_endorse(application_id: int):
    application = _home_application(application_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        endorse_application(db.session(), current_user, application)
    except DomainError as refused:
        return _refused(refused)
    return _done(
        _(
            "The application of %(startup)s is endorsed: its host parks see it now.",
            startup=application.startup.name,
        )
    )


@bp.post("/park/applications/<int:application_id>/decline")
@login_required
def application_decline(application_id: int):
    application = _home_application(application_id)
    form = ReasonForm(prefix=f"application-{application.id}")
    if not form.validate_on_submit():
        return _park_page(status=400, form=form, failed=("application", application.id))
    try:
        decline_endorsement(db.session(), current_user, application, form.reason.data.strip())
    except DomainError as refused:
        return _refused(refused, form=form, failed=("application", application.id))
    return _done(
        _(
            "The application of %(startup)s is not endorsed; the startup is told why.",
            startup=application.startup.name,
        )
    )


# --- host review -----------------------------------------------------------------------------


def _host_choice(choice_id: int) -> HostChoice:
    park = _park()
    choice = db.session.get(HostChoice, choice_id)
    if (
        choice is None
        or choice.offer.park_id != park.id
        or not can_see_application(current_user, choice.application)
    ):
        abort(404)
    return choice


@bp.post("/park/choices/<int:choice_id>/question")
@login_required
def choice_question(choice_id: int):
    choice = _host_choice(choice_id)
    form = QuestionForm(prefix=f"question-{choice.id}")
    if not form.validate_on_submit():
        return _park_page(status=400, form=form, failed=("question", choice.id))
    try:
        decisions.ask_question(db.session(), current_user, choice, form.question.data.strip())
    except DomainError as refused:
        return _refused(refused, form=form, failed=("question", choice.id))
    return _done(_("The question is sent to %(startup)s.", startup=choice.application.startup.name))


@bp.post("/park/choices/<int:choice_id>/decide")
@login_required
def choice_decide(choice_id: int):
    choice = _host_choice(choice_id)
    form = DecisionForm(prefix=f"decision-{choice.id}")
    if not form.validate_on_submit():
        return _park_page(status=400, form=form, failed=("decision", choice.id))
    try:
        decisions.decide(
            db.session(),
            current_user,
            choice,
            decisions.Decision(form.decision.data),
            reason=(form.reason.data or "").strip(),
        )
    except DomainError as refused:
        return _refused(refused, form=form, failed=("decision", choice.id))
    startup = choice.application.startup.name
    return _done(
        {
            "accept": _("%(startup)s is offered a place; it is asked to answer.", startup=startup),
            "waitlist": _("%(startup)s is on the waiting list.", startup=startup),
            "reject": _("%(startup)s is told that the park does not take it.", startup=startup),
        }[form.decision.data]
    )


@bp.post("/park/choices/<int:choice_id>/offer-freed-place")
@login_required
def choice_offer_freed_place(choice_id: int):
    choice = _host_choice(choice_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        decisions.offer_freed_place(db.session(), current_user, choice)
    except DomainError as refused:
        return _refused(refused)
    return _done(
        _("The freed place is offered to %(startup)s.", startup=choice.application.startup.name)
    )


# --- the park's offers -----------------------------------------------------------------------


def _own_offer(offer_id: int) -> HostOffer:
    park = _park()
    offer = db.session.get(HostOffer, offer_id)
    if offer is None or offer.park_id != park.id:
        abort(404)
    return offer


def _offer_page(offer: HostOffer, form: HostOfferForm, status: int = 200):
    return render_template(
        "residency/offer_edit.html", offer=offer, form=form, call=offer.call
    ), status


@bp.route("/park/offers/<int:offer_id>", methods=["GET", "POST"])
@login_required
def offer_edit(offer_id: int):
    offer = _own_offer(offer_id)
    if request.method == "GET":
        return _offer_page(offer, host_offer_form(offer))
    form = host_offer_form(None)
    if not form.validate_on_submit():
        return _offer_page(offer, form, 400)
    try:
        calls.set_host_offer(
            db.session(),
            current_user,
            offer.call,
            offer.park,
            **form.values(),
            translations=form.translations(),
        )
    except DomainError as refused:
        if refused.status in (403, 404):
            raise
        db.session.rollback()
        if not show_beside_field(form, refused):
            flash(refused.message, "danger")
        return _offer_page(_own_offer(offer_id), form, refused.status)
    return _done(_("The offer in “%(call)s” is saved.", call=offer.call.title))


# --- residencies at the park -----------------------------------------------------------------


def _hosted(residency_id: int) -> Residency:
    park = _park()
    residency = db.session.get(Residency, residency_id)
    if residency is None or residency.host_park_id != park.id:
        abort(404)
    return residency


@bp.post("/park/residencies/<int:residency_id>/check-in")
@login_required
def residency_check_in(residency_id: int):
    residency = _hosted(residency_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        stays.check_in(db.session(), current_user, residency)
    except DomainError as refused:
        return _refused(refused)
    return _done(_("%(startup)s is checked in.", startup=residency.startup.name))


@bp.post("/park/residencies/<int:residency_id>/extend")
@login_required
def residency_extend(residency_id: int):
    residency = _hosted(residency_id)
    form = ExtendForm(prefix=f"extend-{residency.id}")
    if not form.validate_on_submit():
        return _park_page(status=400, form=form, failed=("extend", residency.id))
    try:
        stays.extend_residency(db.session(), current_user, residency, form.ends_on.data)
    except DomainError as refused:
        return _refused(refused, form=form, failed=("extend", residency.id))
    return _done(_("The residency of %(startup)s is extended.", startup=residency.startup.name))


@bp.post("/park/residencies/<int:residency_id>/check-out")
@login_required
def residency_check_out(residency_id: int):
    residency = _hosted(residency_id)
    form = CheckOutForm(prefix=f"check_out-{residency.id}")
    if not form.validate_on_submit():
        return _park_page(status=400, form=form, failed=("check_out", residency.id))
    try:
        stays.check_out(db.session(), current_user, residency, form.on.data)
    except DomainError as refused:
        return _refused(refused, form=form, failed=("check_out", residency.id))
    return _done(_("%(startup)s is checked out.", startup=residency.startup.name))


@bp.post("/park/residencies/<int:residency_id>/cut-short")
@login_required
def residency_cut_short(residency_id: int):
    residency = _hosted(residency_id)
    form = CutShortForm(prefix=f"cut_short-{residency.id}")
    if not form.validate_on_submit():
        return _park_page(status=400, form=form, failed=("cut_short", residency.id))
    try:
        stays.cut_short(db.session(), current_user, residency, form.reason.data.strip())
    except DomainError as refused:
        return _refused(refused, form=form, failed=("cut_short", residency.id))
    return _done(_("The residency of %(startup)s is cut short.", startup=residency.startup.name))


# --- one application, for those who may read it ---------------------------------------------


def _readable(application_id: int) -> ResidencyApplication:
    application = queries.application_page(db.session(), application_id)
    if application is None:
        abort(404)
    allow(can_see_application(current_user, application))
    return application


@bp.get("/applications/<int:application_id>")
@login_required
def application_detail(application_id: int):
    application = _readable(application_id)
    if is_founder_of(current_user, application.startup):
        # The startup's own page of it is where it acts (answers, accepts an offer).
        return redirect(url_for("residency.application_edit", application_id=application.id))
    return render_template(
        "residency/application.html",
        application=application,
        show_founders=can_see_founders(current_user, application),
    )


@bp.get("/applications/<int:application_id>/documents/<int:document_id>")
@login_required
def application_document(application_id: int, document_id: int):
    application = _readable(application_id)
    document = db.session.get(ResidencyDocument, document_id)
    if document is None or document.application_id != application.id:
        abort(404)
    name = (
        document.filename
        if document.filename.lower().endswith(".pdf")
        else f"{document.filename}.pdf"
    )
    response = send_file(
        io.BytesIO(document.content),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=name,
        etag=document.sha256,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- the addresses the programme's e-mails link to -------------------------------------------


@bp.get("/startups/<int:startup_id>")
@login_required
def startup_link(startup_id: int):
    """A startup, as its e-mails name it: its founder's page, or its home park's list of
    startups to confirm."""
    startup = db.get_or_404(Startup, startup_id)
    if is_founder_of(current_user, startup):
        return redirect(url_for("residency.startup_home"))
    if is_coordinator_of(current_user, startup.home_park):
        return redirect(url_for("residency.park_home", _anchor="to-confirm"))
    abort(403)


@bp.get("/residencies/<int:residency_id>")
@login_required
def residency_link(residency_id: int):
    """A residency, as its e-mails name it: the startup's page, or its host park's."""
    residency = db.get_or_404(Residency, residency_id)
    if is_founder_of(current_user, residency.startup):
        return redirect(url_for("residency.startup_home", _anchor="residencies"))
    if is_coordinator_of(current_user, residency.host_park):
        return redirect(url_for("residency.park_home", _anchor="residencies"))
    if current_user.is_staff:
        call_id = residency.choice.offer.call_id
        return redirect(url_for("residency_secretariat.call_detail", call_id=call_id))
    abort(403)
