"""The vote's life: opening (the rules freeze and the electorate is taken), the reminders, closing
(the result freezes), the clock that opens and closes votes on time, and the hook through which
other areas act on an outcome. Every change is a state change (association.domain): checked,
audited and mailed in one transaction, or refused with a clear message and nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_babel.speaklater import LazyString
from sqlalchemy import ColumnElement, Exists, exists, select
from sqlalchemy.orm import Session

from association.audit.log import record
from association.database import utcnow
from association.domain import Conflict, Invalid, Refusal, state_change
from association.mail.outbox import queue_mail, when_for
from association.parks.models import Park, ParkStatus, User
from association.site import site_url
from association.voting.announcements import announce_closed, announce_opened, announce_reminder
from association.voting.initiatives import check_dates
from association.voting.models import (
    Ballot,
    ElectorateMember,
    Initiative,
    InitiativeKind,
    InitiativeStatus,
    Outcome,
    ReminderSent,
    VoteResult,
)
from association.voting.policy import require_staff
from association.voting.presenters import INITIATIVE_STATUS_LABELS, winner_label
from association.voting.results import electorate_ids, freeze_result

REMINDER_BEFORE = timedelta(hours=24)
EARLY_REASON_MAX = 2000

# --- the hook other areas use: what a closed vote of their kind decides ----------------

OutcomeHandler = Callable[[Session, Initiative, Outcome], None]
_outcome_handlers: dict[InitiativeKind, OutcomeHandler] = {}


def register_outcome_handler(kind: InitiativeKind | str, handler: OutcomeHandler) -> None:
    """Call `handler(session, initiative, outcome)` when a vote of this kind closes, inside the
    closing transaction: e.g. membership approves or rejects the application an admission
    vote is about (initiative.subject_type / subject_id). If the handler raises, nothing closes."""
    _outcome_handlers[InitiativeKind(kind)] = handler


# --- telling the delegates ------------------------------------------------------------------


def _delegates_of(session: Session, park_ids: Iterable[int]) -> list[User]:
    ids = list(park_ids)
    if not ids:
        return []
    return list(
        session.scalars(
            select(User)
            .where(User.park_id.in_(ids), User.is_delegate.is_(True), User.active.is_(True))
            .order_by(User.id)
        )
    )


def _mail_delegates(
    session: Session,
    park_ids: Iterable[int],
    subject: LazyString,
    template: str,
    initiative: Initiative,
    *,
    closes_at: datetime | None = None,
    **context: Any,
) -> int:
    """E-mail the parks' delegates, each in their language, with `closes_at` (as `closes`)
    in their zone."""
    link = site_url(f"/initiatives/{initiative.id}")
    delegates = _delegates_of(session, park_ids)
    for user in delegates:
        times = {"closes": when_for(user, closes_at)} if closes_at is not None else {}
        queue_mail(
            session,
            user.email,
            subject,
            template,
            language=user.language,
            user=user,
            initiative=initiative,
            link=link,
            **context,
            **times,
        )
    return len(delegates)


# --- opening ----------------------------------------------------------------------------------


def begin_vote(
    session: Session, actor: User | None, initiative: Initiative, now: datetime
) -> list[int]:
    """Freeze the rules and take the electorate: the parks that are members at this moment.
    Inside a state change (open_vote, settle, or a ballot on a scheduled vote whose time has
    come); returns the electorate."""
    closes_at = initiative.closes_at
    assert closes_at is not None  # open_vote and schedule_initiative set it first
    electorate = list(
        session.scalars(select(Park.id).where(Park.status == ParkStatus.MEMBER).order_by(Park.id))
    )
    session.add_all(
        ElectorateMember(initiative_id=initiative.id, park_id=park_id) for park_id in electorate
    )
    if initiative.opens_at is None or initiative.opens_at > now:
        initiative.opens_at = now
    initiative.opened_at = now
    initiative.status = InitiativeStatus.OPEN
    record(
        session,
        "vote.opened",
        actor=actor,
        subject=initiative,
        details={
            "electorate": electorate,
            "quorum": f"{initiative.quorum_numerator}/{initiative.quorum_denominator}",
            "majority": str(initiative.majority),
            "ballot_kind": str(initiative.ballot_kind),
            "options": [option.label for option in initiative.options],
            "secret": initiative.secret,
            "changes_allowed": initiative.changes_allowed,
            "closes_at": closes_at.isoformat(),
        },
    )
    announce_opened(session, initiative)
    _mail_delegates(
        session,
        electorate,
        _l("Voting is open: %(title)s", title=initiative.title),
        "vote_opened.txt",
        initiative,
        closes_at=closes_at,
    )
    return electorate


@state_change
def open_vote(
    session: Session,
    actor: User | None,
    initiative: Initiative,
    *,
    closes_at: datetime | None = None,
    now: datetime | None = None,
) -> Initiative:
    """Open voting now (by hand): the rules freeze and the electorate is taken now."""
    require_staff(actor)
    now = now or utcnow()
    if initiative.status not in (InitiativeStatus.DRAFT, InitiativeStatus.SCHEDULED):
        raise Conflict(
            _(
                "The initiative is %(status)s: it cannot be opened.",
                status=INITIATIVE_STATUS_LABELS[initiative.status],
            )
        )
    closes_at = closes_at or initiative.closes_at
    if closes_at is None:
        raise Invalid(_("Please say when voting closes."))
    check_dates(now, closes_at)
    if closes_at <= now:
        raise Invalid(_("The closing time has passed: choose a later one."))
    if not session.scalar(select(exists().where(Park.status == ParkStatus.MEMBER))):
        raise Conflict(_("There is no member park to vote."))
    initiative.closes_at = closes_at
    begin_vote(session, actor, initiative, now)
    return initiative


# --- closing ----------------------------------------------------------------------------------


def _close(
    session: Session,
    actor: User | None,
    initiative: Initiative,
    now: datetime,
    early_reason: str | None = None,
) -> VoteResult:
    electorate = electorate_ids(session, initiative)
    result, decision = freeze_result(session, initiative, electorate, now)
    initiative.status = InitiativeStatus.CLOSED
    initiative.closed_at = now
    if early_reason is not None:
        initiative.closed_early_by = actor
        initiative.closed_early_reason = early_reason
    session.flush()
    record(
        session,
        "vote.closed",
        actor=actor,
        subject=initiative,
        details={
            "outcome": decision.outcome.value,
            "reason": decision.reason,
            "winner": decision.winner,
            "tallies": result.tallies,
            "ballots_cast": result.ballots_cast,
            "electorate": len(electorate),
            "digest": result.digest,
            "by_hand": actor is not None,
            "early": early_reason is not None,
            "early_reason": early_reason,
        },
    )
    handler = _outcome_handlers.get(InitiativeKind(initiative.kind))
    if handler is not None:
        handler(session, initiative, decision.outcome)
    announce_closed(session, initiative, result)
    _mail_delegates(
        session,
        electorate,
        _l("Result: %(title)s", title=initiative.title),
        "vote_result.txt",
        initiative,
        result=result,
        winner=winner_label(initiative, result),
    )
    return result


def closes_early(initiative: Initiative, now: datetime | None = None) -> bool:
    """Whether closing the vote now would cut it short of its announced deadline."""
    now = now or utcnow()
    return (
        initiative.status == InitiativeStatus.OPEN
        and initiative.closes_at is not None
        and now < initiative.closes_at
    )


@state_change
def close_vote(
    session: Session,
    actor: User | None,
    initiative: Initiative,
    *,
    reason: str = "",
    now: datetime | None = None,
) -> VoteResult:
    """Close voting (by hand, or by the clock with actor None) and freeze the result: tallies,
    turnout, outcome under the frozen rules, and the ballots' SHA-256 digest. A closed result
    is final: closing again is refused and the attempt is audited.

    Closing before closes_at cuts the parks' time short: it needs a reason, which is audited
    and kept with the result beside who closed it."""
    require_staff(actor)
    now = now or utcnow()
    reason = (reason or "").strip()
    if initiative.status == InitiativeStatus.CLOSED:
        raise Conflict(
            _("This vote is already closed and its result is final."),
            audit=Refusal(
                "vote.close_refused",
                actor=actor,
                subject=initiative,
                details={"reason": "already_closed"},
            ),
        )
    if initiative.status != InitiativeStatus.OPEN:
        raise Conflict(
            _(
                "Only an open vote can be closed; this initiative is %(status)s.",
                status=initiative.status,
            )
        )
    early = closes_early(initiative, now)
    if early and not reason:
        raise Invalid(
            _("Voting is closing before its deadline: please give the reason, for the record.")
        )
    if len(reason) > EARLY_REASON_MAX:
        raise Invalid(
            ngettext(
                "Please keep the reason under %(num)d character.",
                "Please keep the reason under %(num)d characters.",
                EARLY_REASON_MAX,
            )
        )
    return _close(session, actor, initiative, now, early_reason=reason if early else None)


# --- the clock: votes open and close on time ----------------------------------------------------


def is_due(initiative: Initiative, now: datetime | None = None) -> bool:
    """Whether the clock says the vote should have opened or closed by now (a cheap check, no lock)."""
    now = now or utcnow()
    if initiative.status == InitiativeStatus.SCHEDULED:
        return initiative.opens_at is not None and initiative.opens_at <= now
    if initiative.status == InitiativeStatus.OPEN:
        return initiative.closes_at is not None and initiative.closes_at <= now
    return False


@state_change
def settle(
    session: Session, actor: User | None, initiative: Initiative, *, now: datetime | None = None
) -> bool:
    """Open a scheduled vote whose time has come and close an open one past closes_at.

    Called by close-due-votes and by the pages on first access, so a vote closes on time even
    if no job ran. Safe to call from many requests at once: the state is checked under the lock,
    and the second caller finds nothing to do.
    """
    now = now or utcnow()
    changed = False
    opens_at = initiative.opens_at
    if initiative.status == InitiativeStatus.SCHEDULED and opens_at is not None and opens_at <= now:
        begin_vote(session, actor, initiative, now)
        changed = True
    closes_at = initiative.closes_at
    if initiative.status == InitiativeStatus.OPEN and closes_at is not None and closes_at <= now:
        _close(session, actor, initiative, now)
        changed = True
    return changed


def _due(now: datetime | None = None) -> ColumnElement[bool]:
    """The votes past their time: scheduled ones whose opening came, open ones whose close came."""
    clock = now or utcnow()
    return ((Initiative.status == InitiativeStatus.SCHEDULED) & (Initiative.opens_at <= clock)) | (
        (Initiative.status == InitiativeStatus.OPEN) & (Initiative.closes_at <= clock)
    )


def any_vote_due(now: datetime | None = None) -> Exists:
    """Whether some vote is past its time, as an expression: a caller reads it in a statement it
    makes anyway (the API's version check), to learn without a query of its own that nothing is
    due."""
    return exists().where(_due(now))


def settle_on_read(
    session: Session,
    initiative: Initiative | None = None,
    *,
    limit: int = 20,
    now: datetime | None = None,
) -> bool:
    """The one change reading a page makes: a vote past its time opens or closes on first
    access, even if no job ran (by the clock, actor None). Given an initiative (its page, its
    results, a refused ballot), that one; given none (a list of initiatives), the first `limit`
    votes that are due. Returns whether any was due: what the page read before is stale then."""
    if initiative is not None:
        due = [initiative]
    else:
        due = list(session.scalars(select(Initiative).where(_due(now)).limit(limit)))
    was_due = False
    for each in due:
        if is_due(each, now):
            was_due = True
            settle(session, None, each, now=now)
    return was_due


@state_change
def send_reminders(
    session: Session, actor: User | None, initiative: Initiative, *, now: datetime | None = None
) -> int:
    """In the last 24 hours, remind the delegates of each park that has not voted: once per park."""
    now = now or utcnow()
    closes_at = initiative.closes_at
    if (
        initiative.status != InitiativeStatus.OPEN
        or closes_at is None
        or not (closes_at - REMINDER_BEFORE <= now < closes_at)
    ):
        return 0
    voted = select(Ballot.park_id).where(Ballot.initiative_id == initiative.id)
    reminded = select(ReminderSent.park_id).where(ReminderSent.initiative_id == initiative.id)
    waiting = list(
        session.scalars(
            select(ElectorateMember.park_id)
            .where(
                ElectorateMember.initiative_id == initiative.id,
                ElectorateMember.park_id.not_in(voted),
                ElectorateMember.park_id.not_in(reminded),
            )
            .order_by(ElectorateMember.park_id)
        )
    )
    if not waiting:
        return 0
    session.add_all(
        ReminderSent(initiative_id=initiative.id, park_id=park_id, sent_at=now)
        for park_id in waiting
    )
    _mail_delegates(
        session,
        waiting,
        _l("Reminder: your park has not voted on %(title)s", title=initiative.title),
        "vote_reminder.txt",
        initiative,
        closes_at=closes_at,
    )
    announce_reminder(session, initiative, waiting)
    record(
        session, "vote.reminders_sent", actor=actor, subject=initiative, details={"parks": waiting}
    )
    return len(waiting)


@dataclass(frozen=True)
class DueReport:
    opened: int
    closed: int
    reminded: int


def close_due_votes(session: Session, now: datetime | None = None) -> DueReport:
    """What cron runs: open scheduled votes whose time has come, close open votes past closes_at,
    and send the 24-hour reminders. Each initiative is its own transaction."""
    now = now or utcnow()
    opened = closed = reminded = 0
    due = session.scalars(
        select(Initiative.id)
        .where(
            ((Initiative.status == InitiativeStatus.SCHEDULED) & (Initiative.opens_at <= now))
            | ((Initiative.status == InitiativeStatus.OPEN) & (Initiative.closes_at <= now))
        )
        .order_by(Initiative.id)
    ).all()
    for initiative_id in due:
        initiative = session.get_one(Initiative, initiative_id)
        was = initiative.status
        if settle(session, None, initiative, now=now):
            opened += was == InitiativeStatus.SCHEDULED
            closed += initiative.status == InitiativeStatus.CLOSED
    closing_soon = session.scalars(
        select(Initiative.id)
        .where(
            Initiative.status == InitiativeStatus.OPEN,
            Initiative.closes_at > now,
            Initiative.closes_at <= now + REMINDER_BEFORE,
        )
        .order_by(Initiative.id)
    ).all()
    for initiative_id in closing_soon:
        reminded += send_reminders(
            session, None, session.get_one(Initiative, initiative_id), now=now
        )
    return DueReport(opened, closed, reminded)
