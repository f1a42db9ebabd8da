"""The programme's e-mails: each queued in the outbox (in the caller's transaction) in its
recipient's own language, with a link to the page where the recipient acts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel.speaklater import LazyString
from sqlalchemy.orm import Session

from association.mail.outbox import queue_mail
from association.parks.models import User
from association.residency.models import Residency, ResidencyApplication, Startup
from association.site import site_url


def application_link(application: ResidencyApplication) -> str:
    return site_url(f"/residency/applications/{application.id}")


def startup_link(startup: Startup) -> str:
    return site_url(f"/residency/startups/{startup.id}")


def residency_link(residency: Residency) -> str:
    return site_url(f"/residency/residencies/{residency.id}")


def tell(
    session: Session,
    users: Iterable[User],
    subject: str | LazyString,
    template: str,
    **context: Any,
) -> None:
    """One message per user (each address once), each in that user's language; the template
    is given the recipient as `name` (their full name) besides `context`."""
    seen: set[str] = set()
    for user in users:
        if user.email in seen:
            continue
        seen.add(user.email)
        queue_mail(
            session,
            user.email,
            subject,
            template,
            language=user.language,
            name=user.full_name,
            **context,
        )
