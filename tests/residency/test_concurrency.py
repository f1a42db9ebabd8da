"""Places are a hard limit: 50 coordinators accepting at once on an offer of 3 places give
exactly 3 offers; the others get a Conflict (409), on SQLite and PostgreSQL alike."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from association.audit.log import verify_chain
from association.domain import Conflict
from association.extensions import db
from association.parks.models import User
from association.residency.decisions import Decision, accept_offer, decide
from association.residency.models import ChoiceStatus, HostChoice
from tests.factories import make_call, make_coordinator, make_residency_application, make_startup


def test_fifty_concurrent_accepts_on_three_places_make_exactly_three_offers(
    app, session, secretariat, home, hosts, home_coordinator
):
    host = hosts[0]
    call = make_call(session, secretariat, [host], places=3)
    deciders = [make_coordinator(session, secretariat, host) for _ in range(50)]
    choices = []
    for _ in range(50):
        _startup, founder = make_startup(session, home)
        application = make_residency_application(
            session, founder, call, [host], endorse_by=home_coordinator
        )
        choices.append(application.choices[0].id)
    pairs = [(decider.id, choice) for decider, choice in zip(deciders, choices, strict=True)]
    session.remove()

    def accept(pair: tuple[int, int]) -> str:
        user_id, choice_id = pair
        with app.app_context():
            try:
                decide(
                    db.session,
                    db.session.get(User, user_id),
                    db.session.get(HostChoice, choice_id),
                    Decision.ACCEPT,
                )
                return "offered"
            except Conflict:
                return "conflict"
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = list(pool.map(accept, pairs))
    assert outcomes.count("offered") == 3
    assert outcomes.count("conflict") == 47
    offered = session.scalar(
        select(func.count())
        .select_from(HostChoice)
        .where(HostChoice.status == ChoiceStatus.OFFERED)
    )
    assert offered == 3
    assert verify_chain(session).intact


def test_concurrent_acceptances_get_distinct_numbers_within_the_year(
    app, session, secretariat, home, hosts, home_coordinator, host_coordinators
):
    host = hosts[0]
    call = make_call(session, secretariat, [host], places=12)
    pairs = []
    for _ in range(12):
        _startup, founder = make_startup(session, home)
        application = make_residency_application(
            session, founder, call, [host], endorse_by=home_coordinator
        )
        decide(session, host_coordinators[0], application.choices[0], Decision.ACCEPT)
        pairs.append((founder.id, application.choices[0].id))
    year = call.earliest_start.year
    session.remove()

    def take(pair: tuple[int, int]) -> str:
        user_id, choice_id = pair
        with app.app_context():
            try:
                residency = accept_offer(
                    db.session, db.session.get(User, user_id), db.session.get(HostChoice, choice_id)
                )
                return residency.number
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(take, pairs))
    assert sorted(numbers) == [f"AMT-DN-{year}-{n:04d}" for n in range(1, 13)]
