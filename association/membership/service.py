"""Membership: applications and their review, admission, parks' public profiles.

Every function that changes something is a state change (association.domain): it checks
the current state, changes the models, writes the audit event and the applicant's e-mail
in the same transaction, or refuses with a DomainError and changes nothing.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from association.audit.log import record
from association.auth.models import Role, User
from association.auth.service import create_user, find_user_by_email
from association.database import utcnow
from association.documents.verify import readable_pdf
from association.domain import Conflict, Invalid, NotAllowed, state_change
from association.mail.outbox import queue_mail
from association.membership import certificates
from association.membership.models import (
    OPEN_STATUSES,
    Application,
    ApplicationDocument,
    ApplicationEvent,
    ApplicationMessage,
    ApplicationStatus,
    Category,
    MessageKind,
    ParkProfile,
)
from association.membership.policy import can_edit_profile, can_review_applications
from association.parks.models import Park, ParkStatus
from association.parks.service import change_park_status, check_country, check_website, create_park
from association.site import site_url
from association.voting.initiatives import create_initiative
from association.voting.models import Initiative, InitiativeKind, InitiativeStatus, Outcome
from association.voting.votes import open_vote

MAX_DOCUMENTS = 5
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_LOGO_BYTES = 1024 * 1024
MAX_LOGO_SIDE = 2000  # pixels, either way
LOGO_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}

STATUS_LABELS = {
    ApplicationStatus.SUBMITTED: "Submitted",
    ApplicationStatus.UNDER_REVIEW: "Under review",
    ApplicationStatus.INFORMATION_REQUESTED: "Information requested",
    ApplicationStatus.RESUBMITTED: "Answered, waiting for review",
    ApplicationStatus.APPROVED: "Approved",
    ApplicationStatus.REJECTED: "Rejected",
    ApplicationStatus.WITHDRAWN: "Withdrawn",
}

# Which states each transition starts from; anything else is refused with 409.
MAY_START_REVIEW = (ApplicationStatus.SUBMITTED, ApplicationStatus.RESUBMITTED)
MAY_REQUEST_INFORMATION = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.UNDER_REVIEW,
    ApplicationStatus.RESUBMITTED,
)
MAY_APPROVE = (ApplicationStatus.UNDER_REVIEW, ApplicationStatus.RESUBMITTED)
MAY_REJECT = OPEN_STATUSES


def status_label(status: str) -> str:
    return _(STATUS_LABELS.get(ApplicationStatus(status), status))


def new_tracking_code() -> str:
    """32 URL-safe characters (192 random bits): not guessable, not enumerable."""
    return secrets.token_urlsafe(24)


def find_by_tracking_code(session: Session, code: str) -> Application | None:
    """The application with this code; None for an unknown or malformed code (no query for the latter)."""
    if not code or len(code) > 64 or not all(c.isalnum() or c in "-_" for c in code):
        return None
    return session.scalar(select(Application).where(Application.tracking_code == code))


# --- uploads ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes


def check_pdf(upload: Upload) -> None:
    """A real PDF (by content: the %PDF- header and pypdf can read it), at most 10 MB."""
    name = upload.filename or _("the file")
    if len(upload.content) > MAX_DOCUMENT_BYTES:
        raise Invalid(_("%(name)s is larger than 10 MB.", name=name))
    if not upload.content.startswith(b"%PDF-"):
        raise Invalid(_("%(name)s is not a PDF document.", name=name))
    if not readable_pdf(upload.content):
        raise Invalid(_("%(name)s is not a PDF document that can be opened.", name=name))


def _clean_filename(name: str) -> str:
    name = (name or "document.pdf").replace("\\", "/").rsplit("/", 1)[-1]
    name = (
        "".join(c for c in name if c.isprintable() and c not in '"<>|:*?').strip() or "document.pdf"
    )
    return name[-150:]


def _attach(
    session: Session,
    application: Application,
    uploads: list[Upload],
    message: ApplicationMessage | None = None,
) -> list[ApplicationDocument]:
    if len(application.documents) + len(uploads) > MAX_DOCUMENTS:
        raise Invalid(
            _(
                "An application may have at most %(max)d documents; it has %(have)d.",
                max=MAX_DOCUMENTS,
                have=len(application.documents),
            )
        )
    for upload in uploads:
        check_pdf(upload)
    documents = []
    for upload in uploads:
        document = ApplicationDocument(
            application=application,
            filename=_clean_filename(upload.filename),
            size=len(upload.content),
            sha256=hashlib.sha256(upload.content).hexdigest(),
            content=upload.content,
            message_id=message.id if message is not None else None,
        )
        session.add(document)
        documents.append(document)
    return documents


# --- the application's life ---------------------------------------------------------------


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


def _require_text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise Invalid(message)
    return value


def _check_input(data: ApplicationInput) -> dict:
    email = (data.contact_email or "").strip().lower()
    if "@" not in email or email.startswith("@") or email.endswith("@") or " " in email:
        raise Invalid(_("Please give a valid e-mail address."))
    if not 1800 <= int(data.year_founded) <= utcnow().year:
        raise Invalid(_("Please give the year the park was founded."))
    if int(data.resident_companies) < 0:
        raise Invalid(_("The number of resident companies cannot be negative."))
    return {
        "name_latin": _require_text(
            data.name_latin, _("Please give the park's name in Latin script.")
        ),
        "name_native": (data.name_native or "").strip(),
        "legal_entity": _require_text(data.legal_entity, _("Please give the legal entity.")),
        "country": check_country(data.country),
        "city": _require_text(data.city, _("Please give the city.")),
        "website": check_website(data.website),
        "year_founded": int(data.year_founded),
        "resident_companies": int(data.resident_companies),
        "contact_name": _require_text(
            data.contact_name, _("Please give the contact person's name.")
        ),
        "contact_title": (data.contact_title or "").strip(),
        "contact_email": email,
        "contact_phone": (data.contact_phone or "").strip(),
        "motivation": _require_text(
            data.motivation, _("Please tell us why the park wishes to join.")
        ),
        "category_requested": Category(data.category_requested),
    }


def _move(
    session: Session, application: Application, to: ApplicationStatus, note: str = ""
) -> None:
    session.add(
        ApplicationEvent(
            application=application, from_status=application.status, to_status=to, note=note
        )
    )
    application.status = to
    application.updated_at = utcnow()


def _refuse_unless(
    application: Application, allowed: tuple[ApplicationStatus, ...], action: str
) -> None:
    if application.status not in allowed:
        raise Conflict(
            _(
                "The application of %(park)s cannot be %(action)s: it is %(status)s.",
                park=application.name_latin,
                action=action,
                status=status_label(application.status).lower(),
            )
        )


def _tell_applicant(
    session: Session, application: Application, subject: str, template: str, **context
) -> None:
    queue_mail(
        session,
        application.contact_email,
        subject,
        template,
        application=application,
        link=site_url(f"/apply/{application.tracking_code}"),
        **context,
    )


def _require_reviewer(actor: User | None) -> None:
    # actor None: the command line, or a vote's outcome.
    if actor is not None and not can_review_applications(actor):
        raise NotAllowed(_("Only the secretariat reviews applications."))


@state_change
def submit_application(
    session: Session, data: ApplicationInput, uploads: list[Upload]
) -> Application:
    """Store a new application with its documents and e-mail the contact person its tracking code.

    Every upload is checked before anything is stored: one bad document refuses the whole submission.
    """
    fields = _check_input(data)
    if len(uploads) > MAX_DOCUMENTS:
        raise Invalid(_("An application may have at most %(max)d documents.", max=MAX_DOCUMENTS))
    application = Application(
        tracking_code=new_tracking_code(), status=ApplicationStatus.SUBMITTED, **fields
    )
    session.add(application)
    session.flush()
    session.add(
        ApplicationEvent(
            application=application, from_status=None, to_status=ApplicationStatus.SUBMITTED
        )
    )
    _attach(session, application, uploads)
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
    _tell_applicant(
        session,
        application,
        _("Your application to the Association of Modern Technoparks"),
        "application_received.txt",
    )
    return application


@state_change
def start_review(session: Session, actor: User | None, application: Application) -> Application:
    """The secretariat takes up a submitted (or answered) application."""
    _require_reviewer(actor)
    _refuse_unless(application, MAY_START_REVIEW, _("taken up for review"))
    _move(session, application, ApplicationStatus.UNDER_REVIEW)
    record(session, "application.review_started", actor=actor, subject=application)
    _tell_applicant(
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
    _require_reviewer(actor)
    question = _require_text(question, _("Please write what the applicant should send."))
    _refuse_unless(application, MAY_REQUEST_INFORMATION, _("sent a request for information"))
    message = ApplicationMessage(
        application=application,
        kind=MessageKind.REQUEST,
        body=question,
        author_id=getattr(actor, "id", None),
    )
    session.add(message)
    _move(session, application, ApplicationStatus.INFORMATION_REQUESTED)
    session.flush()
    record(
        session,
        "application.information_requested",
        actor=actor,
        subject=application,
        details={"message_id": message.id},
    )
    _tell_applicant(
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
    """The applicant's answer to a request for information, with any added documents."""
    _refuse_unless(application, (ApplicationStatus.INFORMATION_REQUESTED,), _("answered"))
    answer = _require_text(answer, _("Please write your answer."))
    message = ApplicationMessage(application=application, kind=MessageKind.ANSWER, body=answer)
    session.add(message)
    session.flush()
    _attach(session, application, uploads, message)
    _move(session, application, ApplicationStatus.RESUBMITTED)
    record(
        session,
        "application.answered",
        subject=application,
        details={"message_id": message.id, "documents": len(uploads)},
    )
    _tell_applicant(
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
    _refuse_unless(application, OPEN_STATUSES, _("withdrawn"))
    _move(session, application, ApplicationStatus.WITHDRAWN, _("Withdrawn by the applicant."))
    record(session, "application.withdrawn", subject=application)
    _tell_applicant(
        session,
        application,
        _("Your application is withdrawn"),
        "application_update.txt",
        headline=_("Your application has been withdrawn, as you asked."),
    )
    return application


def _decision_details(initiative) -> dict:
    # A decision by vote names its initiative in the audit trail.
    if initiative is None:
        return {"by": "secretariat"}
    return {"by": "vote", "initiative_id": getattr(initiative, "id", initiative)}


@state_change
def approve_application(
    session: Session,
    actor: User | None,
    application: Application,
    category: Category,
    *,
    park: Park | None = None,
    reason: str = "",
    initiative=None,
) -> Park:
    """Admit the applicant as a member or observer.

    Creates the park (or links `park`, an existing record, moving it to `category` through
    the parks' own status change), which gives it a membership number that is never reused
    and a member-since date; issues its certificate; invites the contact person as the
    park's first delegate and signatory (an existing account of that e-mail is linked).
    `actor` None with `initiative` is an admission vote's outcome.
    """
    _require_reviewer(actor)
    category = Category(category)
    _refuse_unless(application, MAY_APPROVE, _("approved"))
    _refuse_while_voting(session, application, initiative)
    refusal = admission_refusal(session, application, category, park)
    if refusal:
        raise Conflict(refusal)
    status = ParkStatus(category.value)
    why = _("Admitted on application")
    if park is None:
        park = create_park(
            session,
            actor,
            name_latin=application.name_latin,
            name_native=application.name_native,
            country=application.country,
            city=application.city,
            website=application.website,
            status=status,
            reason=why,
        )
    elif park.status != status:
        change_park_status(session, actor, park, status, why)
    application.park = park
    application.category_decided = category
    application.decision_reason = (reason or "").strip()
    application.decided_at = utcnow()
    _move(session, application, ApplicationStatus.APPROVED, application.decision_reason)
    session.flush()
    document = certificates.ensure_certificate(session, park)
    contact = _invite_contact(session, actor, application, park)
    record(
        session,
        "application.approved",
        actor=actor,
        subject=application,
        details={
            "park": park.slug,
            "category": category.value,
            "membership_number": park.membership_number,
            "certificate": document.verification_code if document else None,
            "contact_user_id": contact.id,
            **_decision_details(initiative),
        },
    )
    _tell_applicant(
        session,
        application,
        _("Welcome to the Association of Modern Technoparks"),
        "application_approved.txt",
        park=park,
    )
    return park


def admission_refusal(
    session: Session, application: Application, category: Category, park: Park | None
) -> str | None:
    """Why approving the application into `park` (None: a new park) would admit a park a second
    time, in plain words; None when it may go ahead.

    An application admits a new park, or an observer's existing record (as a member, or
    confirming it as an observer). It never links a member or a suspended park: its contact
    person (anyone who filled in the public form) would become a delegate and signatory beside
    the park's own, with the park's ballots and signature. Nor does it create a second park of
    an existing one's name.
    """
    if park is None:
        same = matching_park(session, application)
        if same is None:
            return None
        if same.status == ParkStatus.OBSERVER:
            return _(
                "%(park)s (%(country)s) is already an observer: choose its record rather than creating a second "
                "park of the same name.",
                park=same.name_latin,
                country=same.country,
            )
        park = same
    if park.status == ParkStatus.MEMBER:
        return _(
            "%(park)s (%(country)s) is already a member of the association: an application cannot admit it "
            "again. If this application is a duplicate, reject it.",
            park=park.name_latin,
            country=park.country,
        )
    if park.status == ParkStatus.SUSPENDED:
        return _(
            "%(park)s (%(country)s) is a suspended member: lift the suspension from the park's page rather "
            "than admitting it again.",
            park=park.name_latin,
            country=park.country,
        )
    if park.status == ParkStatus.WITHDRAWN and park.membership_number:
        return _("%(park)s has withdrawn; re-admit it from the park's page.", park=park.name_latin)
    return None


def _invite_contact(
    session: Session, actor: User | None, application: Application, park: Park
) -> User:
    existing = find_user_by_email(session, application.contact_email)
    if existing is None:
        user, _token = create_user(
            session,
            actor,
            email=application.contact_email,
            full_name=application.contact_name,
            title=application.contact_title,
            park=park,
            delegate=True,
            signatory=True,
            invite=True,
        )
        return user
    # The address already has an account: link it to the park if it belongs to none (or to this one).
    if existing.role == Role.MEMBER and existing.park_id in (None, park.id):
        existing.park = park
        existing.is_delegate = existing.is_signatory = True
        record(
            session,
            "user.linked_on_admission",
            actor=actor,
            subject=existing,
            details={"park": park.slug, "delegate": True, "signatory": True},
        )
    else:
        record(
            session,
            "user.not_linked_on_admission",
            actor=actor,
            subject=existing,
            details={"park": park.slug, "reason": "the account belongs elsewhere"},
        )
    return existing


@state_change
def reject_application(
    session: Session, actor: User | None, application: Application, reason: str, *, initiative=None
) -> Application:
    """Refuse an application, with the reason the applicant reads."""
    _require_reviewer(actor)
    reason = _require_text(reason, _("Please give the reason for the rejection."))
    _refuse_unless(application, MAY_REJECT, _("rejected"))
    _refuse_while_voting(session, application, initiative)
    application.decision_reason = reason
    application.decided_at = utcnow()
    _move(session, application, ApplicationStatus.REJECTED, reason)
    record(
        session,
        "application.rejected",
        actor=actor,
        subject=application,
        details={"reason": reason, **_decision_details(initiative)},
    )
    _tell_applicant(
        session,
        application,
        _("Decision on your application"),
        "application_rejected.txt",
        reason=reason,
    )
    return application


# --- admission by a vote of the members ----------------------------------------------------

ADMISSION_VOTE_DAYS = 14


def matching_park(session: Session, application: Application) -> Park | None:
    """An existing, not withdrawn park record of the same name and country (a candidate
    that took part as an observer): admission links it instead of creating a second one."""
    return session.scalar(
        select(Park)
        .where(
            Park.status != ParkStatus.WITHDRAWN,
            Park.country == application.country,
            func.lower(Park.name_latin) == application.name_latin.strip().lower(),
        )
        .limit(1)
    )


def admission_vote(session: Session, application: Application) -> Initiative | None:
    """The admission vote about this application that is not over yet, if any."""
    return session.scalar(
        select(Initiative)
        .where(
            Initiative.kind == InitiativeKind.ADMISSION,
            Initiative.subject_type == "Application",
            Initiative.subject_id == application.id,
            Initiative.status.in_(
                [InitiativeStatus.DRAFT, InitiativeStatus.SCHEDULED, InitiativeStatus.OPEN]
            ),
        )
        .limit(1)
    )


def _refuse_while_voting(session: Session, application: Application, initiative) -> None:
    if initiative is None and admission_vote(session, application) is not None:
        raise Conflict(_("The members are voting on this admission: the vote decides it."))


@state_change
def put_to_vote(
    session: Session,
    actor: User | None,
    application: Application,
    *,
    days: int = ADMISSION_VOTE_DAYS,
) -> Initiative:
    """Open an admission vote of the member parks on this application.

    The vote decides: when it passes, the application is approved in the category the park
    applied for; when it fails (or lacks quorum), it is rejected. Until then the secretariat
    cannot decide by hand.
    """
    _require_reviewer(actor)
    _refuse_unless(application, MAY_APPROVE, _("put to a vote"))
    if admission_vote(session, application) is not None:
        raise Conflict(_("The members are already voting on this admission."))
    if not 1 <= days <= 90:
        raise Invalid(_("A vote lasts between 1 and 90 days."))
    category = Category(application.category_requested)
    # Refused now rather than when the vote passes: a vote must be able to decide.
    refusal = admission_refusal(session, application, category, matching_park(session, application))
    if refusal:
        raise Conflict(refusal)
    initiative = create_initiative(
        session,
        actor,
        kind=InitiativeKind.ADMISSION,
        subject_type="Application",
        subject_id=application.id,
        title=_(
            "Admission of %(park)s (%(country)s) as %(category)s",
            park=application.name_latin,
            country=application.country,
            category=category.value,
        ),
        summary=_(
            "%(park)s, %(city)s, applies to join the association as %(category)s.",
            park=application.name_latin,
            city=application.city,
            category=category.value,
        ),
        body_markdown=_admission_text(application, category),
    )
    open_vote(session, actor, initiative, closes_at=utcnow() + timedelta(days=days))
    record(
        session,
        "application.put_to_vote",
        actor=actor,
        subject=application,
        details={"initiative_id": initiative.id, "days": days},
    )
    _tell_applicant(
        session,
        application,
        _("Your application is put to a vote of the members"),
        "application_put_to_vote.txt",
        closes_at=initiative.closes_at.strftime("%d %B %Y, %H:%M"),
    )
    return initiative


def _admission_text(application: Application, category: Category) -> str:
    lines = [
        f"**{application.name_latin}**"
        + (f" ({application.name_native})" if application.name_native else ""),
        "",
        f"- {_('Legal entity')}: {application.legal_entity}",
        f"- {_('Country')}: {application.country}, {application.city}",
        f"- {_('Founded')}: {application.year_founded}",
        f"- {_('Resident companies')}: {application.resident_companies}",
        f"- {_('Category applied for')}: {category.value}",
        "",
        f"## {_('Motivation')}",
        "",
        application.motivation,
    ]
    return "\n".join(lines)


def decide_admission_by_vote(session: Session, initiative: Initiative, outcome: Outcome) -> None:
    """What a closed admission vote decides. Never raises for an application that moved on
    meanwhile (withdrawn, say): the vote must still close, and the audit log says why nothing
    followed."""
    application = (
        session.get(Application, initiative.subject_id)
        if initiative.subject_type == "Application"
        else None
    )
    if application is None or application.status not in MAY_APPROVE:
        record(
            session,
            "application.vote_without_effect",
            subject=initiative,
            details={
                "outcome": outcome.value,
                "application_id": initiative.subject_id,
                "status": application.status if application else None,
            },
        )
        return
    if outcome == Outcome.PASSED:
        category, park = (
            Category(application.category_requested),
            matching_park(session, application),
        )
        # The park may have been admitted otherwise while the members voted: the vote still closes.
        refusal = admission_refusal(session, application, category, park)
        if refusal:
            record(
                session,
                "application.vote_without_effect",
                subject=initiative,
                details={
                    "outcome": outcome.value,
                    "application_id": application.id,
                    "reason": refusal,
                },
            )
            return
        approve_application(
            session,
            None,
            application,
            category,
            park=park,
            reason=_("Admitted by a vote of the member parks."),
            initiative=initiative,
        )
    else:
        why = (
            _("The member parks' vote did not reach its quorum.")
            if outcome == Outcome.NO_QUORUM
            else _("The member parks voted against the admission.")
        )
        reject_application(session, None, application, why, initiative=initiative)


# --- the public profile ---------------------------------------------------------------------


def profile_of(session: Session, park: Park) -> ParkProfile | None:
    return session.scalar(select(ParkProfile).where(ParkProfile.park_id == park.id))


def check_logo(content: bytes) -> str:
    """The logo's media type: a PNG or JPEG (by content), at most 1 MB and 2000 px either way."""
    if len(content) > MAX_LOGO_BYTES:
        raise Invalid(_("The logo may be at most 1 MB."))
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            kind, (width, height) = image.format, image.size
            if kind not in LOGO_TYPES:
                raise Invalid(_("The logo must be a PNG or JPEG image."))
            if width > MAX_LOGO_SIDE or height > MAX_LOGO_SIDE:
                raise Invalid(
                    _("The logo may be at most %(px)d pixels wide and high.", px=MAX_LOGO_SIDE)
                )
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise Invalid(_("The logo must be a PNG or JPEG image.")) from None
    return LOGO_TYPES[kind]


@state_change
def update_profile(
    session: Session,
    actor: User,
    park: Park,
    *,
    description: str,
    website: str,
    logo: bytes | None = None,
    remove_logo: bool = False,
) -> ParkProfile:
    """The park's public description, website and logo, as its delegates keep them."""
    if not can_edit_profile(actor, park):
        raise NotAllowed(_("Only the park's delegates edit its profile."))
    website = check_website(website)
    logo_type = check_logo(logo) if logo else ""
    profile = profile_of(session, park)
    if profile is None:
        profile = ParkProfile(park=park, description="", logo_type="", logo_sha256="")
        session.add(profile)
    changed = []
    description = (description or "").strip()
    if profile.description != description:
        profile.description = description
        changed.append("description")
    if park.website != website:
        park.website = website
        changed.append("website")
    if logo:
        profile.logo, profile.logo_type = logo, logo_type
        profile.logo_sha256 = hashlib.sha256(logo).hexdigest()
        changed.append("logo")
    elif remove_logo and profile.logo_type:
        profile.logo, profile.logo_type, profile.logo_sha256 = None, "", ""
        changed.append("logo removed")
    profile.updated_at = utcnow()
    if changed:
        record(
            session, "park.profile_updated", actor=actor, subject=park, details={"changed": changed}
        )
    return profile


def member_since_or_today(park: Park) -> date:
    return park.member_since or utcnow().date()
