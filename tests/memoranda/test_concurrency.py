"""Issuing and signing at the same moment from several threads (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from association.audit.log import verify_chain
from association.domain import Conflict
from association.extensions import db
from association.memoranda import circulation, issuing, signing
from association.memoranda.models import Memorandum, Signature
from association.parks.models import User
from tests.factories import PASSWORD
from tests.memoranda.conftest import sign_as


def _run_together(app, function, arguments):
    """Call function(argument) in one thread each, released at the same moment."""
    barrier = threading.Barrier(len(arguments))

    def run(argument):
        with app.app_context():
            try:
                barrier.wait()
                return function(argument)
            except Conflict as refused:
                return refused
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=len(arguments)) as pool:
        return list(pool.map(run, arguments))


def test_two_issues_at_once_get_different_numbers(
    app, session, secretariat, make_memorandum, astana, sabah, astana_signatory, sabah_signatory
):
    ids = []
    for n in range(4):
        memorandum = make_memorandum(astana, sabah, title=f"Memorandum {n}")
        circulation.circulate(session, secretariat, memorandum)
        sign_as(session, astana_signatory, memorandum)
        sign_as(session, sabah_signatory, memorandum)
        ids.append(memorandum.id)
    secretariat_id = secretariat.id

    def issue(memorandum_id):
        actor = db.session.get(User, secretariat_id)
        issued = issuing.issue_memorandum(
            db.session, actor, db.session.get(Memorandum, memorandum_id), render=False
        )
        return issued.registry_number

    numbers = _run_together(app, issue, ids)
    session.expire_all()
    year = session.get(Memorandum, ids[0]).registry_year
    assert sorted(numbers) == [f"AMT/MOU/{year}/{n:04d}" for n in range(1, 5)]
    assert verify_chain(session).intact


def test_two_signatories_of_one_party_signing_at_once_give_one_signature(
    app, session, circulating, astana_signatory, astana_second_signatory
):
    memorandum_id = circulating.id
    party_id = circulating.parties[0].id
    circulation_id = circulating.current_circulation.id

    def sign(user_id):
        user = db.session.get(User, user_id)
        memorandum = db.session.get(Memorandum, memorandum_id)
        return signing.sign(
            db.session,
            user,
            memorandum,
            party_id=party_id,
            circulation_id=circulation_id,
            full_name=user.full_name,
            title="Signatory",
            consent=True,
            password=PASSWORD,
        ).id

    results = _run_together(app, sign, [astana_signatory.id, astana_second_signatory.id] * 2)
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(refused) == 3
    assert all("already signed" in r.message for r in refused)
    assert session.scalar(select(func.count()).select_from(Signature)) == 1
    assert verify_chain(session).intact
