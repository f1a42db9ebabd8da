from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from association.dashboard import Task
from association.membership.models import Application, ApplicationStatus
from association.membership.policy import can_review_applications
from association.parks.models import User

WAITING = (ApplicationStatus.SUBMITTED, ApplicationStatus.RESUBMITTED)


def application_tasks(session: Session, user: User) -> list[Task]:
    """Secretariat: applications submitted or answered and waiting for the next step.
    (Applicants have no account: their page is the tracking link.)"""
    if not can_review_applications(user):
        return []
    waiting = session.scalars(
        select(Application).where(Application.status.in_(WAITING)).order_by(Application.updated_at)
    ).all()
    return [
        Task(
            title=_("Application of %(park)s (%(country)s)", park=a.name_latin, country=a.country),
            detail=_("Submitted, waiting for review.")
            if a.status == ApplicationStatus.SUBMITTED
            else _("The applicant has answered your request."),
            url=url_for("membership.application_detail", application_id=a.id),
            action=_("Review"),
        )
        for a in waiting
    ]
