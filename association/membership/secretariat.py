"""The secretariat's pages of membership: the list of applications, one application with
its documents, and the steps of review and decision. On the membership blueprint (views.bp);
area.py imports this module so that its routes register."""

# ruff: noqa: TID251
# These are views (they read the request and answer with HTTP), kept apart from views.py
# along the display/management seam; the lint's exemption names only files called views.py.

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from association.errors import allow
from association.extensions import db
from association.membership import queries
from association.membership.admission import approve_application, put_to_vote, reject_application
from association.membership.applications import request_information, start_review
from association.membership.forms import (
    ApproveForm,
    PutToVoteForm,
    RejectForm,
    RequestInformationForm,
)
from association.membership.models import (
    Application,
    ApplicationDocument,
    ApplicationStatus,
    Category,
)
from association.membership.policy import can_review_applications
from association.membership.presenters import STATUS_LABELS, status_label
from association.membership.views import bp
from association.parks.models import Park
from association.parks.service import country_name


@bp.get("/secretariat/applications")
@login_required
def application_list():
    allow(can_review_applications(current_user))
    status = request.args.get("status", "open")
    country = request.args.get("country", "").upper()
    found = queries.application_list(db.session(), status=status, country=country)
    return render_template(
        "membership/applications.html",
        applications=found.applications,
        status=status,
        country=country,
        countries=[(code, country_name(code)) for code in found.countries],
        counts=found.counts,
        statuses={k: v for k, v in STATUS_LABELS.items() if k != ApplicationStatus.UNCONFIRMED},
        status_label=status_label,
    )


def _application_or_404(application_id: int) -> Application:
    application = queries.reviewable_application(db.session(), application_id)
    if application is None:
        abort(404)
    return application


def _approve_form(application: Application) -> ApproveForm:
    form = (
        ApproveForm(category=application.category_requested)
        if request.method == "GET"
        else ApproveForm()
    )
    choices = queries.admission_park_choices(db.session(), application)
    form.park.choices = [(0, _("Create a new park"))] + [
        (p.id, f"{p.name_latin} ({p.country}, {p.status})") for p in choices.candidates
    ]
    if request.method == "GET":
        form.park.data = choices.same.id if choices.same is not None else 0
    return form


@bp.get("/secretariat/applications/<int:application_id>")
@login_required
def application_detail(application_id: int):
    application = _application_or_404(application_id)
    allow(can_review_applications(current_user))
    return _detail_page(application)


def _detail_page(
    application: Application,
    *,
    request_form: RequestInformationForm | None = None,
    approve_form: ApproveForm | None = None,
    reject_form: RejectForm | None = None,
    vote_form: PutToVoteForm | None = None,
    status: int = 200,
):
    page = queries.application_page(db.session(), application)
    return render_template(
        "membership/application.html",
        application=application,
        status_label=status_label,
        duplicate=page.duplicate,
        country=country_name(application.country),
        request_form=request_form or RequestInformationForm(formdata=None),
        approve_form=approve_form or _approve_form(application),
        reject_form=reject_form or RejectForm(formdata=None),
        vote_form=vote_form or PutToVoteForm(formdata=None),
        vote=page.vote,
        may=page.may,
    ), status


@bp.get("/secretariat/applications/<int:application_id>/documents/<int:document_id>")
@login_required
def application_document(application_id: int, document_id: int):
    application = _application_or_404(application_id)
    allow(can_review_applications(current_user))
    document = db.session.get(ApplicationDocument, document_id)
    if document is None or document.application_id != application.id:
        abort(404)
    # An attachment, never shown inline: the file comes from outside. Under the name it was
    # sent with (cleaned on upload; send_file writes a non-ASCII one as RFC 5987 filename*).
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


@bp.post("/secretariat/applications/<int:application_id>/review")
@login_required
def application_review(application_id: int):
    application = _application_or_404(application_id)
    allow(can_review_applications(current_user))
    start_review(db.session(), current_user, application)
    flash(_("The application is under review."), "success")
    return redirect(url_for("membership.application_detail", application_id=application_id))


@bp.post("/secretariat/applications/<int:application_id>/request")
@login_required
def application_request(application_id: int):
    application = _application_or_404(application_id)
    allow(can_review_applications(current_user))
    form = RequestInformationForm()
    if not form.validate_on_submit():
        return _detail_page(application, request_form=form, status=400)
    request_information(db.session(), current_user, application, form.question.data)
    flash(_("The request is sent to %(email)s.", email=application.contact_email), "success")
    return redirect(url_for("membership.application_detail", application_id=application_id))


@bp.post("/secretariat/applications/<int:application_id>/approve")
@login_required
def application_approve(application_id: int):
    application = _application_or_404(application_id)
    allow(can_review_applications(current_user))
    form = _approve_form(application)
    if not form.validate_on_submit():
        return _detail_page(application, approve_form=form, status=400)
    park = db.session.get(Park, form.park.data) if form.park.data else None
    park = approve_application(
        db.session(),
        current_user,
        application,
        Category(form.category.data),
        park=park,
        reason=form.reason.data or "",
    )
    flash(
        _(
            "%(park)s is admitted as %(category)s with number %(number)s; its contact person is invited.",
            park=park.name_latin,
            category=form.category.data,
            number=park.membership_number,
        ),
        "success",
    )
    return redirect(url_for("membership.application_detail", application_id=application_id))


@bp.post("/secretariat/applications/<int:application_id>/reject")
@login_required
def application_reject(application_id: int):
    application = _application_or_404(application_id)
    allow(can_review_applications(current_user))
    form = RejectForm()
    if not form.validate_on_submit():
        return _detail_page(application, reject_form=form, status=400)
    reject_application(db.session(), current_user, application, form.reason.data)
    flash(_("The application is rejected; the applicant is told why."), "success")
    return redirect(url_for("membership.application_detail", application_id=application_id))


@bp.post("/secretariat/applications/<int:application_id>/vote")
@login_required
def application_vote(application_id: int):
    application = _application_or_404(application_id)
    allow(can_review_applications(current_user))
    form = PutToVoteForm()
    if not form.validate_on_submit():
        return _detail_page(application, vote_form=form, status=400)
    initiative = put_to_vote(db.session(), current_user, application, days=form.days.data)
    flash(
        _("The admission is put to a vote of the member parks; their delegates are told."),
        "success",
    )
    return redirect(url_for("voting.initiative_detail", initiative_id=initiative.id))
