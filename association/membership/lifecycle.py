"""The steps every application takes, whoever takes them: which states each step starts from,
the step in the application's public history, and the e-mail that tells the applicant.

Shared by applications.py (the applicant's and the secretariat's review steps) and
admission.py (the decision), which never import each other.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel.speaklater import LazyString
from sqlalchemy.orm import Session

from association.database import utcnow
from association.domain import Conflict, Invalid, NotAllowed
from association.mail.outbox import Secret, queue_mail
from association.membership.models import (
    OPEN_STATUSES,
    Application,
    ApplicationEvent,
    ApplicationStatus,
)
from association.membership.policy import can_review_applications
from association.membership.presenters import status_label
from association.parks.models import User

# Which states each step starts from; anything else is refused with 409.
MAY_START_REVIEW = (ApplicationStatus.SUBMITTED, ApplicationStatus.RESUBMITTED)
MAY_REQUEST_INFORMATION = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.UNDER_REVIEW,
    ApplicationStatus.RESUBMITTED,
)
MAY_APPROVE = (ApplicationStatus.UNDER_REVIEW, ApplicationStatus.RESUBMITTED)
MAY_REJECT = OPEN_STATUSES


def require_text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise Invalid(message)
    return value


def move(session: Session, application: Application, to: ApplicationStatus, note: str = "") -> None:
    """The application's new status, with its step in the public history."""
    session.add(
        ApplicationEvent(
            application=application, from_status=application.status, to_status=to, note=note
        )
    )
    application.status = to
    application.updated_at = utcnow()


def refuse_unless(
    application: Application, allowed: tuple[ApplicationStatus, ...], action: str
) -> None:
    if application.status not in allowed:
        raise Conflict(
            _(
                # The status as its label reads ("Under review"): lowering it would break
                # Turkish İ.
                "The application of %(park)s cannot be %(action)s. Its status: %(status)s.",
                park=application.name_latin,
                action=action,
                status=status_label(application.status),
            )
        )


def require_reviewer(actor: User | None) -> None:
    # actor None: the command line, or a vote's outcome.
    if actor is not None and not can_review_applications(actor):
        raise NotAllowed(_("Only the secretariat reviews applications."))


def tell_applicant(
    session: Session,
    application: Application,
    subject: str | LazyString,
    template: str,
    *,
    tracking_code: str | None = None,
    **context: Any,
) -> None:
    """Queue an e-mail to the contact person, in the language they applied in (give the
    subject, and any text in `context`, with `_l`: they translate into it).

    Only the e-mail sent on submission carries the tracking link: the code is not kept
    (only its digest is), so later e-mails point back to that first one.
    """
    link = Secret.link("/apply/", tracking_code) if tracking_code else None
    queue_mail(
        session,
        application.contact_email,
        subject,
        template,
        language=application.language,
        application=application,
        link=link,
        **context,
    )
