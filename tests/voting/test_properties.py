"""Property tests: for any ballots, the stored tallies equal a recount, and the digest sees any change."""

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from association.database import utcnow
from association.voting.ballots import cast_ballot
from association.voting.initiatives import create_initiative
from association.voting.rules import YES_NO_CHOICES, ballots_digest, count
from association.voting.votes import close_vote, open_vote
from tests.factories import EARLY

choices = st.sampled_from(YES_NO_CHOICES)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(votes=st.lists(st.one_of(st.none(), choices), min_size=1, max_size=8))
def test_stored_tallies_equal_a_recount(session, secretariat, make_park, make_user, votes):
    delegates = [make_user(park=make_park(), delegate=True) for _ in votes]
    initiative = create_initiative(session, secretariat, title="Property")
    open_vote(session, secretariat, initiative, closes_at=utcnow() + timedelta(days=1))
    for user, choice in zip(delegates, votes, strict=True):
        if choice is not None:
            cast_ballot(session, user, initiative, choice)
    result = close_vote(session, secretariat, initiative, reason=EARLY)
    assert result.tallies == count([c for c in votes if c is not None], YES_NO_CHOICES)
    assert result.ballots_cast == sum(c is not None for c in votes)
    assert result.digest == ballots_digest(
        (b.park_id, b.choice, b.receipt_code)
        for b in session.scalars(initiative_ballots(initiative))
    )


def initiative_ballots(initiative):
    from sqlalchemy import select

    from association.voting.models import Ballot

    return select(Ballot).where(Ballot.initiative_id == initiative.id)


receipts = st.text(alphabet="0123456789ABCDEFGHJKMNPQRSTVWXYZ", min_size=12, max_size=12)


@given(
    ballots=st.lists(
        st.tuples(st.integers(1, 10_000), choices, receipts),
        min_size=1,
        max_size=30,
        unique_by=lambda b: b[0],
    ),
    index=st.integers(min_value=0),
    new_choice=choices,
    data=st.data(),
    key=st.one_of(st.none(), st.binary(min_size=32, max_size=32).map(bytes.hex)),
)
def test_the_digest_changes_when_any_ballot_changes(ballots, index, new_choice, data, key):
    """Plain (roll-call) and keyed (secret) alike."""
    i = index % len(ballots)
    park, choice, receipt = ballots[i]
    changed = list(ballots)
    if new_choice != choice:
        changed[i] = (park, new_choice, receipt)
    else:
        changed[i] = (park, choice, data.draw(receipts.filter(lambda r: r != receipt)))
    assert ballots_digest(changed, key) != ballots_digest(ballots, key)
    assert ballots_digest(list(reversed(ballots)), key) == ballots_digest(ballots, key)
