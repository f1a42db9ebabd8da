"""The outcome rules, table-driven: each majority against the edge cases."""

from fractions import Fraction

import pytest

from association.voting.models import Majority, Outcome
from association.voting.rules import (
    ballots_digest,
    count,
    decide_options,
    decide_yes_no,
    quorum_met,
)

HALF = Fraction(1, 2)
S, A, T, Q, C = (
    Majority.SIMPLE,
    Majority.ABSOLUTE,
    Majority.TWO_THIRDS,
    Majority.THREE_QUARTERS,
    Majority.CONSENSUS,
)
P, R, N = Outcome.PASSED, Outcome.REJECTED, Outcome.NO_QUORUM

# (case, majority, for, against, abstain, electorate, quorum, outcome, reason)
YES_NO_CASES = [
    ("simple: more for", S, 3, 2, 0, 6, HALF, P, "majority_met"),
    ("simple: tie", S, 2, 2, 0, 6, HALF, R, "tie"),
    ("simple: all abstain", S, 0, 0, 4, 6, HALF, R, "no_votes"),
    ("simple: abstentions do not count against", S, 1, 0, 5, 6, HALF, P, "majority_met"),
    ("quorum exactly met (3 of 6)", S, 2, 1, 0, 6, HALF, P, "majority_met"),
    ("quorum one short (2 of 6)", S, 2, 0, 0, 6, HALF, N, "quorum_not_met"),
    ("quorum met by abstentions", S, 1, 0, 2, 6, HALF, P, "majority_met"),
    ("quorum of an odd electorate: 3 of 7 is short", S, 3, 0, 0, 7, HALF, N, "quorum_not_met"),
    ("quorum of an odd electorate: 4 of 7 meets it", S, 3, 1, 0, 7, HALF, P, "majority_met"),
    ("two-thirds quorum exactly met (4 of 6)", S, 4, 0, 0, 6, Fraction(2, 3), P, "majority_met"),
    ("two-thirds quorum one short (3 of 6)", S, 3, 0, 0, 6, Fraction(2, 3), N, "quorum_not_met"),
    ("no quorum rule: one ballot decides", S, 1, 0, 0, 6, Fraction(0), P, "majority_met"),
    ("empty electorate never has a quorum", S, 0, 0, 0, 0, Fraction(0), N, "quorum_not_met"),
    ("absolute: more than half of ballots cast", A, 3, 1, 1, 6, HALF, P, "majority_met"),
    ("absolute: exactly half is not enough", A, 2, 0, 2, 6, HALF, R, "majority_not_met"),
    ("absolute: abstentions count in the base", A, 2, 1, 2, 6, HALF, R, "majority_not_met"),
    ("absolute: tie", A, 2, 2, 0, 6, HALF, R, "tie"),
    ("absolute: all abstain", A, 0, 0, 4, 6, HALF, R, "no_votes"),
    ("absolute: quorum exactly met (3 of 6)", A, 2, 1, 0, 6, HALF, P, "majority_met"),
    ("absolute: quorum one short (2 of 6)", A, 2, 0, 0, 6, HALF, N, "quorum_not_met"),
    ("two-thirds: exactly two-thirds passes", T, 4, 2, 0, 6, HALF, P, "majority_met"),
    ("two-thirds: one short", T, 3, 2, 0, 6, HALF, R, "majority_not_met"),
    ("two-thirds: abstentions ignored", T, 2, 1, 3, 6, HALF, P, "majority_met"),
    ("two-thirds: all abstain", T, 0, 0, 6, 6, HALF, R, "no_votes"),
    ("two-thirds: tie", T, 2, 2, 0, 6, HALF, R, "tie"),
    ("two-thirds: quorum exactly met (3 of 6)", T, 2, 1, 0, 6, HALF, P, "majority_met"),
    ("two-thirds: quorum one short (2 of 6)", T, 2, 0, 0, 6, HALF, N, "quorum_not_met"),
    ("three-quarters: exactly three-quarters passes", Q, 3, 1, 0, 6, HALF, P, "majority_met"),
    ("three-quarters: one short", Q, 2, 1, 0, 6, HALF, R, "majority_not_met"),
    ("three-quarters: all abstain", Q, 0, 0, 5, 6, HALF, R, "no_votes"),
    ("three-quarters: tie", Q, 2, 2, 0, 6, HALF, R, "tie"),
    ("three-quarters: quorum exactly met (3 of 6)", Q, 3, 0, 0, 6, HALF, P, "majority_met"),
    ("three-quarters: quorum one short (2 of 6)", Q, 2, 0, 0, 6, HALF, N, "quorum_not_met"),
    ("consensus: no against passes", C, 4, 0, 2, 6, HALF, P, "majority_met"),
    ("consensus: one against fails", C, 5, 1, 0, 6, HALF, R, "against_present"),
    ("consensus: all abstain fails", C, 0, 0, 6, 6, HALF, R, "no_votes"),
    ("consensus: a tie has an against", C, 2, 2, 0, 6, HALF, R, "against_present"),
    ("consensus: quorum exactly met (3 of 6)", C, 2, 0, 1, 6, HALF, P, "majority_met"),
    ("consensus: quorum not met", C, 2, 0, 0, 6, HALF, N, "quorum_not_met"),
]


@pytest.mark.parametrize(
    ("case", "majority", "for_", "against", "abstain", "electorate", "quorum", "outcome", "reason"),
    YES_NO_CASES,
    ids=[case[0] for case in YES_NO_CASES],
)
def test_yes_no_outcome(
    case, majority, for_, against, abstain, electorate, quorum, outcome, reason
):
    decision = decide_yes_no(
        {"for": for_, "against": against, "abstain": abstain}, electorate, quorum, majority
    )
    assert (decision.outcome, decision.reason) == (outcome, reason)


# (case, tallies, electorate, outcome, reason, winner)
OPTION_CASES = [
    ("most votes wins", {"1": 3, "2": 2, "3": 1, "abstain": 0}, 6, P, "most_votes", "1"),
    ("a tie for first decides nothing", {"1": 2, "2": 2, "3": 1, "abstain": 0}, 6, R, "tie", None),
    (
        "a tie below first does not matter",
        {"1": 3, "2": 1, "3": 1, "abstain": 0},
        6,
        P,
        "most_votes",
        "1",
    ),
    ("all abstain", {"1": 0, "2": 0, "abstain": 4}, 6, R, "no_votes", None),
    ("abstentions count for quorum only", {"1": 1, "2": 0, "abstain": 2}, 6, P, "most_votes", "1"),
    ("quorum one short", {"1": 2, "2": 0, "abstain": 0}, 6, N, "quorum_not_met", None),
    ("quorum exactly met (3 of 6)", {"1": 2, "2": 1, "abstain": 0}, 6, P, "most_votes", "1"),
    ("a tie with the quorum exactly met", {"1": 1, "2": 1, "abstain": 1}, 6, R, "tie", None),
]


@pytest.mark.parametrize(
    ("case", "tallies", "electorate", "outcome", "reason", "winner"),
    OPTION_CASES,
    ids=[case[0] for case in OPTION_CASES],
)
def test_option_outcome(case, tallies, electorate, outcome, reason, winner):
    decision = decide_options(tallies, electorate, HALF)
    assert (decision.outcome, decision.reason, decision.winner) == (outcome, reason, winner)


def test_quorum_counts_ballots_cast_against_the_electorate():
    assert quorum_met(3, 6, HALF)
    assert not quorum_met(2, 6, HALF)
    assert not quorum_met(0, 0, Fraction(0))


def test_count_refuses_a_choice_not_on_the_ballot():
    assert count(["for", "for", "abstain"], ("for", "against", "abstain")) == {
        "for": 2,
        "against": 0,
        "abstain": 1,
    }
    with pytest.raises(ValueError, match="not on the ballot"):
        count(["maybe"], ("for", "against", "abstain"))


def test_digest_ignores_order_and_sees_every_change():
    ballots = [(1, "for", "AAAA-BBBB-CCCC"), (2, "against", "DDDD-EEEE-FFFF")]
    assert ballots_digest(ballots) == ballots_digest(list(reversed(ballots)))
    assert ballots_digest(ballots) != ballots_digest([(1, "against", "AAAA-BBBB-CCCC"), ballots[1]])


def test_a_keyed_digest_is_an_hmac_that_only_its_key_reproduces():
    ballots = [(1, "for", "AAAA-BBBB-CCCC"), (2, "against", "DDDD-EEEE-FFFF")]
    key, other_key = "ab" * 32, "cd" * 32
    assert ballots_digest(ballots, key) == ballots_digest(list(reversed(ballots)), key)
    assert (
        len(
            {
                ballots_digest(ballots),
                ballots_digest(ballots, key),
                ballots_digest(ballots, other_key),
            }
        )
        == 3
    )
    assert ballots_digest(ballots, key) != ballots_digest(
        [(1, "against", "AAAA-BBBB-CCCC"), ballots[1]], key
    )
