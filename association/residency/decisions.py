"""Each host's decision on its choice of an endorsed application, questions before it, and
the startup's answer to an offer. A host's places are a hard limit: offers are counted inside
the state change (its lock serialises every change, on SQLite and PostgreSQL alike), so two
coordinators offering the last place at once cannot both succeed."""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from association.audit.log import record
from association.database import utcnow
from association.domain import Conflict, Invalid, NotAllowed, state_change
from association.history import stating_time
from association.parks.models import User
from association.residency import policy
from association.residency.announcements import announce_decided
from association.residency.applications import (
    SETTLED,
    first_waitlisted,
    free_place,
    settle_if_unplaced,
    withdraw_choice,
)
from association.residency.calls import places_held
from association.residency.documents import issue_residency_documents
from association.residency.models import (
    ApplicationStatus,
    ChoiceStatus,
    HostChoice,
    HostOffer,
    Residency,
    ResidencyApplication,
    ResidencyQuestion,
    ResidencyStatus,
)
from association.residency.notifications import application_link, residency_link, tell
from association.residency.words import status_label
from association.site import setting

__all__ = [
    "Decision",
    "accept_offer",
    "answer_question",
    "ask_question",
    "decide",
    "decline_offer",
    "first_waitlisted",
    "offer_freed_place",
    "remind_expiring_offers",
]

# Before an offer expires, its startup is reminded this many days ahead (and on its last day).
REMIND_DAYS_BEFORE = (3, 0)


class Decision(enum.StrEnum):
    ACCEPT = "accept"
    WAITLIST = "waitlist"
    REJECT = "reject"


def _require_host(actor: User | None, choice: HostChoice) -> None:
    policy.require_coordinator(actor, choice.offer.park)


def _require_endorsed(choice: HostChoice) -> None:
    if choice.application.status != ApplicationStatus.ENDORSED:
        raise Conflict(
            _(
                "The application is %(status)s: its hosts no longer decide on it.",
                status=status_label("application", choice.application.status),
            )
        )


def _lapse_expired(session: Session, offer: HostOffer, today: date) -> None:
    """Offers of `offer` the startup let expire free their places (inside the state change)."""
    expired = session.scalars(
        select(HostChoice).where(
            HostChoice.offer_id == offer.id,
            HostChoice.status == ChoiceStatus.OFFERED,
            HostChoice.offer_expires_on < today,
        )
    ).all()
    for choice in expired:
        _lapse(session, choice)


def _lapse(session: Session, choice: HostChoice) -> None:
    free_place(session, choice, ChoiceStatus.DECLINED)
    record(
        session,
        "residency.offer_lapsed",
        subject=choice.application,
        details={"host": choice.offer.park.slug, "expired_on": str(choice.offer_expires_on)},
    )
    settle_if_unplaced(session, choice.application)


def _make_offer(
    session: Session, actor: User | None, choice: HostChoice, now: datetime | None = None
) -> None:
    """Offer the choice a place, if one is free; the startup's lower preferences are withdrawn."""
    offer = choice.offer
    today = (now or utcnow()).date()
    _lapse_expired(session, offer, today)
    held = places_held(session, offer)
    if held >= offer.places:
        raise Conflict(
            _(
                "%(park)s has no free place in this call: its %(places)d places are all offered "
                "or taken.",
                park=offer.park.name_latin,
                places=offer.places,
            )
        )
    choice.status = ChoiceStatus.OFFERED
    choice.offer_expires_on = today + timedelta(days=int(setting("RESIDENCY_OFFER_DAYS")))
    for other in choice.application.choices:
        if other.preference > choice.preference and other.status not in SETTLED:
            withdraw_choice(session, other)


@state_change
def decide(
    session: Session,
    coordinator: User | None,
    choice: HostChoice,
    decision: Decision,
    reason: str = "",
    now: datetime | None = None,
) -> HostChoice:
    """The host's decision on a choice under review: accept (an offer, only while a place is
    free: Conflict otherwise), waitlist, or reject (with a reason; a waitlisted choice may be
    rejected too). The founders are e-mailed.
    `now` is when, when that was before it is recorded (association.history)."""
    _require_host(coordinator, choice)
    decision = Decision(decision)
    reason = (reason or "").strip()
    _require_endorsed(choice)
    allowed = (
        (ChoiceStatus.UNDER_REVIEW, ChoiceStatus.WAITLISTED)
        if decision == Decision.REJECT
        else (ChoiceStatus.UNDER_REVIEW,)
    )
    if choice.status not in allowed:
        raise Conflict(
            _(
                "%(park)s has already decided on this application: its choice is %(status)s.",
                park=choice.offer.park.name_latin,
                status=status_label("choice", choice.status),
            )
        )
    if decision == Decision.REJECT and not reason:
        raise Invalid(_("Please give the reason."), field="reason")
    if decision == Decision.ACCEPT:
        _make_offer(session, coordinator, choice, now)
    else:
        choice.status = (
            ChoiceStatus.WAITLISTED if decision == Decision.WAITLIST else ChoiceStatus.REJECTED
        )
    choice.decision_reason = reason
    application = _decided(session, coordinator, choice, now)
    record(
        session,
        "residency.decided",
        actor=coordinator,
        subject=application,
        details=stating_time(
            {
                "host": choice.offer.park.slug,
                "decision": str(decision),
                "reason": reason,
                "offer_expires_on": str(choice.offer_expires_on)
                if choice.offer_expires_on
                else None,
            },
            now,
        ),
    )
    settle_if_unplaced(session, application)
    return choice


def _decided(
    session: Session, coordinator: User | None, choice: HostChoice, now: datetime | None = None
) -> ResidencyApplication:
    """What every host decision does after it: who decided and when, the founders told by
    e-mail and the parks' platforms by webhook."""
    choice.decided_at = now or utcnow()
    choice.decided_by_id = coordinator.id if coordinator is not None else None
    application = choice.application
    tell(
        session,
        policy.founders(application.startup),
        _l("%(park)s decided on your application", park=choice.offer.park.name_latin),
        "residency_decision.txt",
        application=application,
        choice=choice,
        link=application_link(application),
    )
    announce_decided(session, choice)
    return application


@state_change
def offer_freed_place(session: Session, coordinator: User | None, choice: HostChoice) -> HostChoice:
    """The host confirms that a freed place goes to the first startup on its waiting list."""
    _require_host(coordinator, choice)
    _require_endorsed(choice)
    if choice.status != ChoiceStatus.WAITLISTED:
        raise Conflict(_("Only a waitlisted startup can be offered a freed place."))
    first = first_waitlisted(session, choice.offer)
    if first is not None and first.id != choice.id:
        raise Conflict(
            _(
                "%(startup)s waits first for a place: a freed place goes to it first.",
                startup=first.application.startup.name,
            )
        )
    _make_offer(session, coordinator, choice)
    application = _decided(session, coordinator, choice)
    record(
        session,
        "residency.freed_place_offered",
        actor=coordinator,
        subject=application,
        details={"host": choice.offer.park.slug, "offer_expires_on": str(choice.offer_expires_on)},
    )
    return choice


@state_change
def ask_question(
    session: Session, coordinator: User | None, choice: HostChoice, question: str
) -> ResidencyQuestion:
    """The host asks the applicant a question while it decides (the founders are e-mailed)."""
    if coordinator is None or not policy.is_coordinator_of(coordinator, choice.offer.park):
        raise NotAllowed(_("Only a programme coordinator of the host park can ask the applicant."))
    _require_endorsed(choice)
    if choice.status not in (ChoiceStatus.UNDER_REVIEW, ChoiceStatus.WAITLISTED):
        raise Conflict(_("The host has decided on this application: there is nothing to ask."))
    question = (question or "").strip()
    if not question:
        raise Invalid(_("Please write the question."), field="question")
    asked = ResidencyQuestion(choice=choice, question=question, asked_by_id=coordinator.id)
    session.add(asked)
    session.flush()
    application = choice.application
    tell(
        session,
        policy.founders(application.startup),
        _l("%(park)s asks about your application", park=choice.offer.park.name_latin),
        "residency_question.txt",
        application=application,
        choice=choice,
        question=question,
        link=application_link(application),
    )
    record(
        session,
        "residency.question_asked",
        actor=coordinator,
        subject=application,
        details={"host": choice.offer.park.slug, "question": asked.id},
    )
    return asked


@state_change
def answer_question(
    session: Session, founder: User, question: ResidencyQuestion, answer: str
) -> ResidencyQuestion:
    """The startup answers a host's question, once (the host's coordinators are e-mailed)."""
    choice = question.choice
    application = choice.application
    policy.require_founder(founder, application.startup)
    if question.answered_at is not None:
        raise Conflict(_("The question has already been answered."))
    if application.status != ApplicationStatus.ENDORSED or choice.status in SETTLED:
        raise Conflict(_("The application is no longer before this host."))
    answer = (answer or "").strip()
    if not answer:
        raise Invalid(_("Please write the answer."), field="answer")
    question.answer = answer
    question.answered_by_id = founder.id
    question.answered_at = utcnow()
    tell(
        session,
        policy.coordinators(session, choice.offer.park),
        _l("%(startup)s answered your question", startup=application.startup.name),
        "residency_answered.txt",
        application=application,
        question=question,
        link=application_link(application),
    )
    record(
        session,
        "residency.question_answered",
        actor=founder,
        subject=application,
        details={"host": choice.offer.park.slug, "question": question.id},
    )
    return question


def next_residency_number(session: Session, year: int) -> str:
    """`AMT-DN-<year>-<nnnn>`, numbered within the year of the residency's start. Residencies
    are never deleted, and the caller runs inside a state change: never the same number twice
    (and the column is unique besides)."""
    prefix = f"AMT-DN-{year}-"
    count = (
        session.scalar(
            select(func.count()).select_from(Residency).where(Residency.number.like(prefix + "%"))
        )
        or 0
    )
    return f"{prefix}{count + 1:04d}"


@state_change
def accept_offer(
    session: Session, founder: User, choice: HostChoice, now: datetime | None = None
) -> Residency:
    """The startup takes a standing offer: a residency (upcoming, with the application's dates
    and its number) with its sealed certificate and letter of invitation; the application is
    placed and every other choice withdrawn, freeing any place it held. Both parks'
    coordinators are e-mailed.
    `now` is when, when that was before it is recorded (association.history)."""
    application = choice.application
    policy.require_founder(founder, application.startup)
    _require_endorsed(choice)
    if choice.status != ChoiceStatus.OFFERED:
        raise Conflict(_("There is no standing offer of this host to accept."))
    assert choice.offer_expires_on is not None
    if choice.offer_expires_on < (now or utcnow()).date():
        raise Conflict(_("The offer expired on %(day)s.", day=choice.offer_expires_on.isoformat()))
    assert application.starts_on is not None
    assert application.ends_on is not None
    startup = application.startup
    residency = Residency(
        choice=choice,
        startup=startup,
        home_park_id=startup.home_park_id,
        host_park_id=choice.offer.park_id,
        status=ResidencyStatus.UPCOMING,
        starts_on=application.starts_on,
        ends_on=application.ends_on,
        number=next_residency_number(session, application.starts_on.year),
        created_at=now or utcnow(),
    )
    session.add(residency)
    choice.status = ChoiceStatus.TAKEN
    for other in application.choices:
        if other.id != choice.id and other.status not in SETTLED:
            withdraw_choice(session, other)
    application.status = ApplicationStatus.PLACED
    application.updated_at = now or utcnow()
    session.flush()
    # Sealed with the change itself: the certificate and the letter of invitation exist exactly
    # when the residency does.
    issue_residency_documents(session, residency, actor=founder)
    tell(
        session,
        [
            *policy.coordinators(session, choice.offer.park),
            *policy.coordinators(session, startup.home_park),
        ],
        _l(
            "%(startup)s accepted a residency at %(park)s",
            startup=startup.name,
            park=choice.offer.park.name_latin,
        ),
        "residency_accepted.txt",
        residency=residency,
        startup=startup,
        link=residency_link(residency),
    )
    record(
        session,
        "residency.offer_accepted",
        actor=founder,
        subject=residency,
        details=stating_time(
            {
                "application": application.id,
                "host": choice.offer.park.slug,
                "number": residency.number,
                "starts_on": residency.starts_on.isoformat(),
                "ends_on": residency.ends_on.isoformat(),
            },
            now,
        ),
    )
    return residency


@state_change
def decline_offer(session: Session, founder: User, choice: HostChoice) -> HostChoice:
    """The startup declines a host's offer: the place is free again, and the host's
    coordinators are told which waitlisted startup may be offered it."""
    application = choice.application
    policy.require_founder(founder, application.startup)
    _require_endorsed(choice)
    if choice.status != ChoiceStatus.OFFERED:
        raise Conflict(_("There is no standing offer of this host to decline."))
    free_place(session, choice, ChoiceStatus.DECLINED)
    record(
        session,
        "residency.offer_declined",
        actor=founder,
        subject=application,
        details={"host": choice.offer.park.slug},
    )
    settle_if_unplaced(session, application)
    return choice


@state_change
def remind_expiring_offers(session: Session, today: date | None = None) -> tuple[int, int]:
    """For cron, daily: remind the startups whose offer expires in three days or today, and
    let the offers that expired before `today` lapse (their places free). Returns (reminded,
    lapsed). Run twice on one day, it reminds twice: run it once a day."""
    today = today or utcnow().date()
    standing = session.scalars(
        select(HostChoice).where(HostChoice.status == ChoiceStatus.OFFERED).order_by(HostChoice.id)
    ).all()
    reminded = lapsed = 0
    for choice in standing:
        assert choice.offer_expires_on is not None
        days_left = (choice.offer_expires_on - today).days
        if days_left < 0:
            _lapse(session, choice)
            lapsed += 1
        elif days_left in REMIND_DAYS_BEFORE:
            application = choice.application
            tell(
                session,
                policy.founders(application.startup),
                _l("Your offer from %(park)s expires soon", park=choice.offer.park.name_latin),
                "residency_offer_reminder.txt",
                application=application,
                choice=choice,
                link=application_link(application),
            )
            reminded += 1
    if reminded:
        record(session, "residency.offers_reminded", details={"reminded": reminded})
    return reminded, lapsed
