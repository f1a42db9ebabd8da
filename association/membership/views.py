"""Membership pages for the public and the members: the application and its tracking page,
the member directory and profiles, the certificate download. The secretariat's review of
applications is in secretariat.py, on the same blueprint."""

from __future__ import annotations

from typing import Any

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
from werkzeug.datastructures import FileStorage

from association.documents.views import send_stored
from association.domain import DomainError
from association.errors import allow
from association.extensions import db
from association.membership import documents, queries
from association.membership.applications import (
    ApplicationInput,
    answer_request,
    submit_application,
    withdraw_application,
)
from association.membership.forms import AnswerForm, ApplicationForm, ProfileForm, WithdrawForm
from association.membership.models import Application
from association.membership.policy import (
    can_download_certificate,
    can_edit_profile,
    can_issue_certificates,
)
from association.membership.presenters import status_label
from association.membership.profiles import MAX_LOGO_BYTES, update_profile
from association.membership.uploads import MAX_DOCUMENT_BYTES, MAX_DOCUMENTS, Upload
from association.parks.models import Park, ParkStatus
from association.parks.service import country_name

bp = Blueprint("membership", __name__)


# Request size limits per form (the application-wide MAX_CONTENT_LENGTH stays the outer fence).
FORM_LIMITS = {
    "membership.apply": MAX_DOCUMENTS * MAX_DOCUMENT_BYTES + 1024 * 1024,
    "membership.answer": MAX_DOCUMENTS * MAX_DOCUMENT_BYTES + 1024 * 1024,
    "membership.profile_edit": MAX_LOGO_BYTES + 256 * 1024,
}
APPLICATION_FIELDS = (
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
# The tracking page's address is the secret: no other site sees it, no cache keeps it.
TRACKING_HEADERS = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


@bp.url_value_preprocessor
def limit_request_size(endpoint: str | None, values: dict[str, Any] | None) -> None:
    # Runs before every before_request function (the CSRF check reads the form), so the
    # smaller limit applies to the first read of the body; beyond it the 413 page answers.
    if endpoint in FORM_LIMITS:
        request.max_content_length = FORM_LIMITS[endpoint]


def _uploads(files: list[FileStorage] | None) -> list[Upload]:
    return [Upload(f.filename or "", f.read()) for f in (files or []) if f and f.filename]


# --- applying ------------------------------------------------------------------------------


@bp.route("/apply", methods=["GET", "POST"])
def apply():
    form = ApplicationForm()
    if form.validate_on_submit():
        data = ApplicationInput(**{name: getattr(form, name).data for name in APPLICATION_FIELDS})
        try:
            submitted = submit_application(db.session(), data, _uploads(form.documents.data))
        except DomainError as refused:
            # The form has checked every field; what remains refused is about the documents.
            form.documents.errors = [*form.documents.errors, refused.message]
        else:
            flash(
                _(
                    "Your application is submitted. Keep this page's address: it is the only way to follow "
                    "the application, and we have e-mailed it to %(email)s.",
                    email=submitted.application.contact_email,
                ),
                "success",
            )
            return redirect(url_for("membership.tracking", code=submitted.tracking_code))
    return render_template("membership/apply.html", form=form, max_documents=MAX_DOCUMENTS)


def _application_by_code(code: str) -> Application:
    application = queries.find_by_tracking_code(db.session(), code)
    if application is None:
        # Unknown and malformed codes get the same answer: nothing to learn by trying.
        abort(Response(render_template("membership/unknown.html"), 404))
    return application


@bp.get("/apply/<code>")
def tracking(code: str):
    application = _application_by_code(code)
    return _tracking_page(code, application, AnswerForm(), WithdrawForm())


def _tracking_page(
    code: str,
    application: Application,
    answer_form: AnswerForm,
    withdraw_form: WithdrawForm,
    status: int = 200,
):
    page = queries.tracking_page(db.session(), application)
    response = render_template(
        "membership/tracking.html",
        code=code,
        application=page.application,
        answer_form=answer_form,
        withdraw_form=withdraw_form,
        status_label=status_label,
        country=country_name(application.country),
        max_documents=MAX_DOCUMENTS,
        vote=page.vote,
    )
    return response, status, TRACKING_HEADERS


@bp.post("/apply/<code>/answer")
def answer(code: str):
    application = _application_by_code(code)
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            answer_request(
                db.session(), application, form.answer.data, _uploads(form.documents.data)
            )
        except DomainError as refused:
            if refused.status == 409:
                raise
            form.documents.errors = [*form.documents.errors, refused.message]
        else:
            flash(_("Your answer is sent to the secretariat."), "success")
            return redirect(url_for("membership.tracking", code=code))
    db.session.refresh(application)
    return _tracking_page(code, application, form, WithdrawForm())


@bp.post("/apply/<code>/withdraw")
def withdraw(code: str):
    application = _application_by_code(code)
    form = WithdrawForm()
    if not form.validate_on_submit():
        flash(_("Please tick the box to confirm that you withdraw the application."), "danger")
        return redirect(url_for("membership.tracking", code=code))
    withdraw_application(db.session(), application)
    flash(_("The application is withdrawn."), "success")
    return redirect(url_for("membership.tracking", code=code))


# --- the directory -----------------------------------------------------------------------------


@bp.get("/members")
def directory():
    query = request.args.get("q", "").strip()[:100]
    found = queries.directory(db.session(), query)
    return render_template(
        "membership/directory.html", by_country=found.by_country, query=query, count=found.count
    )


def _park_by_slug(slug: str) -> Park:
    park = queries.park_by_slug(db.session(), slug)
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
    page = queries.profile_page(
        db.session(), park, with_certificate=can_download_certificate(current_user, park)
    )
    return render_template(
        "membership/profile.html",
        park=park,
        profile=page.profile,
        country=country_name(park.country),
        may_edit=can_edit_profile(current_user, park),
        certificate=page.certificate,
        may_reissue=can_issue_certificates(current_user) and park.status in documents.CERTIFIED,
    )


@bp.route("/members/<slug>/edit", methods=["GET", "POST"])
@login_required
def profile_edit(slug: str):
    park = _park_by_slug(slug)
    allow(can_edit_profile(current_user, park))
    profile = queries.profile_page(db.session(), park, with_certificate=False).profile
    form = ProfileForm(
        data={"description": profile.description if profile else "", "website": park.website}
        if request.method == "GET"
        else None
    )
    if form.validate_on_submit():
        logo = form.logo.data.read() if form.logo.data else None
        try:
            update_profile(
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
    profile = queries.profile_page(db.session(), park, with_certificate=False).profile
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
    document = queries.profile_page(db.session(), park, with_certificate=True).certificate
    if document is None:
        abort(404)
    return send_stored(document, as_attachment=True)


@bp.post("/members/<slug>/certificate/reissue")
@login_required
def certificate_reissue(slug: str):
    park = _park_by_slug(slug)
    allow(can_issue_certificates(current_user))
    document = documents.reissue_certificate(db.session(), current_user, park)
    flash(
        _(
            "A new certificate is issued (verification code %(code)s); the previous one is superseded.",
            code=document.verification_code,
        ),
        "success",
    )
    return redirect(url_for("membership.profile", slug=park.slug))
