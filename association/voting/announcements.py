"""What the parks' platforms are told of votes (webhooks): opening, the reminder to a park that
has not voted, and the frozen result. Each payload carries what a park's member reads on the
initiative's page, never more: a secret vote's result is its totals and its receipt codes, in
the order of the codes, so that no park's choice can be read from it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from association.site import site_url
from association.voting.models import BallotKind, Initiative, VoteResult
from association.voting.queries import result_ballots
from association.webhooks.service import announce, iso, only_parks


def initiative_data(initiative: Initiative) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": initiative.id,
        "title": initiative.title,
        "titles": initiative.texts("title"),
        "kind": str(initiative.kind),
        "status": str(initiative.status),
        "url": site_url(f"/initiatives/{initiative.id}"),
        "opens_at": iso(initiative.opens_at),
        "closes_at": iso(initiative.closes_at),
        "ballot_kind": str(initiative.ballot_kind),
        "secret": initiative.secret,
        "quorum": f"{initiative.quorum_numerator}/{initiative.quorum_denominator}",
        "majority": str(initiative.majority),
        "changes_allowed": initiative.changes_allowed,
    }
    if initiative.ballot_kind == BallotKind.OPTIONS:
        data["options"] = [
            {"choice": str(option.position), "label": option.label} for option in initiative.options
        ]
    return data


def announce_opened(session: Session, initiative: Initiative) -> None:
    announce(session, "initiative.opened", initiative_data(initiative))


def announce_reminder(session: Session, initiative: Initiative, park_ids: Iterable[int]) -> None:
    """To each park that has not voted (and the secretariat): that voting closes within a day."""
    announce(
        session,
        "ballot.reminder",
        initiative_data(initiative),
        audience=only_parks(park_ids),
    )


def announce_closed(session: Session, initiative: Initiative, result: VoteResult) -> None:
    """The frozen result as the page shows it once closed: the outcome and the totals; then each
    park's choice for a roll-call, only the receipt codes for a secret vote."""
    ballots = result_ballots(session, initiative)
    data = initiative_data(initiative)
    data["result"] = {
        "outcome": str(result.outcome),
        "reason": result.reason,
        "winner": result.winner,
        "tallies": result.tallies,
        "ballots_cast": result.ballots_cast,
        "electorate_size": result.electorate_size,
        "closed_at": iso(result.closed_at),
        "digest": result.digest if result.digest_published else None,
    }
    if initiative.secret:
        data["receipts"] = sorted(ballot.receipt_code for ballot in ballots)
    else:
        data["ballots"] = [
            {
                "park": ballot.name_latin,
                "membership_number": ballot.membership_number,
                "choice": ballot.choice,
                "receipt": ballot.receipt_code,
            }
            for ballot in ballots
        ]
    announce(session, "initiative.closed", data)
