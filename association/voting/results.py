"""Results: the choices a ballot may carry, and the frozen result a closing vote computes from
its ballots (tallies, turnout, outcome under the frozen rules, the ballots' digest)."""

from __future__ import annotations

import json
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from association.voting import rules
from association.voting.models import (
    Ballot,
    BallotKind,
    ElectorateMember,
    Initiative,
    VoteResult,
)


def allowed_choices(initiative: Initiative) -> tuple[str, ...]:
    """The choices this initiative's ballot may carry."""
    if initiative.ballot_kind != BallotKind.OPTIONS:
        return rules.YES_NO_CHOICES  # without loading the (empty) options
    return rules.ballot_choices(
        initiative.ballot_kind, [option.position for option in initiative.options]
    )


def electorate_ids(session: Session, initiative: Initiative) -> list[int]:
    """The parks taken as the electorate when voting opened."""
    return list(
        session.scalars(
            select(ElectorateMember.park_id).where(ElectorateMember.initiative_id == initiative.id)
        )
    )


def freeze_result(
    session: Session, initiative: Initiative, electorate: list[int], now: datetime
) -> tuple[VoteResult, rules.Decision]:
    """The result of the ballots cast, added to the session (not flushed): the caller closes the
    vote in the same transaction. A secret vote's digest is keyed, or the published receipts and
    totals would reveal its choices."""
    ballots = session.execute(
        select(Ballot.park_id, Ballot.choice, Ballot.receipt_code).where(
            Ballot.initiative_id == initiative.id
        )
    ).all()
    digest_key = secrets.token_hex(32) if initiative.secret else None
    tallies = rules.count(
        (choice for _park, choice, _receipt in ballots), allowed_choices(initiative)
    )
    decision = rules.decide(
        initiative.ballot_kind, tallies, len(electorate), initiative.quorum, initiative.majority
    )
    result = VoteResult(
        initiative_id=initiative.id,
        outcome=decision.outcome,
        reason=decision.reason,
        winner=decision.winner,
        tallies_json=json.dumps(tallies, separators=(",", ":")),
        ballots_cast=len(ballots),
        electorate_size=len(electorate),
        digest=rules.ballots_digest(
            ((park_id, choice, receipt) for park_id, choice, receipt in ballots), digest_key
        ),
        digest_key=digest_key,
        closed_at=now,
    )
    session.add(result)
    return result, decision
