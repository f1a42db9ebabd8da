"""Membership pages: the public application and its tracking page, the member directory and
profiles, the certificate download, and the secretariat's review of applications."""

from __future__ import annotations

from itertools import groupby

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select

from association.domain import DomainError
from association.errors import allow
from association.extensions import db
from association.membership import certificates, service
from association.membership.forms import (
    AnswerForm,
    ApplicationForm,
    ApproveForm,
    ProfileForm,
    PutToVoteForm,
    RejectForm,
    RequestInformationForm,
    WithdrawForm,
)
from association.membership.models import (
    OPEN_STATUSES,
    Application,
    ApplicationDocument,
    ApplicationStatus,
    Category,
    ParkProfile,
)
from association.membership.policy import (
    can_download_certificate,
    can_edit_profile,
    can_issue_certificates,
    can_review_applications,
)
from association.parks.models import Park, ParkStatus
from association.parks.service import country_name

bp = Blueprint("membership", __name__)


# Request size limits per form (the application-wide MAX_CONTENT_LENGTH stays the outer fence).
FORM_LIMITS = {
    "membership.apply": service.MAX_DOCUMENTS * service.MAX_DOCUMENT_BYTES + 1024 * 1024,
    "membership.answer": service.MAX_DOCUMENTS * service.MAX_DOCUMENT_BYTES + 1024 * 1024,
    "membership.profile_edit": service.MAX_LOGO_BYTES + 256 * 1024,
}
DIRECTORY_STATUSES = (ParkStatus.MEMBER, ParkStatus.OBSERVER, ParkStatus.SUSPENDED)


@bp.url_value_preprocessor
def limit_request_size(endpoint, values):
    # Runs before every before_request function (the CSRF check reads the form), so the
    # smaller limit applies to the first read of the body; beyond it the 413 page answers.
    if endpoint in FORM_LIMITS:
        request.max_content_length = FORM_LIMITS[endpoint]


def _uploads(field) -> list[service.Upload]:
    return [
        service.Upload(f.filename or "", f.read()) for f in (field.data or []) if f and f.filename
    ]


# --- applying ------------------------------------------------------------------------------


@bp.route("/apply", methods=["GET", "POST"])
def apply():
    form = ApplicationForm()
    if form.validate_on_submit():
        uploads = _uploads(form.documents)
        data = service.ApplicationInput(
            **{
                name: getattr(form, name).data
                for name in (
                    "name_latin",
                    "name_native",
                    "legal_entity",
                    "country",
                    "city",
                    "website",
                    "year_founded",
                    "resident_companies",
                    "contact_name",
                    "contact_title",
                    "contact_email",
                    "contact_phone",
                    "motivation",
                    "category_requested",
                )
            }
        )
        try:
            application = service.submit_application(db.session(), data, uploads)
        except DomainError as refused:
            # The form has checked every field; what remains refused is about the documents.
            form.documents.errors = [*form.documents.errors, refused.message]
        else:
            flash(
                _(
                    "Your application is submitted. Keep this page's address: it is the only way to follow "
                    "the application, and we have e-mailed it to %(email)s.",
                    email=application.contact_email,
                ),
                "success",
            )
            return redirect(url_for("membership.tracking", code=application.tracking_code))
    return render_template("membership/apply.html", form=form, max_documents=service.MAX_DOCUMENTS)


def _application_by_code(code: str) -> Application:
    application = service.find_by_tracking_code(db.session(), code)
    if application is None:
        # Unknown and malformed codes get the same answer: nothing to learn by trying.
        abort(Response(render_template("membership/unknown.html"), 404))
    return application


@bp.get("/apply/<code>")
def tracking(code: str):
    application = _application_by_code(code)
    return _tracking_page(application, AnswerForm(), WithdrawForm())


def _tracking_page(
    application: Application, answer_form: AnswerForm, withdraw_form: WithdrawForm, status=200
):
    response = render_template(
        "membership/tracking.html",
        application=application,
        answer_form=answer_form,
        withdraw_form=withdraw_form,
        status_label=service.status_label,
        country=country_name(application.country),
        max_documents=service.MAX_DOCUMENTS,
        vote=service.admission_vote(db.session(), application),
    )
    return response, status, {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


@bp.post("/apply/<code>/answer")
def answer(code: str):
    application = _application_by_code(code)
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            service.answer_request(
                db.session(), application, form.answer.data, _uploads(form.documents)
            )
        except DomainError as refused:
            if refused.status == 409:
                raise
            form.documents.errors = [*form.documents.errors, refused.message]
        else:
            flash(_("Your answer is sent to the secretariat."), "success")
            return redirect(url_for("membership.tracking", code=code))
    db.session.refresh(application)
    return _tracking_page(application, form, WithdrawForm())


@bp.post("/apply/<code>/withdraw")
def withdraw(code: str):
    application = _application_by_code(code)
    form = WithdrawForm()
    if not form.validate_on_submit():
        flash(_("Please tick the box to confirm that you withdraw the application."), "danger")
        return redirect(url_for("membership.tracking", code=code))
    service.withdraw_application(db.session(), application)
    flash(_("The application is withdrawn."), "success")
    return redirect(url_for("membership.tracking", code=code))


# --- the directory -----------------------------------------------------------------------------


@bp.get("/members")
def directory():
    query = request.args.get("q", "").strip()[:100]
    statement = (
        select(Park)
        .where(Park.status.in_(DIRECTORY_STATUSES))
        .order_by(Park.country, Park.name_latin)
    )
    if query:
        # Text only: % and _ typed into the box are letters, not wildcards.
        statement = statement.where(
            or_(
                Park.name_latin.icontains(query, autoescape=True),
                Park.name_native.icontains(query, autoescape=True),
            )
        )
    parks = db.session.scalars(statement).all()
    by_country = sorted(
        (
            (country_name(code), list(group))
            for code, group in groupby(parks, key=lambda p: p.country)
        ),
        key=lambda pair: pair[0],
    )
    return render_template(
        "membership/directory.html", by_country=by_country, query=query, count=len(parks)
    )


def _park_by_slug(slug: str) -> Park:
    park = db.session.scalar(select(Park).where(Park.slug == slug))
    if park is None:
        abort(404)
    # A withdrawn park has left the directory; the secretariat still finds it.
    if park.status == ParkStatus.WITHDRAWN and not (
        current_user.is_authenticated and current_user.is_staff
    ):
        abort(404)
    return park


@bp.get("/members/<slug>")
def profile(slug: str):
    park = _park_by_slug(slug)
    profile = service.profile_of(db.session(), park)
    certificate = None
    if can_download_certificate(current_user, park):
        certificate = certificates.current_certificate(db.session(), park)
    return render_template(
        "membership/profile.html",
        park=park,
        profile=profile,
        country=country_name(park.country),
        may_edit=can_edit_profile(current_user, park),
        certificate=certificate,
        may_reissue=can_issue_certificates(current_user) and park.status in certificates.CERTIFIED,
    )


@bp.route("/members/<slug>/edit", methods=["GET", "POST"])
@login_required
def profile_edit(slug: str):
    park = _park_by_slug(slug)
    allow(can_edit_profile(current_user, park))
    profile = service.profile_of(db.session(), park)
    form = ProfileForm(
        data={"description": profile.description if profile else "", "website": park.website}
        if request.method == "GET"
        else None
    )
    if form.validate_on_submit():
        logo = form.logo.data.read() if form.logo.data else None
        try:
            service.update_profile(
                db.session(),
                current_user,
                park,
                description=form.description.data or "",
                website=form.website.data or "",
                logo=logo or None,
                remove_logo=form.remove_logo.data,
            )
        except DomainError as refused:
            if refused.status != 400:
                raise
            form.logo.errors = [*form.logo.errors, refused.message]
        else:
            flash(_("The profile is saved."), "success")
            return redirect(url_for("membership.profile", slug=park.slug))
    return render_template("membership/profile_edit.html", form=form, park=park, profile=profile)


@bp.get("/members/<slug>/logo")
def logo(slug: str):
    park = _park_by_slug(slug)
    profile = db.session.scalar(select(ParkProfile).where(ParkProfile.park_id == park.id))
    if profile is None or not profile.logo_type:
        abort(404)
    if request.if_none_match.contains(profile.logo_sha256):
        return Response(status=304)
    response = Response(profile.logo, mimetype=profile.logo_type)
    response.set_etag(profile.logo_sha256)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


@bp.get("/members/<slug>/certificate.pdf")
@login_required
def certificate(slug: str):
    park = _park_by_slug(slug)
    allow(can_download_certificate(current_user, park))
    document = certificates.current_certificate(db.session(), park)
    if document is None:
        abort(404)
    from association.documents.views import send_stored

    return send_stored(document, as_attachment=True)


@bp.post("/members/<slug>/certificate/reissue")
@login_required
def certificate_reissue(slug: str):
    park = _park_by_slug(slug)
    allow(can_issue_certificates(current_user))
    document = certificates.reissue_certificate(db.session(), current_user, park)
    flash(
        _(
            "A new certificate is issued (verification code %(code)s); the previous one is superseded.",
            code=document.verification_code,
        ),
        "success",
    )
    return redirect(url_for("membership.profile", slug=park.slug))


# --- the secretariat's review ----------------------------------------------------------------


@bp.get("/secretariat/applications")
@login_required
def application_list():
    allow(can_review_applications(current_user))
    status = request.args.get("status", "open")
    country = request.args.get("country", "").upper()
    statement = select(Application).order_by(Application.submitted_at.desc(), Application.id.desc())
    if status == "open":
        statement = statement.where(Application.status.in_(OPEN_STATUSES))
    elif status in {s.value for s in ApplicationStatus}:
        statement = statement.where(Application.status == status)
    if country:
        statement = statement.where(Application.country == country)
    applications = db.session.scalars(statement).all()
    countries = db.session.scalars(
        select(Application.country).group_by(Application.country).order_by(Application.country)
    ).all()
    counts = dict(
        db.session.execute(
            select(Application.status, func.count()).group_by(Application.status)
        ).all()
    )
    return render_template(
        "membership/applications.html",
        applications=applications,
        status=status,
        country=country,
        countries=[(code, country_name(code)) for code in countries],
        counts=counts,
        statuses=service.STATUS_LABELS,
        status_label=service.status_label,
    )


def _application_or_404(application_id: int) -> Application:
    return db.get_or_404(Application, application_id)


def _approve_form(application: Application) -> ApproveForm:
    form = (
        ApproveForm(category=application.category_requested)
        if request.method == "GET"
        else ApproveForm()
    )
    # Only an observer can be admitted through an application (service.admission_refusal).
    candidates = db.session.scalars(
        select(Park)
        .where(Park.status == ParkStatus.OBSERVER)
        .order_by(Park.country != application.country, Park.name_latin)
    ).all()
    form.park.choices = [(0, _("Create a new park"))] + [
        (p.id, f"{p.name_latin} ({p.country}, {p.status})") for p in candidates
    ]
    if request.method == "GET":
        same = service.matching_park(db.session(), application)
        form.park.data = same.id if same in candidates else 0
    return form


@bp.get("/secretariat/applications/<int:application_id>")
@login_required
def application_detail(application_id: int):
    application = _application_or_404(application_id)
    allow(can_review_applications(current_user))
    return _detail_page(application)


def _detail_page(
    application,
    *,
    request_form=None,
    approve_form=None,
    reject_form=None,
    vote_form=None,
    status=200,
):
    vote = service.admission_vote(db.session(), application)
    may = _possible_actions(application, voting=vote is not None)
    # Said before anyone tries: the same refusal approving or putting to a vote would give.
    duplicate = (
        service.admission_refusal(
            db.session(),
            application,
            Category(application.category_requested),
            service.matching_park(db.session(), application),
        )
        if may["approve"] or may["vote"]
        else None
    )
    return render_template(
        "membership/application.html",
        application=application,
        status_label=service.status_label,
        duplicate=duplicate,
        country=country_name(application.country),
        request_form=request_form or RequestInformationForm(formdata=None),
        approve_form=approve_form or _approve_form(application),
        reject_form=reject_form or RejectForm(formdata=None),
        vote_form=vote_form or PutToVoteForm(formdata=None),
        vote=vote,
        may=may,
    ), status


def _possible_actions(application: Application, *, voting: bool) -> dict[str, bool]:
    # While the members vote, the vote decides: no decision by hand.
    return {
        "review": application.status in service.MAY_START_REVIEW,
        "request": application.status in service.MAY_REQUEST_INFORMATION,
        "approve": application.status in service.MAY_APPROVE and not voting,
        "reject": application.status in service.MAY_REJECT and not voting,
        "vote": application.status in service.MAY_APPROVE and not voting,
    }


@bp.get("/secretariat/applications/<int:application_id>/documents/<int:document_id>")
@login_required
def application_document(application_id: int, document_id: int):
    application = _application_or_404(application_id)
    allow(can_review_applications(current_user))
    document = db.session.get(ApplicationDocument, document_id)
    if document is None or document.application_id != application.id:
        abort(404)
    response = Response(document.content, mimetype="application/pdf")
    # An attachment, never shown inline: the file comes from outside.
    response.headers["Content-Disposition"] = (
        f'attachment; filename="application-{application.id}-{document.id}.pdf"'
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.set_etag(document.sha256)
    return response


@bp.post("/secretariat/applications/<int:application_id>/review")
@login_required
def application_review(application_id: int):
    application = _application_or_404(application_id)
    allow(can_review_applications(current_user))
    service.start_review(db.session(), current_user, application)
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
    service.request_information(db.session(), current_user, application, form.question.data)
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
    park = service.approve_application(
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
    service.reject_application(db.session(), current_user, application, form.reason.data)
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
    initiative = service.put_to_vote(db.session(), current_user, application, days=form.days.data)
    flash(
        _("The admission is put to a vote of the member parks; their delegates are told."),
        "success",
    )
    return redirect(url_for("voting.initiative_detail", initiative_id=initiative.id))
