"""Sign in and out, invitations, password resets, the user's own account."""

from __future__ import annotations

import functools
import time
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from association.auth import second_factor, service
from association.auth.forms import (
    ChangePasswordForm,
    EnrolmentForm,
    LoginForm,
    NewPasswordForm,
    PreferencesForm,
    ResetRequestForm,
    SecondFactorForm,
)
from association.auth.models import TokenPurpose
from association.domain import DomainError
from association.extensions import db, limiter
from association.forms import ConfirmForm
from association.parks.models import User
from association.parks.service import member_countries

# How long a second-factor check counts as fresh for sensitive actions (roles, issuing).
FRESH_SECONDS = 10 * 60

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
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
    return url_for("main.dashboard")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _throttled(limit) -> None:
    service.note_throttled_login(db.session(), request.form.get("email", ""))


@bp.route("/login", methods=["GET", "POST"])
# Counts failed attempts only (a failed attempt re-shows the form; success redirects).
@limiter.limit(
    _login_limit,
    methods=["POST"],
    deduct_when=lambda response: response.status_code != 302,
    on_breach=_throttled,
)
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            user = service.sign_in(db.session(), form.email.data, form.password.data)
        except DomainError as refused:
            error = refused.message
        else:
            # A new session at sign-in: nothing set before it (by anyone) carries over.
            session.clear()
            if user.has_second_factor:
                session["second_factor_pending"] = user.get_id()
                session["remember"] = bool(form.remember.data)
                return redirect(url_for("auth.second_factor_step", next=request.args.get("next")))
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form, error=error)


def _pending_user() -> User | None:
    user_id, _sep, token = (session.get("second_factor_pending") or "").partition(":")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or user.session_token != token or not service.may_sign_in(user):
        return None
    return user


@bp.route("/login/second-factor", methods=["GET", "POST"])
@limiter.limit(
    _login_limit,
    methods=["POST"],
    deduct_when=lambda response: response.status_code != 302,
    on_breach=_throttled,
)
def second_factor_step():
    user = _pending_user()
    if user is None:
        return redirect(url_for("auth.login"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        try:
            second_factor.verify_second_factor(db.session(), user, form.code.data)
        except DomainError as refused:
            form.code.errors.append(refused.message)
        else:
            remember = session.get("remember", False)
            session.clear()
            login_user(user, remember=remember)
            session["second_factor_at"] = time.time()
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/second_factor.html", form=form)


def _same_site_path(url: str | None) -> str:
    """The path of a page of this site (the Referer of a refused POST), to return to it after
    the confirmation; anything else, the dashboard."""
    parts = urlsplit(url or "")
    if parts.netloc == request.host and parts.path.startswith("/"):
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return url_for("main.dashboard")


def second_factor_is_fresh() -> bool:
    return time.time() - session.get("second_factor_at", 0) < FRESH_SECONDS


def fresh_second_factor(view):
    """For sensitive actions (changing roles, issuing a memorandum): the user must have
    confirmed their second factor in the last ten minutes; otherwise they are asked to."""

    @functools.wraps(view)
    def guarded(*args, **kwargs):
        if not current_user.has_second_factor:
            return redirect(url_for("auth.enrol_second_factor"))
        if not second_factor_is_fresh():
            flash(
                _(
                    "Please confirm it is you with your authentication code, then repeat the action."
                ),
                "warning",
            )
            back = (
                request.full_path if request.method == "GET" else _same_site_path(request.referrer)
            )
            return redirect(url_for("auth.confirm_second_factor", next=back))
        return view(*args, **kwargs)

    return guarded


@bp.route("/account/confirm", methods=["GET", "POST"])
@login_required
@limiter.limit(
    _login_limit, methods=["POST"], deduct_when=lambda response: response.status_code != 302
)
def confirm_second_factor():
    if not current_user.has_second_factor:
        return redirect(url_for("auth.enrol_second_factor"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        try:
            second_factor.verify_second_factor(db.session(), current_user, form.code.data)
        except DomainError as refused:
            form.code.errors.append(refused.message)
        else:
            session["second_factor_at"] = time.time()
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/confirm.html", form=form)


@bp.route("/account/second-factor", methods=["GET", "POST"])
@login_required
def enrol_second_factor():
    if current_user.has_second_factor:
        return render_template("auth/second_factor_on.html")
    if not current_user.totp_secret:
        second_factor.begin_enrolment(db.session(), current_user)
    form = EnrolmentForm()
    if form.validate_on_submit():
        try:
            codes = second_factor.confirm_enrolment(db.session(), current_user, form.code.data)
        except DomainError as refused:
            form.code.errors.append(refused.message)
        else:
            session["second_factor_at"] = time.time()
            return render_template("auth/recovery_codes.html", codes=codes)
    return render_template(
        "auth/enrol.html",
        form=form,
        qr=second_factor.provisioning_qr(current_user),
        secret=current_user.totp_secret,
    )


@bp.post("/account/second-factor/off")
@login_required
def disable_second_factor():
    if ConfirmForm().validate_on_submit():
        second_factor.reset_second_factor(db.session(), current_user, current_user)
        flash(_("The second factor is off."), "info")
    return redirect(url_for("auth.account"))


@bp.post("/logout")
@login_required
def logout():
    service.sign_out(db.session(), current_user)
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("main.home"))


def _set_password_page(token: str, purpose: TokenPurpose, accept, template: str):
    found_error = None
    try:
        pending = service.find_token(db.session(), token, purpose)
    except DomainError as refused:
        pending, found_error = None, refused.message
    if pending is None:
        return render_template(template, form=None, error=found_error), 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        user = accept(db.session(), token, form.password.data)
        login_user(user)
        flash(_("Your password is set. Welcome, %(name)s.", name=user.full_name), "success")
        return redirect(url_for("main.dashboard"))
    return render_template(template, form=form, user=pending.user, error=None)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    return _set_password_page(
        token, TokenPurpose.INVITATION, service.accept_invitation, "auth/invitation.html"
    )


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit("5 per minute", methods=["POST"])
def request_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        service.request_password_reset(db.session(), form.email.data)
        flash(
            _("If an account uses this address, a link to set a new password is on its way."),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    return _set_password_page(
        token, TokenPurpose.PASSWORD_RESET, service.reset_password, "auth/reset.html"
    )


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    preferences = PreferencesForm(
        obj=current_user, prefix="prefs", member_countries=member_countries(db.session())
    )
    password = ChangePasswordForm(prefix="password")
    if preferences.submit.data and preferences.validate_on_submit():
        service.set_preferences(
            db.session(),
            current_user,
            language=preferences.language.data,
            timezone=preferences.timezone.data,
        )
        flash(_("Your preferences are saved."), "success")
        return redirect(url_for("auth.account"))
    if password.submit.data and password.validate_on_submit():
        try:
            service.change_password(
                db.session(), current_user, password.current_password.data, password.password.data
            )
        except DomainError as refused:
            password.current_password.errors.append(refused.message)
        else:
            # The session token changed: sign in again here, every other session has ended.
            login_user(current_user._get_current_object())
            flash(_("Your password is changed. You are signed out everywhere else."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", preferences=preferences, password=password)
