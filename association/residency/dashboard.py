"""What waits in the programme, on the dashboard: for a programme coordinator, startups to
confirm, applications to endorse and incoming ones to decide; for a startup, offers and
questions to answer."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext, pgettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from association.dashboard import Task
from association.parks.models import Role, User
from association.residency.models import (
    ApplicationStatus,
    ChoiceStatus,
    HostChoice,
    HostOffer,
    ResidencyApplication,
    ResidencyQuestion,
    Startup,
    StartupStatus,
)
from association.residency.policy import is_coordinator_of


def _count(session: Session, query) -> int:
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def coordinator_tasks(session: Session, user: User) -> list[Task]:
    park = user.park
    if park is None or not is_coordinator_of(user, park):
        return []
    page = url_for("residency.park_home")
    to_confirm = _count(
        session,
        select(Startup.id).where(
            Startup.home_park_id == park.id, Startup.status == StartupStatus.PENDING
        ),
    )
    to_endorse = _count(
        session,
        select(ResidencyApplication.id)
        .join(Startup, ResidencyApplication.startup_id == Startup.id)
        .where(
            Startup.home_park_id == park.id,
            ResidencyApplication.status == ApplicationStatus.AWAITING_ENDORSEMENT,
        ),
    )
    to_decide = _count(
        session,
        select(HostChoice.id)
        .join(HostOffer, HostChoice.offer_id == HostOffer.id)
        .where(HostOffer.park_id == park.id, HostChoice.status == ChoiceStatus.UNDER_REVIEW),
    )
    tasks = []
    if to_confirm:
        tasks.append(
            Task(
                title=ngettext(
                    "%(num)d startup asks to be confirmed as your resident",
                    "%(num)d startups ask to be confirmed as your residents",
                    to_confirm,
                ),
                detail=_("Residency programme: check the registration numbers."),
                url=page + "#to-confirm",
                action=_("Confirm"),
            )
        )
    if to_endorse:
        tasks.append(
            Task(
                title=ngettext(
                    "%(num)d residency application to endorse",
                    "%(num)d residency applications to endorse",
                    to_endorse,
                ),
                detail=_("Your park's startups apply to other parks."),
                url=page + "#to-endorse",
                action=_("Endorse"),
            )
        )
    if to_decide:
        tasks.append(
            Task(
                title=ngettext(
                    "%(num)d incoming residency application to decide",
                    "%(num)d incoming residency applications to decide",
                    to_decide,
                ),
                detail=_("Endorsed by their home parks: accept, waitlist or reject."),
                url=page + "#incoming",
                action=_("Review"),
            )
        )
    return tasks


def startup_tasks(session: Session, user: User) -> list[Task]:
    if user.role != Role.STARTUP or user.startup_id is None:
        return []
    offers = session.scalars(
        select(HostChoice)
        .join(ResidencyApplication, HostChoice.application_id == ResidencyApplication.id)
        .where(
            ResidencyApplication.startup_id == user.startup_id,
            HostChoice.status == ChoiceStatus.OFFERED,
        )
    ).all()
    questions = session.scalars(
        select(ResidencyQuestion)
        .join(HostChoice, ResidencyQuestion.choice_id == HostChoice.id)
        .join(ResidencyApplication, HostChoice.application_id == ResidencyApplication.id)
        .where(
            ResidencyApplication.startup_id == user.startup_id,
            ResidencyQuestion.answered_at.is_(None),
        )
    ).all()
    tasks = [
        Task(
            title=_("%(park)s offers you a place", park=choice.offer.park.name_latin),
            detail=_("Accept it or decline it.")
            if choice.offer_expires_on is None
            else _("The offer stands until %(date)s.", date=choice.offer_expires_on.isoformat()),
            url=url_for("residency.application_edit", application_id=choice.application_id),
            action=pgettext("button", "Answer"),
            urgent=True,
        )
        for choice in offers
    ]
    tasks += [
        Task(
            title=_("A question from %(park)s", park=question.choice.offer.park.name_latin),
            detail=question.question[:120],
            url=url_for(
                "residency.application_edit", application_id=question.choice.application_id
            ),
            action=pgettext("button", "Answer"),
        )
        for question in questions
    ]
    return tasks
