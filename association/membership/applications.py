"""An application's life before the decision: the applicant submits it, answers the
secretariat's requests for information, or withdraws it; the secretariat takes it up for
review and asks for information.

Every function that changes something is a state change (association.domain): it checks
the current state, changes the models, writes the audit event and the applicant's e-mail
in the same transaction, or refuses with a DomainError and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from association.audit.log import record
from association.database import utcnow
from association.domain import Invalid, state_change
from association.membership.lifecycle import (
    MAY_REQUEST_INFORMATION,
    MAY_START_REVIEW,
    move,
    refuse_unless,
    require_reviewer,
    require_text,
    tell_applicant,
)
from association.membership.models import (
    OPEN_STATUSES,
    Application,
    ApplicationEvent,
    ApplicationMessage,
    ApplicationStatus,
    Category,
    MessageKind,
)
from association.membership.uploads import MAX_DOCUMENTS, Upload, attach_documents
from association.parks.models import User
from association.parks.service import check_country, check_website
from association.tokens import new_token, token_digest

TRACKING_CODE_BYTES = 24  # 192 random bits, 32 URL-safe characters: not guessable


@dataclass(frozen=True)
class ApplicationInput:
    name_latin: str
    legal_entity: str
    country: str
    city: str
    year_founded: int
    resident_companies: int
    contact_name: str
    contact_email: str
    motivation: str
    name_native: str = ""
    website: str = ""
    contact_title: str = ""
    contact_phone: str = ""
    category_requested: Category = Category.MEMBER


@dataclass(frozen=True)
class Submitted:
    """A new application, and its tracking code: given once, to the applicant, never kept."""

    application: Application
    tracking_code: str


def _check_input(data: ApplicationInput) -> dict[str, Any]:
    email = (data.contact_email or "").strip().lower()
    if "@" not in email or email.startswith("@") or email.endswith("@") or " " in email:
        raise Invalid(_("Please give a valid e-mail address."))
    if not 1800 <= int(data.year_founded) <= utcnow().year:
        raise Invalid(_("Please give the year the park was founded."))
    if int(data.resident_companies) < 0:
        raise Invalid(_("The number of resident companies cannot be negative."))
    return {
        "name_latin": require_text(
            data.name_latin, _("Please give the park's name in Latin script.")
        ),
        "name_native": (data.name_native or "").strip(),
        "legal_entity": require_text(data.legal_entity, _("Please give the legal entity.")),
        "country": check_country(data.country),
        "city": require_text(data.city, _("Please give the city.")),
        "website": check_website(data.website),
        "year_founded": int(data.year_founded),
        "resident_companies": int(data.resident_companies),
        "contact_name": require_text(
            data.contact_name, _("Please give the contact person's name.")
        ),
        "contact_title": (data.contact_title or "").strip(),
        "contact_email": email,
        "contact_phone": (data.contact_phone or "").strip(),
        "motivation": require_text(
            data.motivation, _("Please tell us why the park wishes to join.")
        ),
        "category_requested": Category(data.category_requested),
    }


@state_change
def submit_application(
    session: Session, data: ApplicationInput, uploads: list[Upload]
) -> Submitted:
    """Store a new application with its documents and e-mail the contact person its tracking link.

    Every upload is checked before anything is stored: one bad document refuses the whole
    submission. Only the tracking code's digest is stored; the code itself is returned (for
    the applicant's page) and sent in the e-mail, and nowhere else.
    """
    fields = _check_input(data)
    if len(uploads) > MAX_DOCUMENTS:
        raise Invalid(_("An application may have at most %(max)d documents.", max=MAX_DOCUMENTS))
    code = new_token(TRACKING_CODE_BYTES)
    application = Application(
        tracking_code_hash=token_digest(code), status=ApplicationStatus.SUBMITTED, **fields
    )
    session.add(application)
    session.flush()
    session.add(
        ApplicationEvent(
            application=application, from_status=None, to_status=ApplicationStatus.SUBMITTED
        )
    )
    attach_documents(session, application, uploads)
    session.flush()
    record(
        session,
        "application.submitted",
        subject=application,
        details={
            "park": application.name_latin,
            "country": application.country,
            "documents": len(uploads),
            "category": application.category_requested.value,
        },
    )
    tell_applicant(
        session,
        application,
        _("Your application to the Association of Modern Technoparks"),
        "application_received.txt",
        tracking_code=code,
    )
    return Submitted(application, code)


@state_change
def start_review(session: Session, actor: User | None, application: Application) -> Application:
    """The secretariat takes up a submitted (or answered) application."""
    require_reviewer(actor)
    refuse_unless(application, MAY_START_REVIEW, _("taken up for review"))
    move(session, application, ApplicationStatus.UNDER_REVIEW)
    record(session, "application.review_started", actor=actor, subject=application)
    tell_applicant(
        session,
        application,
        _("Your application is under review"),
        "application_update.txt",
        headline=_("The secretariat has started to review your application."),
    )
    return application


@state_change
def request_information(
    session: Session, actor: User | None, application: Application, question: str
) -> ApplicationMessage:
    """Ask the applicant for more information; they answer on the tracking page."""
    require_reviewer(actor)
    question = require_text(question, _("Please write what the applicant should send."))
    refuse_unless(application, MAY_REQUEST_INFORMATION, _("sent a request for information"))
    message = ApplicationMessage(
        application=application,
        kind=MessageKind.REQUEST,
        body=question,
        author_id=getattr(actor, "id", None),
    )
    session.add(message)
    move(session, application, ApplicationStatus.INFORMATION_REQUESTED)
    session.flush()
    record(
        session,
        "application.information_requested",
        actor=actor,
        subject=application,
        details={"message_id": message.id},
    )
    tell_applicant(
        session,
        application,
        _("The secretariat asks for more information"),
        "application_request.txt",
        question=question,
    )
    return message


@state_change
def answer_request(
    session: Session, application: Application, answer: str, uploads: list[Upload]
) -> ApplicationMessage:
    """The applicant's answer to a request for information, with any added documents
    (all of it is kept, or none: one refused document refuses the answer)."""
    refuse_unless(application, (ApplicationStatus.INFORMATION_REQUESTED,), _("answered"))
    answer = require_text(answer, _("Please write your answer."))
    message = ApplicationMessage(application=application, kind=MessageKind.ANSWER, body=answer)
    session.add(message)
    session.flush()
    attach_documents(session, application, uploads, message)
    move(session, application, ApplicationStatus.RESUBMITTED)
    record(
        session,
        "application.answered",
        subject=application,
        details={"message_id": message.id, "documents": len(uploads)},
    )
    tell_applicant(
        session,
        application,
        _("We have received your answer"),
        "application_update.txt",
        headline=_(
            "Thank you: your answer has reached the secretariat, which will continue the review."
        ),
    )
    return message


@state_change
def withdraw_application(session: Session, application: Application) -> Application:
    """The applicant withdraws (through the tracking page) an application not yet decided."""
    refuse_unless(application, OPEN_STATUSES, _("withdrawn"))
    move(session, application, ApplicationStatus.WITHDRAWN, _("Withdrawn by the applicant."))
    record(session, "application.withdrawn", subject=application)
    tell_applicant(
        session,
        application,
        _("Your application is withdrawn"),
        "application_update.txt",
        headline=_("Your application has been withdrawn, as you asked."),
    )
    return application
