"""Sign in and out, invitations, password resets, the user's own account."""

from __future__ import annotations

import functools
import time
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user

from association.auth import second_factor, service, sessions
from association.auth.forms import (
    ChangePasswordForm,
    EnrolmentForm,
    LoginForm,
    NewPasswordForm,
    PreferencesForm,
    ResetRequestForm,
    SecondFactorForm,
    TurnOffSecondFactorForm,
)
from association.auth.models import TokenPurpose
from association.auth.throttle import TooManyAttempts
from association.domain import DomainError
from association.extensions import db, limiter
from association.forms import ConfirmForm
from association.parks.models import Role, User
from association.parks.service import member_countries
from association.web import safe_next

# How long a second-factor check counts as fresh for sensitive actions (roles, issuing).
FRESH_SECONDS = 10 * 60

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    return safe_next(target, url_for("main.dashboard"))


def _begin_session(user: User, next_page: str | None):
    """After a right password (sign-in, a reset or invitation link): a new browser session
    that carries the signed-in session's key. With a second factor, the code step comes first."""
    # Nothing set in the browser's session before (by anyone) carries over.
    session.clear()
    assert user.signed_in is not None
    if user.has_second_factor:
        session["second_factor_pending"] = user.signed_in_key
        return redirect(url_for("auth.second_factor_step", next=next_page))
    login_user(user, remember=user.signed_in.remember_until is not None)
    if user.role == Role.STARTUP:
        # A startup's founder works on the startup's own page, not on a park's dashboard.
        return redirect(safe_next(next_page, url_for("residency.startup_home")))
    return redirect(_safe_next(next_page))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            user = service.sign_in(
                db.session(),
                form.email.data,
                form.password.data,
                remember=bool(form.remember.data),
            )
        except TooManyAttempts:
            raise
        except DomainError as refused:
            error = refused.message
        else:
            return _begin_session(user, request.args.get("next"))
    return render_template("auth/login.html", form=form, error=error)


@bp.route("/login/second-factor", methods=["GET", "POST"])
def second_factor_step():
    user = sessions.pending_sign_in(db.session(), session.get("second_factor_pending") or "")
    if user is None:
        if session.pop("second_factor_pending", None):
            flash(_("The time to type the code has run out. Please sign in again."), "warning")
        return redirect(url_for("auth.login", next=request.args.get("next")))
    form = SecondFactorForm()
    if form.validate_on_submit():
        try:
            second_factor.verify_second_factor(db.session(), user, form.code.data)
        except TooManyAttempts:
            raise
        except DomainError as refused:
            form.code.errors.append(refused.message)
        else:
            assert user.signed_in is not None
            session.clear()
            login_user(user, remember=user.signed_in.remember_until is not None)
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
def confirm_second_factor():
    if not current_user.has_second_factor:
        return redirect(url_for("auth.enrol_second_factor"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        try:
            second_factor.verify_second_factor(db.session(), current_user, form.code.data)
        except TooManyAttempts:
            raise
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


@bp.route("/account/second-factor/off", methods=["GET", "POST"])
@login_required
def disable_second_factor():
    form = TurnOffSecondFactorForm()
    if form.validate_on_submit():
        try:
            second_factor.reset_second_factor(
                db.session(), current_user, current_user, current_password=form.password.data
            )
        except TooManyAttempts:
            raise
        except DomainError as refused:
            form.password.errors.append(refused.message)
        else:
            flash(_("The second factor is off."), "info")
            return redirect(url_for("auth.account"))
    return render_template("auth/second_factor_off.html", form=form)


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
        flash(_("Your password is set. Welcome, %(name)s.", name=user.full_name), "success")
        # Like any sign-in: an account with a second factor is asked for its code first.
        return _begin_session(user, None)
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
        except TooManyAttempts:
            raise
        except DomainError as refused:
            password.current_password.errors.append(refused.message)
        else:
            flash(_("Your password is changed. You are signed out everywhere else."), "success")
            return redirect(url_for("auth.account"))
    return render_template(
        "auth/account.html",
        preferences=preferences,
        password=password,
        signed_in=sessions.sessions_of(db.session(), current_user),
        end_others=ConfirmForm(),
    )


@bp.post("/account/sessions/end-others")
@login_required
def end_other_sessions():
    if ConfirmForm().validate_on_submit():
        ended = sessions.sign_out_elsewhere(db.session(), current_user)
        flash(
            ngettext(
                "You are signed out of %(num)d other session.",
                "You are signed out of %(num)d other sessions.",
                ended,
            ),
            "info",
        )
    return redirect(url_for("auth.account"))
