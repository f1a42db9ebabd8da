"""50 ballots for the same park at the same moment: exactly one ballot, never a 500.

Runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""

from concurrent.futures import ThreadPoolExecutor

from association.audit.log import verify_chain
from association.domain import DomainError
from association.extensions import db
from association.parks.models import User
from association.voting.ballots import cast_ballot
from association.voting.models import Initiative
from tests.factories import login
from tests.voting.conftest import ballot_count

THREADS = 50


def _cast_in_threads(app, user_id, initiative_id, choices):
    def cast(choice):
        with app.app_context():
            try:
                cast_ballot(
                    db.session,
                    db.session.get(User, user_id),
                    db.session.get(Initiative, initiative_id),
                    choice,
                )
                return "ok"
            except DomainError as refused:
                return refused.status
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(cast, choices))


def test_fifty_concurrent_casts_for_one_park_leave_one_ballot(
    app, session, delegate, open_initiative
):
    outcomes = _cast_in_threads(
        app,
        delegate.id,
        open_initiative.id,
        [("for", "against", "abstain")[n % 3] for n in range(THREADS)],
    )
    assert outcomes == ["ok"] * THREADS
    assert ballot_count(session) == 1
    assert verify_chain(session).intact


def test_fifty_concurrent_casts_without_changes_record_one_and_refuse_the_rest(
    app, session, delegate, make_open_vote
):
    initiative = make_open_vote(changes_allowed=False)
    outcomes = _cast_in_threads(
        app, delegate.id, initiative.id, ["for"] * (THREADS // 2) + ["against"] * (THREADS // 2)
    )
    assert outcomes.count("ok") >= 1
    assert set(outcomes) <= {"ok", 409}
    assert ballot_count(session) == 1


def test_fifty_concurrent_http_votes_for_one_park_never_fail(
    app, session, delegate, make_open_vote
):
    initiative = make_open_vote(changes_allowed=False)
    first = app.test_client()
    login(first, delegate)
    cookie = first.get_cookie("session")
    url = f"/initiatives/{initiative.id}/vote"

    def vote(n):
        client = app.test_client()
        client.set_cookie("session", cookie.value)
        return client.post(url, data={"choice": ("for", "against")[n % 2]}).status_code

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        statuses = list(pool.map(vote, range(THREADS)))
    assert 500 not in statuses
    assert statuses.count(303) == 1
    assert statuses.count(409) == THREADS - 1
    assert ballot_count(session) == 1
