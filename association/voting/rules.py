"""The outcome rules, as pure functions over counts: no database, no clock, no request.

Everything the result page and close_vote say about an outcome comes from here, so that
the table-driven tests in tests/voting/test_rules.py check the rules the association uses.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from association.voting.models import BallotKind, Majority, Outcome

FOR, AGAINST, ABSTAIN = "for", "against", "abstain"
YES_NO_CHOICES = (FOR, AGAINST, ABSTAIN)


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    reason: str  # quorum_not_met, majority_met, majority_not_met, tie, no_votes, against_present, most_votes
    winner: str | None = None  # the winning option of an option ballot


def ballot_choices(
    ballot_kind: BallotKind, option_positions: Sequence[int] = ()
) -> tuple[str, ...]:
    """The choices a ballot may carry: for/against/abstain, or an option's position (or abstain)."""
    if ballot_kind == BallotKind.OPTIONS:
        return tuple(str(position) for position in option_positions) + (ABSTAIN,)
    return YES_NO_CHOICES


def quorum_met(ballots_cast: int, electorate: int, quorum: Fraction) -> bool:
    """Ballots cast (abstentions included) / electorate >= quorum. An empty electorate never has one."""
    if electorate <= 0:
        return False
    return Fraction(ballots_cast, electorate) >= quorum


def majority_met(majority: Majority, votes_for: int, against: int, abstain: int) -> bool:
    """Whether For carries the question under the majority rule (quorum apart)."""
    cast = votes_for + against + abstain
    decisive = votes_for + against
    match Majority(majority):
        case Majority.SIMPLE:
            return votes_for > against
        case Majority.ABSOLUTE:
            return 2 * votes_for > cast
        case Majority.TWO_THIRDS:
            return decisive > 0 and 3 * votes_for >= 2 * decisive
        case Majority.THREE_QUARTERS:
            return decisive > 0 and 4 * votes_for >= 3 * decisive
        case Majority.CONSENSUS:
            return against == 0 and votes_for > 0
    raise ValueError(f"unknown majority rule {majority!r}")


def decide_yes_no(
    tallies: dict[str, int], electorate: int, quorum: Fraction, majority: Majority
) -> Decision:
    votes_for, against, abstain = (
        tallies.get(FOR, 0),
        tallies.get(AGAINST, 0),
        tallies.get(ABSTAIN, 0),
    )
    if not quorum_met(votes_for + against + abstain, electorate, quorum):
        return Decision(Outcome.NO_QUORUM, "quorum_not_met")
    if majority_met(majority, votes_for, against, abstain):
        return Decision(Outcome.PASSED, "majority_met")
    if votes_for + against == 0:
        return Decision(Outcome.REJECTED, "no_votes")
    if majority == Majority.CONSENSUS and against:
        return Decision(Outcome.REJECTED, "against_present")
    if votes_for == against:
        return Decision(Outcome.REJECTED, "tie")
    return Decision(Outcome.REJECTED, "majority_not_met")


def decide_options(tallies: dict[str, int], electorate: int, quorum: Fraction) -> Decision:
    """The most votes wins; a tie for first place decides nothing."""
    cast = sum(tallies.values())
    if not quorum_met(cast, electorate, quorum):
        return Decision(Outcome.NO_QUORUM, "quorum_not_met")
    counted = {choice: n for choice, n in tallies.items() if choice != ABSTAIN and n > 0}
    if not counted:
        return Decision(Outcome.REJECTED, "no_votes")
    top = max(counted.values())
    leaders = sorted(choice for choice, n in counted.items() if n == top)
    if len(leaders) > 1:
        return Decision(Outcome.REJECTED, "tie")
    return Decision(Outcome.PASSED, "most_votes", winner=leaders[0])


def decide(
    ballot_kind: BallotKind,
    tallies: dict[str, int],
    electorate: int,
    quorum: Fraction,
    majority: Majority,
) -> Decision:
    if ballot_kind == BallotKind.OPTIONS:
        return decide_options(tallies, electorate, quorum)
    return decide_yes_no(tallies, electorate, quorum, majority)


def count(choices: Iterable[str], allowed: Sequence[str]) -> dict[str, int]:
    """Tallies with every allowed choice present (zero where nobody chose it)."""
    tallies = dict.fromkeys(allowed, 0)
    for choice in choices:
        if choice not in tallies:
            raise ValueError(f"{choice!r} is not on the ballot")
        tallies[choice] += 1
    return tallies


def ballots_digest(ballots: Iterable[tuple[int, str, str]], key: str | None = None) -> str:
    """SHA-256 over the ballots (park id, choice, receipt), sorted by park: any changed ballot
    changes it.

    Of a roll-call vote everything hashed is published, so anyone can recompute it. Of a secret
    vote, a plain hash would give the choices away: with the parks, receipts and totals known,
    trying each combination of choices finds the one that matches. So it is keyed (HMAC-SHA-256)
    with a random key kept with the result: it still seals the ballots, and whoever holds the
    key (the secretariat, an auditor) can check it.
    """
    text = "".join(
        f"{park_id}\t{choice}\t{receipt}\n" for park_id, choice, receipt in sorted(ballots)
    ).encode()
    if key is None:
        return hashlib.sha256(text).hexdigest()
    return hmac.new(bytes.fromhex(key), text, hashlib.sha256).hexdigest()
