"""The Association of Modern Technoparks: the application factory."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask

from association import config as settings
from association import errors, private_files, web
from association import models as _models  # noqa: F401  (every model, before any statement is built)
from association.api import area as api_area
from association.audit import area as audit_area
from association.auth import area as auth_area
from association.cli import register_commands
from association.documents import area as documents_area
from association.extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate
from association.mail import area as mail_area
from association.main.views import bp as main_bp
from association.meetings import area as meetings_area
from association.membership import area as membership_area
from association.memoranda import area as memoranda_area
from association.parks import area as parks_area
from association.residency import area as residency_area
from association.voting import area as voting_area
from association.webhooks import area as webhooks_area

MIGRATIONS = settings.PROJECT_ROOT / "migrations"
TEMPLATES = settings.PROJECT_ROOT / "templates"
# Each area plugs in through its init_app: blueprint, dashboard tasks, what /verify says of
# its documents, what a vote of its kind decides, its commands. The order is the dashboard's.
AREAS = (
    api_area,  # first: its hook sets an API request's user before anything reads it
    auth_area,
    membership_area,
    parks_area,
    audit_area,
    mail_area,
    documents_area,
    voting_area,
    meetings_area,
    memoranda_area,
    webhooks_area,
    residency_area,
)


def create_app(config: dict | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, error pages, commands."""
    app = Flask(
        __name__,
        instance_path=str(settings.DEFAULT_INSTANCE),
        instance_relative_config=True,
        template_folder=str(TEMPLATES),
    )
    # Before any file is made: the database, backups and instance/ are the application's alone.
    private_files.restrict_umask()
    instance_path = Path((config or {}).get("INSTANCE_PATH", app.instance_path))
    app.instance_path = str(instance_path)
    private_files.private_folder(instance_path)
    app.config.update(settings.load(instance_path, config))
    logging.basicConfig(level=app.config["LOG_LEVEL"])
    app.logger.setLevel(app.config["LOG_LEVEL"])
    private_files.prepare_sqlite_database(app.config["SQLALCHEMY_DATABASE_URI"])

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    csrf.init_app(app)
    limiter.init_app(app)
    bootstrap.init_app(app)
    _init_babel(app)
    _init_login(app)

    web.bound_path_ids(app)  # before any route is added: they parse <int:...> when added
    app.register_blueprint(main_bp)
    for area in AREAS:
        area.init_app(app)
    _drop_global_limit_check(app)
    errors.register(app)
    web.register(app)
    register_commands(app)
    _check_document_engine(app)
    _check_public_address(app)
    return app


def _check_public_address(app: Flask) -> None:
    from association.site import address_mismatch

    if not app.config["SERVED_ADDRESS_GIVEN"]:
        return
    # Loudly, at every start of make run: a PDF sealed with a wrong address stays wrong.
    problem = address_mismatch(app.config)
    if problem is None and str(app.config["FLASK_RUN_HOST"]) in ("0.0.0.0", "::"):
        if not app.config.get("BASE_URL"):
            problem = (
                f"The application is served on every interface without BASE_URL: links and "
                f"sealed PDFs use {app.config['SERVED_ADDRESS']}, which only this machine "
                "reaches. Set BASE_URL to the address others use."
            )
    if problem:
        banner = "!" * 78
        app.logger.warning("\n%s\n%s\n%s", banner, problem, banner)


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

    from association.web import page_language

    def timezone() -> str:
        if current_user and current_user.is_authenticated:
            return current_user.timezone
        return app.config["DEFAULT_TIMEZONE"]

    babel.init_app(app, locale_selector=page_language, timezone_selector=timezone)


def _init_login(app: Flask) -> None:
    from association.auth.service import may_sign_in
    from association.auth.sessions import signed_in_user

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    # A stolen cookie used from elsewhere loses its session (Flask-Login "strong" protection).
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(key: str):
        # The cookie names a signed-in session kept on the server: signed out, idle too long,
        # past its lifetime or ended by a password change, it opens nothing.
        user = signed_in_user(db.session(), key)
        if user is None:
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
