"""The Association of Modern Technoparks: the application factory."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask

from association import config as settings
from association import models as _models  # noqa: F401  (every model, before any statement is built)
from association.extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate

MIGRATIONS = settings.PROJECT_ROOT / "migrations"
TEMPLATES = settings.PROJECT_ROOT / "templates"


def create_app(config: dict | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, error pages, commands."""
    app = Flask(
        __name__,
        instance_path=str(settings.DEFAULT_INSTANCE),
        instance_relative_config=True,
        template_folder=str(TEMPLATES),
    )
    instance_path = Path((config or {}).get("INSTANCE_PATH", app.instance_path))
    app.instance_path = str(instance_path)
    instance_path.mkdir(parents=True, exist_ok=True)
    app.config.update(settings.load(instance_path, config))
    logging.basicConfig(level=app.config["LOG_LEVEL"])
    app.logger.setLevel(app.config["LOG_LEVEL"])

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    csrf.init_app(app)
    limiter.init_app(app)
    bootstrap.init_app(app)
    _init_babel(app)
    _init_login(app)

    from association import errors, web
    from association.audit.views import bp as audit_bp
    from association.auth.views import bp as auth_bp
    from association.cli import register_commands
    from association.documents.views import bp as documents_bp
    from association.mail.views import bp as mail_bp
    from association.main.views import bp as main_bp
    from association.meetings.views import bp as meetings_bp
    from association.membership.views import bp as membership_bp
    from association.memoranda.views import bp as memoranda_bp
    from association.parks.views import bp as parks_bp
    from association.voting.views import bp as voting_bp

    for blueprint in (
        main_bp,
        auth_bp,
        parks_bp,
        audit_bp,
        mail_bp,
        documents_bp,
        voting_bp,
        membership_bp,
        meetings_bp,
        memoranda_bp,
    ):
        app.register_blueprint(blueprint)
    _drop_global_limit_check(app)
    errors.register(app)
    web.register(app)
    register_commands(app)
    _check_document_engine(app)
    return app


def _drop_global_limit_check(app: Flask) -> None:
    # A decorated view checks its own limits; Flask-Limiter's hook before every request only
    # serves default, application and blueprint limits. While there are none, the hook costs
    # every request (a sixth of a ballot's own work) for nothing, so it is taken off; adding
    # such a limit keeps it.
    manager = limiter.limit_manager
    if not (manager.default_limits or manager.application_limits or manager._blueprint_limits):
        app.before_request_funcs[None].remove(limiter._check_request_limit)


def _check_document_engine(app: Flask) -> None:
    from association.documents.fonts import system_warnings
    from association.documents.seal import load_signer

    # Loudly: without these, PDFs are slow (fontTools fallback) or miss letters.
    for warning in system_warnings():
        app.logger.warning("PDF engine: %s", warning)
    if app.config.get("SIGNING_PKCS12_PATH"):
        # A wrong path or password stops the start, not the first certificate.
        load_signer(app.config, Path(app.instance_path))


def _init_babel(app: Flask) -> None:
    from flask_login import current_user

    def locale() -> str:
        if current_user and current_user.is_authenticated:
            return current_user.language
        return app.config["BABEL_DEFAULT_LOCALE"]

    def timezone() -> str:
        if current_user and current_user.is_authenticated:
            return current_user.timezone
        return app.config["DEFAULT_TIMEZONE"]

    babel.init_app(app, locale_selector=locale, timezone_selector=timezone)


def _init_login(app: Flask) -> None:
    from sqlalchemy import bindparam, select
    from sqlalchemy.orm import joinedload

    from association.auth.models import User
    from association.auth.service import may_sign_in

    # The park comes in the same query: every request asks whether it has withdrawn. Built
    # once, as every request runs it.
    user_with_park = (
        select(User).options(joinedload(User.park)).where(User.id == bindparam("user_id"))
    )

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    # A stolen cookie used from elsewhere loses its session (Flask-Login "strong" protection).
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        user_id, _, token = session_id.partition(":")
        if not user_id.isdigit():
            return None
        user = db.session.execute(user_with_park, {"user_id": int(user_id)}).scalar_one_or_none()
        # A changed token (password changed, deactivated) or a withdrawn park ends the session.
        if user is None or user.session_token != token:
            return None
        if not may_sign_in(user):
            _say_why_the_session_ended(user)
            return None
        return user


def _say_why_the_session_ended(user) -> None:
    from flask import flash, g
    from flask_babel import gettext as _
    from flask_login import logout_user

    from association.parks.models import ParkStatus

    # Signed out for good (the session and any remember-me cookie), so the reason is said once,
    # on the sign-in page the member is sent to. Anonymous first: logout_user asks for the
    # current user, which would call this loader again.
    g._login_user = login_manager.anonymous_user()
    logout_user()
    if user.park is not None and user.park.status == ParkStatus.WITHDRAWN:
        flash(
            _(
                "You have been signed out: %(park)s has withdrawn from the association. Please contact the "
                "secretariat.",
                park=user.park.name_latin,
            ),
            "warning",
        )
    else:
        flash(
            _(
                "You have been signed out: this account is not active. Please contact the secretariat."
            ),
            "warning",
        )
