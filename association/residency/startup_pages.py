"""The startup's side of the programme: its page (status, applications, residencies, the
list-me-publicly switch), the application form and what a startup does with an application
(submit, withdraw, answer a host's question, accept or decline an offer), and the final report
of a residency."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from association.domain import DomainError
from association.errors import allow
from association.extensions import db
from association.forms import show_beside_field
from association.parks.models import Role
from association.residency import applications as service
from association.residency import decisions, queries, stays
from association.residency.forms import (
    MAX_FOUNDERS,
    AnswerForm,
    ApplicationForm,
    FinalReportForm,
    ListedForm,
    SubmitApplicationForm,
    WithdrawForm,
)
from association.residency.models import (
    ApplicationStatus,
    DocumentPurpose,
    HostChoice,
    Residency,
    ResidencyApplication,
    ResidencyCall,
    ResidencyQuestion,
    Startup,
)
from association.residency.policy import is_founder_of
from association.residency.startups import set_listed_publicly
from association.residency.views import bp

# Both PDFs of an application together, and a megabyte for the form's text.
APPLICATION_LIMIT = 2 * 10 * 1024 * 1024 + 1024 * 1024
UPLOADS = {
    "pitch_deck": DocumentPurpose.PITCH_DECK,
    "company_registration": DocumentPurpose.COMPANY_REGISTRATION,
}


@bp.url_value_preprocessor
def limit_request_size(endpoint: str | None, values: dict[str, Any] | None) -> None:
    # Before the CSRF check reads the body: beyond it the 413 page answers.
    if endpoint == "residency.application_edit":
        request.max_content_length = APPLICATION_LIMIT


def _startup() -> Startup:
    """The signed-in founder's startup: every page here is a startup's own (403 otherwise)."""
    allow(current_user.role == Role.STARTUP and current_user.startup_id is not None)
    startup = db.session.get(Startup, current_user.startup_id)
    if startup is None or not is_founder_of(current_user, startup):
        abort(403)
    return startup


def _own_application(application_id: int) -> ResidencyApplication:
    startup = _startup()
    application = queries.application_page(db.session(), application_id)
    if application is None or application.startup_id != startup.id:
        # Another startup's application is no page of this one's: nothing to learn by trying.
        abort(404)
    return application


def _own_choice(choice_id: int) -> HostChoice:
    startup = _startup()
    choice = db.session.get(HostChoice, choice_id)
    if choice is None or choice.application.startup_id != startup.id:
        abort(404)
    return choice


def _refused(refused: DomainError, back: str):
    """A refusal the startup can act on, said at the top of the page it came from."""
    if refused.status == 403 or refused.status == 404:
        raise refused
    flash(refused.message, "danger")
    return redirect(back)


@bp.get("/startup")
@login_required
def startup_home():
    startup = _startup()
    page = queries.startup_page(db.session(), startup)
    return render_template(
        "residency/startup.html",
        page=page,
        listed_form=ListedForm(listed=startup.listed_publicly),
        report_form=FinalReportForm(),
    )


@bp.post("/startup/listed")
@login_required
def startup_listed():
    startup = _startup()
    form = ListedForm()
    if form.validate_on_submit():
        set_listed_publicly(db.session(), current_user, startup, bool(form.listed.data))
        flash(
            _("The programme page names the startup while it is in residency.")
            if form.listed.data
            else _("The programme page does not name the startup."),
            "success",
        )
    return redirect(url_for("residency.startup_home"))


@bp.post("/startup/calls/<int:call_id>/apply")
@login_required
def application_start(call_id: int):
    _startup()
    call = db.get_or_404(ResidencyCall, call_id)
    form = SubmitApplicationForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        application = service.start_application(db.session(), current_user, call)
    except DomainError as refused:
        return _refused(refused, url_for("residency.startup_home"))
    return redirect(url_for("residency.application_edit", application_id=application.id))


def _offers(application: ResidencyApplication):
    offers = queries.offers_of_call(
        db.session(), application.call, application.startup.home_park_id
    )
    return {offer.id: offer for offer in offers}


def _filled_form(application: ResidencyApplication) -> ApplicationForm:
    founders = [
        {
            "full_name": f.full_name,
            "nationality": f.nationality,
            "date_of_birth": f.date_of_birth,
            "role": f.role,
        }
        for f in application.founders
    ]
    # At least three rows, and one empty row to add a founder while there is room.
    founders += [{}] * max(3 - len(founders), 1 if len(founders) < MAX_FOUNDERS else 0)
    choices = [{"offer": c.offer_id, "wishes": c.wishes} for c in application.choices]
    choices += [{}] * (3 - len(choices))
    return ApplicationForm(
        obj=application, data={"founders": founders[:MAX_FOUNDERS], "choices": choices}
    )


def _application_page(application, form: ApplicationForm, status: int = 200):
    return render_template(
        "residency/application_form.html",
        application=application,
        form=form,
        submit_form=SubmitApplicationForm(),
        withdraw_form=WithdrawForm(),
        answer_form=AnswerForm(),
        purposes=UPLOADS,
    ), status


@bp.route("/startup/applications/<int:application_id>", methods=["GET", "POST"])
@login_required
def application_edit(application_id: int):
    application = _own_application(application_id)
    offers = _offers(application)
    if application.status != ApplicationStatus.DRAFT:
        # Submitted: the startup follows it here, and answers the hosts' questions.
        form = _filled_form(application)
        form.set_offers([(o.id, o.park.name_latin) for o in offers.values()])
        return _application_page(application, form)
    if request.method == "GET":
        form = _filled_form(application)
        form.set_offers([(o.id, o.park.name_latin) for o in offers.values()])
        return _application_page(application, form)
    form = ApplicationForm()
    form.set_offers([(o.id, o.park.name_latin) for o in offers.values()])
    if not form.validate_on_submit():
        return _application_page(application, form, 400)
    try:
        service.save_application(
            db.session(),
            current_user,
            application,
            product=(form.product.data or "").strip(),
            stage=form.stage.data or "",
            sector=(form.sector.data or "").strip(),
            starts_on=form.starts_on.data,
            ends_on=form.ends_on.data,
            founders=form.founders_given(),
            choices=[(offers[offer_id], wishes) for offer_id, wishes in form.choices_given()],
        )
        for name, purpose in UPLOADS.items():
            upload = getattr(form, name).data
            if upload and upload.filename:
                service.attach_document(
                    db.session(), current_user, application, purpose, upload.filename, upload.read()
                )
    except DomainError as refused:
        if refused.status in (403, 404):
            raise
        if not show_beside_field(form, refused):
            flash(refused.message, "danger")
        db.session.rollback()
        application = _own_application(application_id)
        return _application_page(application, form, refused.status)
    flash(_("The draft is saved. Submit it to the home park when it is complete."), "success")
    return redirect(url_for("residency.application_edit", application_id=application.id))


@bp.post("/startup/applications/<int:application_id>/submit")
@login_required
def application_submit(application_id: int):
    application = _own_application(application_id)
    back = url_for("residency.application_edit", application_id=application.id)
    if not SubmitApplicationForm().validate_on_submit():
        abort(400)
    try:
        service.submit_application(db.session(), current_user, application)
    except DomainError as refused:
        return _refused(refused, back)
    flash(
        _(
            "The application is submitted: %(park)s is asked to endorse it.",
            park=application.startup.home_park.name_latin,
        ),
        "success",
    )
    return redirect(back)


@bp.post("/startup/applications/<int:application_id>/withdraw")
@login_required
def application_withdraw(application_id: int):
    application = _own_application(application_id)
    back = url_for("residency.application_edit", application_id=application.id)
    if not WithdrawForm().validate_on_submit():
        flash(_("Tick the box to confirm that the application is to be withdrawn."), "warning")
        return redirect(back)
    try:
        service.withdraw_application(db.session(), current_user, application)
    except DomainError as refused:
        return _refused(refused, back)
    flash(_("The application is withdrawn."), "success")
    return redirect(back)


@bp.post("/startup/questions/<int:question_id>/answer")
@login_required
def question_answer(question_id: int):
    startup = _startup()
    question = db.session.get(ResidencyQuestion, question_id)
    if question is None or question.choice.application.startup_id != startup.id:
        abort(404)
    back = url_for("residency.application_edit", application_id=question.choice.application_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        flash(_("Write the answer before sending it."), "warning")
        return redirect(back)
    try:
        decisions.answer_question(db.session(), current_user, question, form.answer.data.strip())
    except DomainError as refused:
        return _refused(refused, back)
    flash(
        _("The answer is sent to %(park)s.", park=question.choice.offer.park.name_latin), "success"
    )
    return redirect(back)


@bp.post("/startup/choices/<int:choice_id>/accept")
@login_required
def offer_accept(choice_id: int):
    choice = _own_choice(choice_id)
    back = url_for("residency.application_edit", application_id=choice.application_id)
    if not SubmitApplicationForm().validate_on_submit():
        abort(400)
    try:
        decisions.accept_offer(db.session(), current_user, choice)
    except DomainError as refused:
        return _refused(refused, back)
    flash(
        _(
            "You accepted the place at %(park)s: your residency is on your page.",
            park=choice.offer.park.name_latin,
        ),
        "success",
    )
    return redirect(url_for("residency.startup_home"))


@bp.post("/startup/choices/<int:choice_id>/decline")
@login_required
def offer_decline(choice_id: int):
    choice = _own_choice(choice_id)
    back = url_for("residency.application_edit", application_id=choice.application_id)
    if not SubmitApplicationForm().validate_on_submit():
        abort(400)
    try:
        decisions.decline_offer(db.session(), current_user, choice)
    except DomainError as refused:
        return _refused(refused, back)
    flash(_("You declined the offer of %(park)s.", park=choice.offer.park.name_latin), "success")
    return redirect(back)


@bp.post("/startup/residencies/<int:residency_id>/report")
@login_required
def final_report(residency_id: int):
    startup = _startup()
    residency = db.session.get(Residency, residency_id)
    if residency is None or residency.startup_id != startup.id:
        abort(404)
    form = FinalReportForm()
    back = url_for("residency.startup_home")
    if not form.validate_on_submit():
        flash(_("Write the report before sending it."), "warning")
        return redirect(back)
    try:
        stays.submit_final_report(db.session(), current_user, residency, form.text.data.strip())
    except DomainError as refused:
        return _refused(refused, back)
    flash(_("Thank you: the report is sent to the host park."), "success")
    return redirect(back)
