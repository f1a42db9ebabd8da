"""The decision on an application: the secretariat approves or rejects it, or puts it to a
vote of the member parks, whose outcome then decides it (decide_admission_by_vote).

An application admits a park once: admission_refusal says, in plain words, why approving
would admit a park a second time, and every way of deciding asks it first. Every function
that changes something is a state change (association.domain).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_babel import force_locale, pgettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from association.audit.log import record
from association.auth.service import create_user, find_user_by_email
from association.content_languages import worded_in_every_language
from association.database import utcnow
from association.domain import Conflict, Invalid, state_change
from association.languages import ENGLISH
from association.membership import documents
from association.membership.lifecycle import (
    MAY_APPROVE,
    MAY_REJECT,
    move,
    refuse_unless,
    require_reviewer,
    require_text,
    tell_applicant,
)
from association.membership.models import Application, ApplicationStatus, Category
from association.parks.models import Park, ParkStatus, Role, User
from association.parks.presenters import park_status_word
from association.parks.service import change_park_status, create_park
from association.voting.initiatives import create_initiative
from association.voting.models import Initiative, InitiativeKind, InitiativeStatus, Outcome
from association.voting.votes import open_vote

ADMISSION_VOTE_DAYS = 14


def _decision_details(initiative: Initiative | int | None) -> dict[str, Any]:
    # A decision by vote names its initiative in the audit trail.
    if initiative is None:
        return {"by": "secretariat"}
    return {
        "by": "vote",
        "initiative_id": initiative.id if isinstance(initiative, Initiative) else initiative,
    }


@state_change
def approve_application(
    session: Session,
    actor: User | None,
    application: Application,
    category: Category,
    *,
    park: Park | None = None,
    reason: str = "",
    initiative: Initiative | int | None = None,
) -> Park:
    """Admit the applicant as a member or observer.

    Creates the park (or links `park`, an existing record, moving it to `category` through
    the parks' own status change), which gives it a membership number that is never reused
    and a member-since date; issues its certificate; invites the contact person as the
    park's first delegate and signatory (an existing account of that e-mail is linked).
    `actor` None with `initiative` is an admission vote's outcome. The parks' own creation or
    status change announces `member.admitted` (an observer confirmed as one is not admitted
    anew).
    """
    require_reviewer(actor)
    category = Category(category)
    refuse_unless(application, MAY_APPROVE, pgettext("an application cannot be …", "approved"))
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
            language=application.language,
        )
    elif park.status != status:
        change_park_status(session, actor, park, status, why)
    application.park = park
    application.category_decided = category
    application.decision_reason = (reason or "").strip()
    application.decided_at = utcnow()
    move(session, application, ApplicationStatus.APPROVED, application.decision_reason)
    session.flush()
    document = documents.ensure_certificate(session, park, actor=actor)
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
    tell_applicant(
        session,
        application,
        _l("Welcome to the Association of Modern Technoparks"),
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
    session: Session,
    actor: User | None,
    application: Application,
    reason: str,
    *,
    initiative: Initiative | int | None = None,
) -> Application:
    """Refuse an application, with the reason the applicant reads."""
    require_reviewer(actor)
    reason = require_text(reason, _("Please give the reason for the rejection."))
    refuse_unless(application, MAY_REJECT, pgettext("cannot be …", "rejected"))
    _refuse_while_voting(session, application, initiative)
    application.decision_reason = reason
    application.decided_at = utcnow()
    move(session, application, ApplicationStatus.REJECTED, reason)
    record(
        session,
        "application.rejected",
        actor=actor,
        subject=application,
        details={"reason": reason, **_decision_details(initiative)},
    )
    tell_applicant(
        session,
        application,
        _l("Decision on your application"),
        "application_rejected.txt",
        reason=reason,
    )
    return application


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


def _refuse_while_voting(
    session: Session, application: Application, initiative: Initiative | int | None
) -> None:
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
    require_reviewer(actor)
    refuse_unless(application, MAY_APPROVE, pgettext("cannot be …", "put to a vote"))
    if admission_vote(session, application) is not None:
        raise Conflict(_("The members are already voting on this admission."))
    if not 1 <= days <= 90:
        raise Invalid(_("A vote lasts between 1 and 90 days."))
    category = Category(application.category_requested)
    # Refused now rather than when the vote passes: a vote must be able to decide.
    refusal = admission_refusal(session, application, category, matching_park(session, application))
    if refusal:
        raise Conflict(refusal)
    english, translations = worded_in_every_language(
        lambda _language: {
            "title": _(
                "Admission of %(park)s (%(country)s) as %(category)s",
                park=application.name_latin,
                country=application.country,
                category=park_status_word(category),
            ),
            "summary": _(
                "%(park)s, %(city)s, applies to join the association as %(category)s.",
                park=application.name_latin,
                city=application.city,
                category=park_status_word(category),
            ),
        }
    )
    with force_locale(ENGLISH):
        body = _admission_text(application, category)
    initiative = create_initiative(
        session,
        actor,
        kind=InitiativeKind.ADMISSION,
        subject_type="Application",
        subject_id=application.id,
        title=english["title"],
        summary=english["summary"],
        translations=translations,
        body_markdown=body,
    )
    closes_at = utcnow() + timedelta(days=days)
    open_vote(session, actor, initiative, closes_at=closes_at)
    record(
        session,
        "application.put_to_vote",
        actor=actor,
        subject=application,
        details={"initiative_id": initiative.id, "days": days},
    )
    tell_applicant(
        session,
        application,
        _l("Your application is put to a vote of the members"),
        "application_put_to_vote.txt",
        closes_at=closes_at,
    )
    return initiative


def _admission_text(application: Application, category: Category) -> str:
    lines = [
        f"**{application.name_latin}**"
        + (f" ({application.name_native})" if application.name_native else ""),
        "",
        "- " + _("Legal entity") + f": {application.legal_entity}",
        "- " + _("Country") + f": {application.country}, {application.city}",
        "- " + _("Founded") + f": {application.year_founded}",
        "- " + _("Resident companies") + f": {application.resident_companies}",
        "- " + _("Category applied for") + f": {park_status_word(category)}",
        "",
        "## " + _("Motivation"),
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
