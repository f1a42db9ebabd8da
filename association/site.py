"""The association's public address, for links that leave the site (e-mails, QR codes)."""

from flask import current_app


def site_url(path: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + "/" + path.lstrip("/")
