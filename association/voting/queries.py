"""What the voting pages and the API read: one function per page or resource, each loading what
it shows in few queries. Nothing here changes anything."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import Row, and_, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from association.parks.models import Park, ParkStatus, User
from association.voting import policy
from association.voting.models import (
    Attachment,
    Ballot,
    ElectorateMember,
    Initiative,
    InitiativeKind,
    InitiativeStatus,
)

PER_PAGE = 20
# The list's tabs: what the public sees, and what the secretariat sees besides.
STATES = {
    "open": (InitiativeStatus.OPEN,),
    "upcoming": (InitiativeStatus.SCHEDULED,),
    "closed": (InitiativeStatus.CLOSED,),
}
MANAGE_STATES = {
    **STATES,
    "draft": (InitiativeStatus.DRAFT,),
    "cancelled": (InitiativeStatus.CANCELLED,),
}


@dataclass(frozen=True)
class Listing:
    page: Pagination
    state: str
    kind: str
    states: list[str]
    tab_counts: dict[str, int]


def listing(
    session: Session,
    states: dict[str, tuple[InitiativeStatus, ...]],
    default: str,
    *,
    state: str,
    kind: str,
    page: int,
) -> Listing:
    """One tab of initiatives (unknown states and kinds fall back to the default and every kind),
    with each tab's count, a page at a time."""
    if state not in states:
        state = default
    if kind not in {k.value for k in InitiativeKind}:
        kind = ""
    counts_query = select(Initiative.status, func.count()).where(
        Initiative.status.in_([s for group in states.values() for s in group])
    )
    if kind:
        counts_query = counts_query.where(Initiative.kind == kind)
    counts: dict[Any, int] = {
        status: n for status, n in session.execute(counts_query.group_by(Initiative.status))
    }
    tab_counts = {name: sum(counts.get(s, 0) for s in group) for name, group in states.items()}

    statement = (
        select(Initiative)
        .where(Initiative.status.in_(states[state]))
        .options(joinedload(Initiative.result), joinedload(Initiative.proposer_park))
    )
    if kind:
        statement = statement.where(Initiative.kind == kind)
    order = {
        "open": (Initiative.closes_at.asc(), Initiative.id),
        "upcoming": (Initiative.opens_at.asc(), Initiative.id),
        "closed": (Initiative.closed_at.desc(), Initiative.id.desc()),
    }.get(state, (Initiative.updated_at.desc(), Initiative.id.desc()))
    found = SelectPagination(
        select=statement.order_by(*order),
        session=session,
        page=page,
        per_page=PER_PAGE,
        max_per_page=None,
        error_out=False,
        count=True,
    )
    return Listing(found, state, kind, list(states), tab_counts)


def initiative(session: Session, initiative_id: int) -> Initiative | None:
    """The initiative alone, for the secretariat's actions."""
    return session.get(Initiative, initiative_id)


def initiative_for_page(session: Session, initiative_id: int) -> Initiative | None:
    """The initiative with what its page shows: result, proposer, options, attachments."""
    return session.scalar(
        select(Initiative)
        .where(Initiative.id == initiative_id)
        .options(
            joinedload(Initiative.result),
            joinedload(Initiative.proposer_park),
            joinedload(Initiative.closed_early_by),
            selectinload(Initiative.options),
            selectinload(Initiative.attachments),
        )
    )


@dataclass(frozen=True)
class Turnout:
    """Who may vote on an open or closed initiative and how far voting has come, as the reader
    may see it."""

    rows: Sequence[Row]  # each park of the electorate, its ballot's choice and receipt if any
    voted: list[Row]
    electorate_size: int | None  # None: not known to this reader, or voting has not opened
    my_ballot: Row | None
    in_electorate: bool
    may_vote: bool


def turnout(session: Session, initiative: Initiative, user: User | None) -> Turnout:
    """The electorate and each park's ballot, in one query, for a signed-in reader; a visitor
    sees only the size of a closed vote's electorate."""
    rows: Sequence[Row] = []
    electorate_size, my_ballot, in_electorate = None, None, False
    voting = initiative.status in (InitiativeStatus.OPEN, InitiativeStatus.CLOSED)
    if voting and policy.can_read_details(user):
        rows = session.execute(
            select(
                Park.id,
                Park.name_latin,
                Park.membership_number,
                Park.status,
                Ballot.choice,
                Ballot.receipt_code,
                Ballot.updated_at,
            )
            .select_from(ElectorateMember)
            .join(Park, Park.id == ElectorateMember.park_id)
            .outerjoin(
                Ballot,
                and_(
                    Ballot.initiative_id == ElectorateMember.initiative_id,
                    Ballot.park_id == ElectorateMember.park_id,
                ),
            )
            .where(ElectorateMember.initiative_id == initiative.id)
            .order_by(Park.name_latin)
        ).all()
        electorate_size = len(rows)
        park_id = getattr(user, "park_id", None)
        for row in rows:
            if row.id == park_id:
                in_electorate = True
                my_ballot = row if row.receipt_code else None
    elif voting and initiative.result:
        electorate_size = initiative.result.electorate_size
    may_vote = (
        initiative.status == InitiativeStatus.OPEN
        and in_electorate
        and policy.is_delegate_of_voting_park(user)
        and (my_ballot is None or initiative.changes_allowed)
    )
    return Turnout(
        rows=rows,
        voted=[row for row in rows if row.receipt_code],
        electorate_size=electorate_size,
        my_ballot=my_ballot,
        in_electorate=in_electorate,
        may_vote=may_vote,
    )


def result_ballots(session: Session, initiative: Initiative) -> Sequence[Row]:
    """The ballots of a closed vote for its results export: by park, or by receipt if secret."""
    return session.execute(
        select(Park.name_latin, Park.membership_number, Ballot.choice, Ballot.receipt_code)
        .join(Park, Park.id == Ballot.park_id)
        .where(Ballot.initiative_id == initiative.id)
        .order_by(Park.name_latin if not initiative.secret else Ballot.receipt_code)
    ).all()


def attachment(session: Session, initiative: Initiative, attachment_id: int) -> Attachment | None:
    """One of the initiative's attachments (None if it belongs to another)."""
    found = session.get(Attachment, attachment_id)
    if found is None or found.initiative_id != initiative.id:
        return None
    return found


def proposer_parks(session: Session) -> list[Park]:
    """The parks that may be named as an initiative's proposer: all but the withdrawn."""
    return list(
        session.scalars(
            select(Park).where(Park.status != ParkStatus.WITHDRAWN).order_by(Park.name_latin)
        )
    )


def park(session: Session, park_id: int) -> Park | None:
    return session.get(Park, park_id)
