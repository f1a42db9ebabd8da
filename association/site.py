"""The running site's settings, for code below the views: the association's public address
(links that leave the site: e-mails, QR codes), its configuration and its instance folder.

Domain modules read settings here rather than through Flask's `current_app`, so that the
one place that knows about the running application is this small module."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request

# Hosts a forged Host header gains nothing from: a link to them leads to the reader's own machine.
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def setting(name: str, default: Any = None) -> Any:
    """A configuration value of the running application (config.py sets every default)."""
    return current_app.config.get(name, default)


def settings() -> dict[str, Any]:
    """The whole configuration, for the document engine's signer and address."""
    return current_app.config


def instance_path() -> Path:
    return Path(current_app.instance_path)


def base_url(config: Mapping | None = None) -> str:
    """The association's public address, without a trailing slash: BASE_URL when set;
    otherwise the address this request came to, when that can be trusted; otherwise the
    address served (FLASK_RUN_HOST and FLASK_RUN_PORT).

    A request's own host is trusted only when it is the address served or a loopback
    address: any other Host header may be forged, and a forged one would put the forger's
    address into e-mailed links (a password reset sent to someone else)."""
    config = config if config is not None else current_app.config
    if config.get("BASE_URL"):
        return str(config["BASE_URL"]).rstrip("/")
    served = str(config["SERVED_ADDRESS"])
    if has_request_context():
        asked = request.host_url.rstrip("/")
        host = urlsplit(asked).hostname or ""
        if asked == served or host in LOOPBACK_HOSTS:
            return asked
    return served


def site_url(path: str) -> str:
    return base_url() + "/" + path.lstrip("/")


def address_mismatch(config: Mapping) -> str | None:
    """Why links in e-mails and sealed PDFs would not lead to the site being served, or None.

    A sealed PDF keeps its QR code and "Verify this document at" address for ever, so a wrong
    one is a permanent defect: create_app says so loudly before anything is issued."""
    base = config.get("BASE_URL")
    if not base:
        return None
    served = str(config["SERVED_ADDRESS"])
    if str(base).rstrip("/") == served:
        return None
    return (
        f"BASE_URL is {base} but the application is served at {served}: every e-mailed link "
        f"and every sealed PDF's QR code and verification address will point to {base}. "
        "Unset BASE_URL to use the address served, or serve at the public address."
    )
