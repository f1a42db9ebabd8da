"""Configuration: defaults, then the environment. Nothing else in the package reads os.environ."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = PROJECT_ROOT / "instance"

# Every variable the application reads, with its default; the README's table mirrors this.
SETTINGS: dict[str, object] = {
    "SECRET_KEY": None,  # generated into instance/secret_key on first run when not given
    # The key second-factor secrets are encrypted with is derived from this, or from SECRET_KEY
    # when not given; set it to the old SECRET_KEY before changing SECRET_KEY.
    "SECOND_FACTOR_KEY": None,
    "DATABASE_URL": None,  # default: SQLite in instance/association.db
    "SERVER_NAME": None,
    "PREFERRED_URL_SCHEME": "http",
    # The public address, for e-mails and QR codes; without it, the address served (below).
    "BASE_URL": None,
    # The address `flask run` serves (make run sets both from HOST and PORT); Flask's own
    # names, so that the command and the application read the same.
    "FLASK_RUN_HOST": "127.0.0.1",
    "FLASK_RUN_PORT": 5000,
    "RATELIMIT_STORAGE_URI": "memory://",
    "LOGIN_RATE_LIMIT": "10 per minute",  # wrong passwords or codes from one address
    "ACCOUNT_RATE_LIMIT": "20 per hour",  # wrong passwords or codes for one account, from anywhere
    "SECOND_FACTOR_PENDING_MINUTES": 5,  # how long the code step after a right password waits
    "STAFF_IDLE_TIMEOUT": 30,  # minutes without a request before a staff session ends
    "MEMBER_IDLE_TIMEOUT": 12 * 60,  # the same for members, when not kept signed in
    "REMEMBER_LIFETIME": 30,  # days "keep me signed in" lasts at most, counted from sign-in
    # Personal API tokens: the days a new token lasts unless its owner chooses, and at most.
    "API_TOKEN_DEFAULT_DAYS": 90,
    "API_TOKEN_MAX_DAYS": 365,
    # The public application form: submissions from one address, and attempts of any outcome.
    "APPLICATION_RATE_LIMIT": "5 per hour",
    "APPLICATION_ATTEMPT_RATE_LIMIT": "30 per hour",
    "APPLICATIONS_PER_EMAIL_PER_DAY": 3,
    # An application's contact e-mail must be confirmed within this time, or the purge removes it.
    "APPLICATION_CONFIRMATION_HOURS": 48,
    "APPLICATION_DOCUMENTS_MAX_MB": 20,  # all documents of one application together
    "MAIL_SERVER": None,
    "MAIL_PORT": 587,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_USE_TLS": True,
    "MAIL_SENDER": "Association of Modern Technoparks <secretariat@technoparks.example>",
    # send-mail tries a refused message again after MAIL_RETRY_MINUTES, then twice as long
    # after each further failure, and gives up after MAIL_MAX_ATTEMPTS tries.
    "MAIL_MAX_ATTEMPTS": 6,
    "MAIL_RETRY_MINUTES": 5,
    "INVITATION_HOURS": 72,
    "PASSWORD_RESET_HOURS": 2,
    "DEFAULT_TIMEZONE": "Asia/Almaty",
    "COMMAND_LANGUAGE": "en",  # what the flask commands print in (en, ru, kk, tr, az, uz, ky)
    "SESSION_COOKIE_SECURE": False,  # set to true automatically when PREFERRED_URL_SCHEME is https
    "TRUST_PROXY_HOPS": 0,  # how many proxies in front set X-Forwarded-* (ProxyFix); 0 trusts none
    "MAX_CONTENT_LENGTH": 60 * 1024 * 1024,
    "LOG_LEVEL": "INFO",
    # The JSON API: requests per token (or, without one, per address), in Flask-Limiter's words.
    "API_RATE_LIMIT": "300 per minute",
    # Web origins whose pages may call the API from a browser (CORS), separated by spaces;
    # none by default.
    "API_CORS_ORIGINS": "",
    # How long an Idempotency-Key of a ballot POST is honoured.
    "API_IDEMPOTENCY_HOURS": 24,
    # The association's document seal: a PKCS#12 file in production; without one, a
    # development key and self-signed certificate are generated into instance/ on first use.
    "SIGNING_PKCS12_PATH": None,
    "SIGNING_PKCS12_PASSWORD": None,
    # The audit chain's HMAC key; kept out of the database. Unset: derived from SECRET_KEY
    # (HKDF), so set it explicitly before ever changing SECRET_KEY, or the chain stops verifying.
    "AUDIT_CHAIN_KEY": None,
    # Webhooks go only to public https:// addresses; true (development and tests) also allows
    # http://127.0.0.1 and http://localhost, never any other address inside a network.
    "WEBHOOK_ALLOW_LOOPBACK": False,
    # An endpoint whose deliveries have all failed for this many days is disabled, its owners told.
    "WEBHOOK_DISABLE_AFTER_DAYS": 3,
    # A meeting is quorate when more than this share of the member parks is present (0.5: over half).
    "MEETING_QUORUM_FRACTION": 0.5,
    # The residency programme: how long a host's offer stands for the startup to accept it,
    # and the most one attached PDF (pitch deck, company registration) may weigh.
    "RESIDENCY_OFFER_DAYS": 14,
    "RESIDENCY_DOCUMENT_MAX_MB": 10,
}

_BOOLEAN = {
    "1": True,
    "true": True,
    "yes": True,
    "on": True,
    "0": False,
    "false": False,
    "no": False,
    "off": False,
}


def _coerce(default: object, raw: str) -> object:
    if isinstance(default, bool):
        try:
            return _BOOLEAN[raw.strip().lower()]
        except KeyError:
            raise ValueError(f"expected a yes/no value, got {raw!r}") from None
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    return raw


def instance_secret_key(instance_path: Path) -> str:
    """The secret key kept in instance/secret_key, created on first run (never committed)."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Created with owner-only permissions: it signs every session cookie.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def derived_audit_chain_key(secret_key: str) -> str:
    """The audit chain's key when AUDIT_CHAIN_KEY is not given: HKDF-SHA-256 of SECRET_KEY, in hex.

    Its own purpose label, so the chain's key never equals a key used for anything else.
    """
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"association audit chain")
    return hkdf.derive(secret_key.encode()).hex()


def load(instance_path: Path, overrides: dict | None = None) -> dict:
    """Build the Flask config: defaults, then environment, then explicit overrides (tests)."""
    overrides = dict(overrides or {})
    config: dict[str, object] = {}
    for name, default in SETTINGS.items():
        raw = os.environ.get(name)
        config[name] = default if raw is None or raw == "" else _coerce(default, raw)
    config.update(overrides)

    # Text from the environment or an override; SQLite in the instance folder when not given.
    database_url = str(
        config.pop("DATABASE_URL") or f"sqlite:///{instance_path / 'association.db'}"
    )
    config.setdefault("SQLALCHEMY_DATABASE_URI", database_url)
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = instance_secret_key(instance_path)
    if not config.get("AUDIT_CHAIN_KEY"):
        config["AUDIT_CHAIN_KEY"] = derived_audit_chain_key(str(config["SECRET_KEY"]))
    config["SERVED_ADDRESS"] = served_address(config)
    # Known when given (make run gives both); under gunicorn it is not, and BASE_URL rules.
    config["SERVED_ADDRESS_GIVEN"] = any(
        os.environ.get(name) or name in overrides for name in ("FLASK_RUN_HOST", "FLASK_RUN_PORT")
    )
    if config["PREFERRED_URL_SCHEME"] == "https":
        config["SESSION_COOKIE_SECURE"] = True
    config["BOOTSTRAP_SERVE_LOCAL"] = True
    config["SESSION_COOKIE_HTTPONLY"] = True
    config["SESSION_COOKIE_SAMESITE"] = "Lax"
    config["REMEMBER_COOKIE_HTTPONLY"] = True
    config["REMEMBER_COOKIE_SAMESITE"] = "Lax"
    config["REMEMBER_COOKIE_SECURE"] = config["SESSION_COOKIE_SECURE"]
    # The cookie lasts no longer than the signed-in session it names (which ends on its own too).
    config["REMEMBER_COOKIE_DURATION"] = timedelta(days=int(str(config["REMEMBER_LIFETIME"])))
    config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # tokens live as long as the session
    config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    config.setdefault("BABEL_DEFAULT_TIMEZONE", "UTC")
    config.setdefault("PASSWORD_HASH_METHOD", "scrypt")
    config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", _engine_options(database_url))
    return config


def served_address(config: dict) -> str:
    """The address `flask run` serves, as a browser reaches it: a server bound to every
    interface (0.0.0.0, ::) is reached on this machine at 127.0.0.1."""
    host = str(config["FLASK_RUN_HOST"])
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    elif ":" in host:
        host = f"[{host}]"  # an IPv6 address
    return f"{config['PREFERRED_URL_SCHEME']}://{host}:{config['FLASK_RUN_PORT']}"


def _engine_options(database_url: str) -> dict:
    if database_url.startswith("sqlite"):
        # Writers wait for each other instead of failing at once.
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    return {"pool_pre_ping": True}
