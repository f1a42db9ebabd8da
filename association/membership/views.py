"""Membership pages for the public and the members: the application and its tracking page,
the member directory and profiles, the certificate download. The secretariat's review of
applications is in secretariat.py, on the same blueprint."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import FileStorage

from association.documents.views import send_stored
from association.domain import DomainError
from association.errors import allow, error_page
from association.extensions import db, limiter
from association.membership import documents, queries
from association.membership.applications import (
    ApplicationInput,
    answer_request,
    confirm_application,
    confirmation_hours,
    submit_application,
    withdraw_application,
)
from association.membership.forms import (
    AnswerForm,
    ApplicationForm,
    ConfirmForm,
    ProfileForm,
    WithdrawForm,
)
from association.membership.models import Application, ApplicationStatus
from association.membership.policy import (
    can_download_certificate,
    can_edit_profile,
    can_issue_certificates,
)
from association.membership.presenters import status_label
from association.membership.profiles import MAX_LOGO_BYTES, update_profile
from association.membership.uploads import (
    MAX_DOCUMENTS,
    DocumentRefused,
    Upload,
    clean_filename,
    keep_uploads,
    max_application_bytes,
)
from association.parks.models import Park, ParkStatus
from association.parks.service import country_name

bp = Blueprint("membership", __name__)


# Request size limits per form (the application-wide MAX_CONTENT_LENGTH stays the outer fence):
# an application's documents together, and a megabyte for the form's text.
UPLOAD_FORMS = {"membership.apply", "membership.answer"}
PROFILE_LIMIT = MAX_LOGO_BYTES + 256 * 1024
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
    if endpoint in UPLOAD_FORMS:
        request.max_content_length = max_application_bytes() + 1024 * 1024
    elif endpoint == "membership.profile_edit":
        request.max_content_length = PROFILE_LIMIT


@bp.errorhandler(413)
def too_large(error):
    # Says this form's own limit (the application-wide one is larger).
    if request.endpoint in UPLOAD_FORMS:
        return error_page(
            413,
            _(
                "The documents of one application may come to at most %(max)d MB in all. "
                "Please go back and send smaller files or fewer of them.",
                max=current_app.config["APPLICATION_DOCUMENTS_MAX_MB"],
            ),
        )
    return error_page(413)


@bp.errorhandler(429)
def too_many(error):
    # The limits of the application form are per hour: its own words, not "wait a minute".
    return error_page(429, error.description)


def _uploads(files: list[FileStorage] | None) -> list[Upload]:
    return [Upload(f.filename or "", f.read()) for f in (files or []) if f and f.filename]


def _application_limit() -> str:
    return current_app.config["APPLICATION_RATE_LIMIT"]


def _attempt_limit() -> str:
    return current_app.config["APPLICATION_ATTEMPT_RATE_LIMIT"]


# --- applying ------------------------------------------------------------------------------


@bp.route("/apply", methods=["GET", "POST"])
# Submissions from one address (a refused form re-shows with 200 and does not count), and,
# looser, attempts of any outcome: each may carry 20 MB of documents to check and keep.
@limiter.limit(
    _application_limit,
    methods=["POST"],
    deduct_when=lambda response: response.status_code == 302,
    error_message=lambda: _(
        "Too many applications were sent from this address. Please try again in an hour."
    ),
)
@limiter.limit(
    _attempt_limit,
    methods=["POST"],
    error_message=lambda: _("Too many attempts from this address. Please try again in an hour."),
)
def apply():
    form = ApplicationForm()
    # Documents kept from the previous attempt: the form carries their tokens back.
    tokens = request.form.getlist("kept")[:MAX_DOCUMENTS] if request.method == "POST" else []
    uploads = _uploads(form.documents.data) if request.method == "POST" else []
    refusal = None
    if form.validate_on_submit():
        data = ApplicationInput(
            **{name: getattr(form, name).data for name in APPLICATION_FIELDS},
            language=str(get_locale()),
        )
        try:
            submitted = submit_application(db.session(), data, uploads, kept=tokens)
        except DocumentRefused as refused:
            form.documents.errors = [*form.documents.errors, refused.message]
        except DomainError as refused:
            if refused.status != 400:
                raise
            refusal = refused.message
        else:
            flash(
                _(
                    "Your application is saved. To send it to the secretariat, open the link we "
                    "have e-mailed to %(email)s within %(hours)d hours. Keep this page's address: "
                    "it is the only way to follow the application.",
                    email=submitted.application.contact_email,
                    hours=confirmation_hours(),
                ),
                "success",
            )
            return redirect(url_for("membership.tracking", code=submitted.tracking_code))
    kept = keep_uploads(db.session(), tokens, uploads) if request.method == "POST" else []
    kept_names = {k.filename for k in kept}
    return render_template(
        "membership/apply.html",
        form=form,
        max_documents=MAX_DOCUMENTS,
        refusal=refusal,
        kept=kept,
        # Chosen but not kept (not a readable PDF, or over a limit): the form says so by name.
        dropped=[u.filename for u in uploads if clean_filename(u.filename) not in kept_names],
        max_mb=current_app.config["APPLICATION_DOCUMENTS_MAX_MB"],
    )


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


@bp.route("/apply/<code>/confirm/<token>", methods=["GET", "POST"])
def confirm(code: str, token: str):
    # A page with a button, not a change on GET: mail scanners that open links confirm nothing.
    application = _application_by_code(code)
    if application.status != ApplicationStatus.UNCONFIRMED:
        flash(_("Your e-mail address is already confirmed."), "info")
        return redirect(url_for("membership.tracking", code=code))
    form = ConfirmForm()
    if form.validate_on_submit():
        confirm_application(db.session(), application, token, tracking_code=code)
        flash(
            _(
                "Thank you: your e-mail address is confirmed and the application has reached "
                "the secretariat. We have e-mailed you this page's address."
            ),
            "success",
        )
        return redirect(url_for("membership.tracking", code=code))
    return (
        render_template("membership/confirm.html", form=form, application=application),
        200,
        TRACKING_HEADERS,
    )


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
        hours=confirmation_hours(),
        link=url_for("membership.tracking", code=code, _external=True),
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
