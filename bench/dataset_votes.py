"""The data set's votes: the open ones through the application (the load's and the race
checks'), and the past in bulk (closed votes with their results, some with their ballots;
drafts, cancelled, scheduled).
"""

from __future__ import annotations

import random
from datetime import timedelta

from bench.bulk_insert import bulk_insert
from bench.dataset_sizes import INITIATIVES, OPEN_VOTES, PARKS


def open_votes(session, now) -> list[int]:
    """Open votes through the application: their electorate is every member park."""
    from association.voting.initiatives import create_initiative
    from association.voting.votes import open_vote

    closes = now + timedelta(days=7)
    opened = []
    for n in range(OPEN_VOTES + 2):
        initiative = create_initiative(
            session,
            None,
            title=f"Open question {n + 1}",
            summary="Whether the association should do this.",
            body_markdown="## Proposal\n\nThe secretariat proposes **this**.\n" * 5,
            changes_allowed=n < OPEN_VOTES,
        )
        open_vote(session, None, initiative, closes_at=closes + timedelta(hours=n))
        opened.append(initiative.id)
    return opened


def _past_initiative(n: int, now) -> dict:
    """The nth initiative of the past: closed, cancelled, a draft or scheduled."""
    from association.voting.models import InitiativeKind, InitiativeStatus

    kind = (InitiativeKind.GENERAL, InitiativeKind.BUDGET, InitiativeKind.PROGRAMME)[n % 3]
    row = {
        "title": f"Past question {n + 1}",
        "summary": "A question of the association's past.",
        "body_markdown": "The secretariat proposed this.\n" * 10,
        "kind": kind,
        "created_at": now - timedelta(days=3000 - n // 2),
        "updated_at": now - timedelta(days=3000 - n // 2),
        "quorum_numerator": 1,
        "quorum_denominator": 2,
    }
    if n < 4_500:
        closed_at = now - timedelta(days=3000 - n // 2 - 7)
        row.update(
            status=InitiativeStatus.CLOSED,
            opens_at=closed_at - timedelta(days=7),
            opened_at=closed_at - timedelta(days=7),
            closes_at=closed_at,
            closed_at=closed_at,
        )
    elif n < 4_800:
        row.update(status=InitiativeStatus.CANCELLED)
    elif n < 4_900:
        row.update(status=InitiativeStatus.DRAFT)
    else:
        row.update(
            status=InitiativeStatus.SCHEDULED,
            opens_at=now + timedelta(days=30 + n % 30),
            closes_at=now + timedelta(days=40 + n % 30),
        )
    return row


def bulk_past_initiatives(
    session, parks: list, now, chance: random.Random, opened: int
) -> tuple[int, int]:
    """The past: closed votes with their result, some with their ballots; drafts, cancelled,
    scheduled. Returns how many initiatives and ballots were inserted."""
    from association.voting.models import (
        Ballot,
        ElectorateMember,
        Initiative,
        Outcome,
        VoteResult,
    )

    rows = [_past_initiative(n, now) for n in range(INITIATIVES - opened)]
    ids = bulk_insert(session, Initiative, rows)
    closed = ids[:4_500]
    results, electorate, ballots = [], [], []
    for index, initiative_id in enumerate(closed):
        cast = chance.randint(PARKS // 2, PARKS)
        yes = chance.randint(0, cast)
        results.append(
            {
                "initiative_id": initiative_id,
                "outcome": Outcome.PASSED if yes * 2 > cast else Outcome.REJECTED,
                "reason": "majority_met" if yes * 2 > cast else "majority_not_met",
                "tallies_json": f'{{"for": {yes}, "against": {cast - yes}, "abstain": 0}}',
                "ballots_cast": cast,
                "electorate_size": PARKS,
                "digest": "0" * 64,
                "closed_at": rows[index]["closed_at"],
            }
        )
        if index >= len(closed) - 100:  # the latest hundred keep their electorate and ballots
            for p, park in enumerate(parks):
                electorate.append({"initiative_id": initiative_id, "park_id": park.id})
                if p < cast:
                    ballots.append(
                        {
                            "initiative_id": initiative_id,
                            "park_id": park.id,
                            "choice": "for" if p < yes else "against",
                            "cast_by_user_id": None,
                            "receipt_code": f"R{initiative_id}-{park.id}",
                            "cast_at": rows[index]["closed_at"],
                            "updated_at": rows[index]["closed_at"],
                            "changes": 0,
                        }
                    )
    bulk_insert(session, VoteResult, results)
    bulk_insert(session, ElectorateMember, electorate)
    bulk_insert(session, Ballot, ballots)
    session.commit()
    return len(rows), len(ballots)
