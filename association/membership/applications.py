"""An application's life before the decision: the applicant submits it, answers the
secretariat's requests for information, or withdraws it; the secretariat takes it up for
review and asks for information.

Every function that changes something is a state change (association.domain): it checks
the current state, changes the models, writes the audit event and the applicant's e-mail
in the same transaction, or refuses with a DomainError and changes nothing.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from association.audit.log import record
from association.database import utcnow
from association.domain import Conflict, Invalid, NotFound, state_change
from association.languages import ENGLISH, offered
from association.mail.outbox import Secret, queue_mail
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
    ApplicationDocument,
    ApplicationEvent,
    ApplicationMessage,
    ApplicationStatus,
    Category,
    MessageKind,
)
from association.membership.uploads import (
    Upload,
    attach_documents,
    check_uploads,
    forget_kept,
    kept_uploads,
    purge_provisional,
)
from association.parks.models import User
from association.parks.service import check_country, check_website
from association.site import setting
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
    # The language the applicant reads: their e-mails are in it (an unknown code gives English).
    language: str = ENGLISH


@dataclass(frozen=True)
class Submitted:
    """A new application, and its tracking code: given once, to the applicant, never kept."""

    application: Application
    tracking_code: str
    # The code of the confirmation link: e-mailed to the contact address, never shown on a page.
    confirmation_code: str


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
        "language": offered(data.language) or ENGLISH,
    }


def confirmation_hours() -> int:
    return int(setting("APPLICATION_CONFIRMATION_HOURS"))


def _refuse_too_many_for(session: Session, email: str) -> None:
    # Every submission e-mails the contact address: a stranger's address gets at most a few a day.
    most = int(setting("APPLICATIONS_PER_EMAIL_PER_DAY"))
    recent = session.scalar(
        select(func.count())
        .select_from(Application)
        .where(
            Application.contact_email == email,
            Application.submitted_at >= utcnow() - timedelta(days=1),
        )
    )
    if (recent or 0) >= most:
        raise Invalid(
            _(
                "At most %(most)d applications a day may be sent for one e-mail address. "
                "Please try again tomorrow, or write to the secretariat.",
                most=most,
            )
        )


@state_change
def submit_application(
    session: Session, data: ApplicationInput, uploads: list[Upload], kept: Sequence[str] = ()
) -> Submitted:
    """Store a new application with its documents, unconfirmed, and e-mail the contact address
    a link to confirm it: the secretariat sees it only once confirmed (confirm_application).

    The confirmation e-mail carries nothing written in the form, only the link, so the form
    cannot send a stranger text of someone else's choosing; and at most
    APPLICATIONS_PER_EMAIL_PER_DAY applications a day name one address. `kept` are the tokens
    of documents kept from a refused attempt (uploads.keep_uploads): they join `uploads`, and
    all of them are checked before anything is stored, so one bad document refuses the
    whole submission. Only the digests of the tracking and confirmation codes are stored.
    """
    fields = _check_input(data)
    _refuse_too_many_for(session, fields["contact_email"])
    uploads = [*kept_uploads(session, list(kept)), *uploads]
    check_uploads(None, uploads)
    code = new_token(TRACKING_CODE_BYTES)
    confirmation = new_token()
    application = Application(
        tracking_code_hash=token_digest(code),
        confirmation_hash=token_digest(confirmation),
        status=ApplicationStatus.UNCONFIRMED,
        **fields,
    )
    session.add(application)
    session.flush()
    session.add(
        ApplicationEvent(
            application=application, from_status=None, to_status=ApplicationStatus.UNCONFIRMED
        )
    )
    attach_documents(session, application, uploads)
    forget_kept(session, list(kept))
    session.flush()
    record(
        session,
        "application.received",
        subject=application,
        details={"country": application.country, "documents": len(uploads)},
    )
    queue_confirmation(session, application, code, confirmation)
    return Submitted(application, code, confirmation)


def queue_confirmation(
    session: Session, application: Application, tracking_code: str, confirmation_code: str
) -> None:
    # Fixed text and the link only: nothing of what the form said reaches the address.
    queue_mail(
        session,
        application.contact_email,
        _l("Please confirm your e-mail address"),
        "application_confirm.txt",
        language=application.language,
        # Both codes are secret: the outbox and the log show "/apply/••••".
        link=Secret.link("/apply/", f"{tracking_code}/confirm/{confirmation_code}"),
        hours=confirmation_hours(),
    )


def confirmation_expired(application: Application) -> bool:
    return application.submitted_at < utcnow() - timedelta(hours=confirmation_hours())


@state_change
def confirm_application(
    session: Session, application: Application, confirmation_code: str, *, tracking_code: str
) -> Application:
    """The contact person opened the confirmation link: the application is submitted, reaches
    the secretariat's queue, and its tracking link is e-mailed.

    A wrong code is refused as not found (nothing to learn by trying); an application already
    confirmed, or one whose link is older than APPLICATION_CONFIRMATION_HOURS, is refused.
    """
    if application.status != ApplicationStatus.UNCONFIRMED:
        raise Conflict(_("This application is already confirmed."))
    expected = application.confirmation_hash or ""
    if not hmac.compare_digest(expected, token_digest(confirmation_code or "")):
        raise NotFound(_("This confirmation link is not valid."))
    if confirmation_expired(application):
        raise Conflict(
            _(
                "This confirmation link has expired (after %(hours)d hours): please apply again.",
                hours=confirmation_hours(),
            )
        )
    move(session, application, ApplicationStatus.SUBMITTED)
    now = utcnow()
    application.confirmation_hash = None
    application.confirmed_at = now
    application.submitted_at = now
    session.flush()
    record(
        session,
        "application.submitted",
        subject=application,
        details={
            "park": application.name_latin,
            "country": application.country,
            "documents": len(application.documents),
            "category": Category(application.category_requested).value,
        },
    )
    tell_applicant(
        session,
        application,
        _l("Your application to the Association of Modern Technoparks"),
        "application_received.txt",
        tracking_code=tracking_code,
    )
    return application


@state_change
def purge_unconfirmed_applications(session: Session) -> int:
    """Delete every application left unconfirmed for APPLICATION_CONFIRMATION_HOURS, with its
    documents and history, and documents kept from refused forms for over a day; returns how
    many applications went. Confirmed applications are never touched."""
    cutoff = utcnow() - timedelta(hours=confirmation_hours())
    stale = list(
        session.scalars(
            select(Application.id).where(
                Application.status == ApplicationStatus.UNCONFIRMED,
                Application.submitted_at < cutoff,
            )
        )
    )
    if stale:
        session.execute(
            delete(ApplicationDocument).where(ApplicationDocument.application_id.in_(stale))
        )
        session.execute(delete(ApplicationEvent).where(ApplicationEvent.application_id.in_(stale)))
        session.execute(delete(Application).where(Application.id.in_(stale)))
    kept = purge_provisional(session)
    if stale or kept:
        record(
            session,
            "application.unconfirmed_purged",
            details={"applications": stale, "kept_documents": kept},
        )
    return len(stale)


@state_change
def start_review(session: Session, actor: User | None, application: Application) -> Application:
    """The secretariat takes up a submitted (or answered) application."""
    require_reviewer(actor)
    refuse_unless(application, MAY_START_REVIEW, pgettext("cannot be …", "taken up for review"))
    move(session, application, ApplicationStatus.UNDER_REVIEW)
    record(session, "application.review_started", actor=actor, subject=application)
    tell_applicant(
        session,
        application,
        _l("Your application is under review"),
        "application_update.txt",
        headline=_l("The secretariat has started to review your application."),
    )
    return application


@state_change
def request_information(
    session: Session, actor: User | None, application: Application, question: str
) -> ApplicationMessage:
    """Ask the applicant for more information; they answer on the tracking page."""
    require_reviewer(actor)
    question = require_text(question, _("Please write what the applicant should send."))
    refuse_unless(
        application,
        MAY_REQUEST_INFORMATION,
        pgettext("cannot be …", "sent a request for information"),
    )
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
        _l("The secretariat asks for more information"),
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
    refuse_unless(
        application, (ApplicationStatus.INFORMATION_REQUESTED,), pgettext("cannot be …", "answered")
    )
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
        _l("We have received your answer"),
        "application_update.txt",
        headline=_l(
            "Thank you: your answer has reached the secretariat, which will continue the review."
        ),
    )
    return message


@state_change
def withdraw_application(session: Session, application: Application) -> Application:
    """The applicant withdraws (through the tracking page) an application not yet decided."""
    refuse_unless(application, OPEN_STATUSES, pgettext("cannot be …", "withdrawn"))
    move(session, application, ApplicationStatus.WITHDRAWN, _("Withdrawn by the applicant."))
    record(session, "application.withdrawn", subject=application)
    tell_applicant(
        session,
        application,
        _l("Your application is withdrawn"),
        "application_update.txt",
        headline=_l("Your application has been withdrawn, as you asked."),
    )
    return application
