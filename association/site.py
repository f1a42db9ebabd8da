"""The running site's settings, for code below the views: the association's public address
(links that leave the site: e-mails, QR codes), its configuration and its instance folder.

Domain modules read settings here rather than through Flask's `current_app`, so that the
one place that knows about the running application is this small module."""

from pathlib import Path
from typing import Any

from flask import current_app


def setting(name: str, default: Any = None) -> Any:
    """A configuration value of the running application (config.py sets every default)."""
    return current_app.config.get(name, default)


def settings() -> dict[str, Any]:
    """The whole configuration, for the document engine's signer and address."""
    return current_app.config


def instance_path() -> Path:
    return Path(current_app.instance_path)


def site_url(path: str) -> str:
    return str(setting("BASE_URL")).rstrip("/") + "/" + path.lstrip("/")
