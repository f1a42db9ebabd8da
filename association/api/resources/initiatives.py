"""Initiatives: the list with filters, one initiative with its frozen result and receipts,
and the ballot (scope `vote`), through the voting area's own queries and cast_ballot."""

from __future__ import annotations

import enum
import json
from datetime import datetime

from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field
from spectree import Response
from sqlalchemy import select

from association.api import idempotency
from association.api.blueprint import BEARER, bp, json_answer, operation, spec
from association.api.common import ParkRef, park_ref, problem_responses
from association.api.pagination import PageQuery, keyset_page, link_header
from association.domain import NotFound
from association.extensions import db
from association.site import site_url
from association.voting import policy, presenters, queries, votes
from association.voting.models import Initiative, InitiativeKind, InitiativeStatus
from association.voting.results import allowed_choices

TAGS = ["Initiatives"]


class InitiativeState(enum.StrEnum):
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"


class InitiativeListQuery(PageQuery):
    status: InitiativeState | None = Field(None, description="Only initiatives in this state")
    kind: InitiativeKind | None = Field(None, description="Only initiatives of this kind")


class Choice(BaseModel):
    value: str = Field(description="What a ballot carries")
    label: str


class InitiativeSummary(BaseModel):
    id: int
    title: str
    summary: str
    kind: str
    status: str
    ballot_kind: str
    secret: bool
    opens_at: datetime | None
    closes_at: datetime | None
    closed_at: datetime | None
    url: str = Field(description="Its page")


class InitiativeList(BaseModel):
    initiatives: list[InitiativeSummary]


class Rules(BaseModel):
    quorum: str = Field(description="The share of the electorate that must vote, e.g. 1/2")
    majority: str
    changes_allowed: bool


class Result(BaseModel):
    outcome: str
    reason: str
    winner: str | None
    tallies: dict[str, int]
    ballots_cast: int
    electorate_size: int
    digest: str = Field(description="The seal of the ballots, as on the page")


class Participation(BaseModel):
    park: ParkRef
    voted: bool


class RollCallEntry(BaseModel):
    park: ParkRef
    choice: str | None
    receipt_code: str | None


class MyBallot(BaseModel):
    choice: str
    receipt_code: str


class InitiativeDetail(InitiativeSummary):
    text_markdown: str | None = Field(description="The full text; for signed-in readers")
    proposer: ParkRef | None
    choices: list[Choice]
    rules: Rules
    translations: dict[str, dict[str, str]] = Field(
        description="Title and summary in the other languages they are given in"
    )
    electorate_size: int | None
    participation: list[Participation] | None = Field(
        description="While open, which parks have voted (never how); for signed-in readers"
    )
    my_ballot: MyBallot | None
    result: Result | None = Field(description="The frozen result, once closed")
    receipts: list[str] | None = Field(
        description="A closed secret vote's receipt codes, without parks or choices"
    )
    roll_call: list[RollCallEntry] | None = Field(
        description="A closed public vote's ballots by park"
    )


class BallotBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    choice: str = Field(min_length=1, max_length=20, description="One of the initiative's choices")


class BallotReceipt(BaseModel):
    initiative_id: int
    park: ParkRef
    choice: str
    receipt_code: str
    changes: int = Field(description="How many times the park has changed its ballot")


def _summary(initiative: Initiative) -> dict:
    return dict(
        id=initiative.id,
        title=initiative.title,
        summary=initiative.summary,
        kind=initiative.kind,
        status=initiative.status,
        ballot_kind=initiative.ballot_kind,
        secret=initiative.secret,
        opens_at=initiative.opens_at,
        closes_at=initiative.closes_at,
        closed_at=initiative.closed_at,
        url=site_url(f"/initiatives/{initiative.id}"),
    )


@bp.get("/initiatives")
@operation()
@spec.validate(
    query=InitiativeListQuery,
    resp=Response(HTTP_200=InitiativeList, **problem_responses()),
    tags=TAGS,
    security=[{}, BEARER],
)
def initiative_list(query: InitiativeListQuery):
    """Initiatives, newest first; drafts only for the secretariat."""
    session = db.session()
    votes.settle_on_read(session)
    statement = select(Initiative)
    if query.status is not None:
        statement = statement.where(Initiative.status == query.status.value)
    elif not policy.can_manage_initiatives(current_user):
        statement = statement.where(Initiative.status.in_(policy.PUBLIC_STATUSES))
    if query.kind is not None:
        statement = statement.where(Initiative.kind == query.kind.value)
    page = keyset_page(session, statement, Initiative.id, query)
    body = InitiativeList(initiatives=[InitiativeSummary(**_summary(i)) for i in page.rows])
    return json_answer(body.model_dump(mode="json"), headers=link_header(page))


def _found(initiative_id: int) -> Initiative:
    session = db.session()
    initiative = queries.initiative_for_page(session, initiative_id)
    if initiative is None or not policy.can_see_initiative(current_user, initiative):
        raise NotFound(_("There is no such initiative."))
    if votes.settle_on_read(session, initiative):
        initiative = queries.initiative_for_page(session, initiative_id)
        assert initiative is not None
    return initiative


def initiative_detail_body(initiative: Initiative) -> dict:
    """What the initiative's page shows this reader, as JSON: the same queries and policy."""
    session = db.session()
    signed_in = policy.can_read_details(current_user)
    turnout = queries.turnout(session, initiative, current_user)
    labels = presenters.choice_labels(initiative)
    closed = initiative.status == InitiativeStatus.CLOSED
    result = initiative.result
    detail = InitiativeDetail(
        **_summary(initiative),
        text_markdown=initiative.body_markdown if signed_in else None,
        proposer=park_ref(initiative.proposer_park),
        choices=[Choice(value=c, label=labels.get(c, c)) for c in allowed_choices(initiative)],
        rules=Rules(
            quorum=f"{initiative.quorum_numerator}/{initiative.quorum_denominator}",
            majority=initiative.majority,
            changes_allowed=initiative.changes_allowed,
        ),
        translations={
            t.language: {"title": t.title, "summary": t.summary} for t in initiative.translations
        },
        electorate_size=turnout.electorate_size,
        participation=(
            [
                Participation(park=_row_park(row), voted=bool(row.receipt_code))
                for row in turnout.rows
            ]
            if signed_in and not closed and turnout.rows
            else None
        ),
        my_ballot=(
            MyBallot(choice=turnout.my_ballot.choice, receipt_code=turnout.my_ballot.receipt_code)
            if turnout.my_ballot is not None
            else None
        ),
        result=(
            Result(
                outcome=result.outcome,
                reason=result.reason,
                winner=result.winner,
                tallies=json.loads(result.tallies_json),
                ballots_cast=result.ballots_cast,
                electorate_size=result.electorate_size,
                digest=result.digest,
            )
            if result is not None and closed
            else None
        ),
        receipts=(
            sorted(row.receipt_code for row in turnout.voted)
            if signed_in and closed and initiative.secret
            else None
        ),
        roll_call=(
            [
                RollCallEntry(park=_row_park(row), choice=row.choice, receipt_code=row.receipt_code)
                for row in turnout.rows
            ]
            if signed_in and closed and not initiative.secret
            else None
        ),
    )
    return detail.model_dump(mode="json")


def _row_park(row) -> ParkRef:
    return ParkRef(id=row.id, name=row.name_latin, membership_number=row.membership_number)


@bp.get("/initiatives/<int:initiative_id>")
@operation()
@spec.validate(
    resp=Response(HTTP_200=InitiativeDetail, **problem_responses(404)),
    tags=TAGS,
    security=[{}, BEARER],
)
def initiative_detail(initiative_id: int):
    """One initiative as its page shows it to this reader: a secret vote never shows a
    park's choice; the full text, turnout and receipts are for signed-in readers."""
    return json_answer(initiative_detail_body(_found(initiative_id)))


@bp.post("/initiatives/<int:initiative_id>/ballot")
@operation(scope="vote")
@spec.validate(
    json=BallotBody,
    resp=Response(HTTP_200=BallotReceipt, **problem_responses(404, 409, 413, 415)),
    tags=TAGS,
    security=[BEARER],
)
def cast_ballot(initiative_id: int, json: BallotBody):
    """Cast or change the park's ballot, by the same rules as the page. With an
    `Idempotency-Key` header, a repeated request within 24 hours gets the first answer
    again and changes nothing; the same key with another body is refused (422)."""
    key = idempotency.key_of(request.headers.get("Idempotency-Key"))
    status, body, replayed = idempotency.cast_ballot_once(
        db.session(), current_user, initiative_id, json.choice, key=key
    )
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    return json_answer(body, status, headers)
