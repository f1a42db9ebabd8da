"""Sign in and out, invitations, password resets, the user's own account."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from association.auth import service
from association.auth.forms import (
    ChangePasswordForm,
    LoginForm,
    NewPasswordForm,
    PreferencesForm,
    ResetRequestForm,
)
from association.auth.models import TokenPurpose
from association.domain import DomainError
from association.extensions import db, limiter

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only a path on this site: `next=` must not send anyone elsewhere."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//") and "\\" not in target:
            return target
    return url_for("main.dashboard")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _throttled(limit) -> None:
    service.note_throttled_login(db.session, request.form.get("email", ""))


@bp.route("/login", methods=["GET", "POST"])
# Counts failed attempts only (a failed attempt re-shows the form; success redirects).
@limiter.limit(_login_limit, methods=["POST"], deduct_when=lambda response: response.status_code != 302,
               on_breach=_throttled)
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            user = service.sign_in(db.session, form.email.data, form.password.data)
        except DomainError as refused:
            error = refused.message
        else:
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form, error=error)


@bp.post("/logout")
@login_required
def logout():
    service.sign_out(db.session, current_user)
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("main.home"))


def _set_password_page(token: str, purpose: TokenPurpose, accept, template: str):
    found_error = None
    try:
        pending = service.find_token(db.session, token, purpose)
    except DomainError as refused:
        pending, found_error = None, refused.message
    if pending is None:
        return render_template(template, form=None, error=found_error), 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        user = accept(db.session, token, form.password.data)
        login_user(user)
        flash(_("Your password is set. Welcome, %(name)s.", name=user.full_name), "success")
        return redirect(url_for("main.dashboard"))
    return render_template(template, form=form, user=pending.user, error=None)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    return _set_password_page(token, TokenPurpose.INVITATION, service.accept_invitation, "auth/invitation.html")


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit("5 per minute", methods=["POST"])
def request_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        service.request_password_reset(db.session, form.email.data)
        flash(_("If an account uses this address, a link to set a new password is on its way."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    return _set_password_page(token, TokenPurpose.PASSWORD_RESET, service.reset_password, "auth/reset.html")


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    preferences = PreferencesForm(obj=current_user, prefix="prefs")
    password = ChangePasswordForm(prefix="password")
    if preferences.submit.data and preferences.validate_on_submit():
        service.set_preferences(db.session, current_user, language=preferences.language.data,
                                timezone=preferences.timezone.data)
        flash(_("Your preferences are saved."), "success")
        return redirect(url_for("auth.account"))
    if password.submit.data and password.validate_on_submit():
        try:
            service.change_password(db.session, current_user, password.current_password.data, password.password.data)
        except DomainError as refused:
            password.current_password.errors.append(refused.message)
        else:
            # The session token changed: sign in again here, every other session has ended.
            login_user(current_user._get_current_object())
            flash(_("Your password is changed. You are signed out everywhere else."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", preferences=preferences, password=password)
