"""Ballots: a delegate casts (or changes) the park's one ballot, and holds a receipt for it.

The vote endpoint is the busiest writer, so its statements are built once, at import time, and
the ballot is written as a plain statement (bench/bench_voting.py measures it).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from flask_babel import gettext as _
from sqlalchemy import Table, and_, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, load_only

from association.audit.log import record
from association.database import utcnow
from association.domain import (
    Conflict,
    Invalid,
    NotAllowed,
    NotFound,
    Refusal,
    primary_key,
    state_change,
)
from association.parks.models import Park, ParkStatus, User
from association.voting.models import Ballot, ElectorateMember, Initiative, InitiativeStatus
from association.voting.presenters import when
from association.voting.results import allowed_choices
from association.voting.votes import begin_vote


def new_receipt_code() -> str:
    """12 characters of Crockford base32 (60 random bits) in groups: easy to read out and compare."""
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"{raw[0:4]}-{raw[4:8]}-{raw[8:12]}"


def _refuse_who(user: User) -> None:
    park = user.park
    if park is None:
        raise NotAllowed(
            _(
                "Only the delegate of a member park votes; the secretariat runs votes but does not vote."
            )
        )
    if park.status == ParkStatus.OBSERVER:
        raise NotAllowed(
            _("%(park)s is an observer: observers take part but do not vote.", park=park.name_latin)
        )
    if park.status == ParkStatus.SUSPENDED:
        raise NotAllowed(
            _("%(park)s is suspended and cannot vote while suspended.", park=park.name_latin)
        )
    if park.status == ParkStatus.WITHDRAWN:
        raise NotAllowed(
            _("%(park)s has withdrawn from the association and cannot vote.", park=park.name_latin)
        )
    if not user.is_delegate or not user.active:
        raise NotAllowed(
            _(
                "Only the delegate of %(park)s casts its vote. Ask the secretariat to make you the "
                "park's delegate.",
                park=park.name_latin,
            )
        )


def _refuse_state(user: User, initiative: Initiative, now: datetime) -> None:
    def refusal(reason: str) -> Refusal:
        return Refusal(
            "ballot.refused",
            actor=user,
            subject=initiative,
            details={"park_id": user.park_id, "reason": reason},
        )

    status = initiative.status
    if status == InitiativeStatus.DRAFT:
        raise Conflict(_("This initiative is still a draft: voting has not opened."))
    if status == InitiativeStatus.CANCELLED:
        raise Conflict(_("This initiative was cancelled: there is no vote."))
    opens_at, closes_at = initiative.opens_at, initiative.closes_at
    # Scheduling and opening set both times, so every vote past its draft has them.
    assert opens_at is not None
    assert closes_at is not None
    if status == InitiativeStatus.SCHEDULED:
        raise Conflict(_("Voting has not opened yet: it opens on %(when)s.", when=when(opens_at)))
    if status == InitiativeStatus.CLOSED:
        raise Conflict(
            _("Voting has closed and the result is final: no ballot can be cast or changed."),
            audit=refusal("closed"),
        )
    if closes_at <= now:
        raise Conflict(
            _("Voting closed on %(when)s: ballots are no longer accepted.", when=when(closes_at)),
            audit=refusal("after_closes_at"),
        )
    if opens_at > now:
        raise Conflict(_("Voting has not opened yet: it opens on %(when)s.", when=when(opens_at)))


# Everything a ballot is checked against, in one query: the initiative, the voter and their
# park, whether the park is in the electorate, and its ballot if it has one. Only the columns
# the rules read are loaded (the rest load on access), and the statement is built once: every
# ballot runs it.
_BALLOT_SITUATION = (
    select(
        Initiative, User, Park, ElectorateMember.park_id.is_not(None).label("in_electorate"), Ballot
    )
    .select_from(Initiative)
    .join(User, User.id == bindparam("user_id"))
    .outerjoin(Park, Park.id == User.park_id)
    .outerjoin(
        ElectorateMember,
        and_(
            ElectorateMember.initiative_id == Initiative.id,
            ElectorateMember.park_id == User.park_id,
        ),
    )
    .outerjoin(Ballot, and_(Ballot.initiative_id == Initiative.id, Ballot.park_id == User.park_id))
    .where(Initiative.id == bindparam("initiative_id"))
    .options(
        load_only(
            Initiative.status,
            Initiative.opens_at,
            Initiative.closes_at,
            Initiative.ballot_kind,
            Initiative.changes_allowed,
            Initiative.secret,
        ),
        load_only(User.email, User.park_id, User.is_delegate, User.active),
        load_only(Park.status, Park.name_latin),
        load_only(Ballot.choice, Ballot.receipt_code, Ballot.changes),
    )
)


@dataclass(frozen=True)
class BallotReceipt:
    """What a park holds once its ballot is recorded: its current choice, and the receipt code
    it can later find among the published receipts."""

    park_id: int
    choice: str
    receipt_code: str
    changes: int  # how many times the park changed its ballot


# Ballots are written as plain statements: the vote endpoint is the busiest writer, and the
# unit of work costs more than the write itself.
_ballots = cast(Table, Ballot.__table__)
_ADD_BALLOT = insert(_ballots)
_CHANGE_BALLOT = (
    update(_ballots)
    .where(_ballots.c.id == bindparam("ballot_id"))
    .values(
        choice=bindparam("choice"),
        cast_by_user_id=bindparam("user_id"),
        updated_at=bindparam("now"),
        changes=_ballots.c.changes + 1,
    )
)


@state_change
def cast_ballot(
    session: Session,
    user: User,
    initiative: Initiative | int,
    choice: str,
    *,
    now: datetime | None = None,
) -> BallotReceipt:
    """Record the park's choice: exactly one ballot per park and initiative, even when called
    concurrently (serialised by the change lock; the unique constraint is the second guard).

    The park is always the user's own. A park that votes again changes its one ballot (the
    latest counts, the change is audited) if the rules allow changes. The initiative may be
    given by its id: the vote page does, as everything is read afresh under the lock anyway.
    """
    now = now or utcnow()
    initiative_id = initiative if isinstance(initiative, int) else primary_key(initiative)
    # Read under the lock; the user and park are refreshed in the session by the same query.
    situation = session.execute(
        _BALLOT_SITUATION, {"user_id": primary_key(user), "initiative_id": initiative_id}
    ).one_or_none()
    if situation is None:
        raise NotFound(_("There is no such initiative."))
    initiative, user, park, in_electorate, ballot = situation
    _refuse_who(user)
    opens_at = initiative.opens_at
    if initiative.status == InitiativeStatus.SCHEDULED and opens_at is not None and opens_at <= now:
        in_electorate = park.id in begin_vote(session, None, initiative, now)
    _refuse_state(user, initiative, now)
    if not in_electorate:
        raise NotAllowed(
            _(
                "%(park)s was not a member when voting opened, so it is not in this vote's electorate.",
                park=park.name_latin,
            )
        )
    choice = (choice or "").strip()
    if choice not in allowed_choices(initiative):
        raise Invalid(
            _("That choice is not on this ballot. Please choose one of the choices shown.")
        )

    secret = initiative.secret
    if ballot is not None:
        if not initiative.changes_allowed:
            raise Conflict(
                _(
                    "%(park)s has already voted, and this vote does not allow changing a ballot.",
                    park=park.name_latin,
                )
            )
        if ballot.choice == choice:  # nothing to change, nothing to audit
            return BallotReceipt(park.id, choice, ballot.receipt_code, ballot.changes)
        receipt = BallotReceipt(park.id, choice, ballot.receipt_code, ballot.changes + 1)
        details = {"park_id": park.id, "receipt": receipt.receipt_code, "change": receipt.changes}
        if not secret:
            details.update({"from": ballot.choice, "to": choice})
        session.execute(
            _CHANGE_BALLOT,
            {"ballot_id": ballot.id, "choice": choice, "user_id": user.id, "now": now},
        )
        record(session, "ballot.changed", actor=user, subject=initiative, details=details)
        return receipt

    receipt = BallotReceipt(park.id, choice, new_receipt_code(), 0)
    try:
        session.execute(
            _ADD_BALLOT,
            {
                "initiative_id": initiative.id,
                "park_id": park.id,
                "choice": choice,
                "cast_by_user_id": user.id,
                "receipt_code": receipt.receipt_code,
                "cast_at": now,
                "updated_at": now,
                "changes": 0,
            },
        )
    except IntegrityError:
        raise Conflict(
            _(
                "A ballot for %(park)s was recorded at the same moment. Please reload the page to see "
                "the park's current choice.",
                park=park.name_latin,
            )
        ) from None
    details = {"park_id": park.id, "receipt": receipt.receipt_code}
    if not secret:
        details["choice"] = choice
    record(session, "ballot.cast", actor=user, subject=initiative, details=details)
    return receipt
