"""The demo's Digital Nomad programme: every step of it is shown, seeding again changes
nothing, and what happened in 2025 and 2026 is recorded as happening then."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from association.audit.log import verify_chain
from association.audit.models import AuditEvent
from association.auth.service import find_user_by_email
from association.demo import seed_demo
from association.extensions import Model
from association.history import happened_at
from association.residency.demo import residency_logins
from association.residency.demo_data import AUTUMN_2025_TITLE, CURRENT_TITLE, SPRING_2026_TITLE
from association.residency.models import (
    ApplicationStatus,
    CallStatus,
    ChoiceStatus,
    Residency,
    ResidencyApplication,
    ResidencyCall,
    ResidencyStatus,
    Startup,
)


@pytest.fixture
def logins(session):
    printed = seed_demo(session)
    session.commit()
    return printed


def _call(session, title: str) -> ResidencyCall:
    return session.scalars(select(ResidencyCall).where(ResidencyCall.title == title)).one()


def _applications(session, call: ResidencyCall) -> list[ResidencyApplication]:
    return list(
        session.scalars(select(ResidencyApplication).where(ResidencyApplication.call_id == call.id))
    )


def test_the_open_call_shows_a_startup_at_every_step_and_prints_two_of_its_logins(session, logins):
    call = _call(session, CURRENT_TITLE)
    assert call.status == CallStatus.OPEN
    assert len(call.offers) == 4
    for offer in call.offers:
        assert 2 <= offer.places <= 4
        assert offer.workspace
        assert offer.visa_support_letter
        assert offer.tax_regime
        assert offer.sectors
        assert offer.description
        assert offer.conditions
        assert offer.contact_email
        assert "ru" in {t.language for t in offer.translations}
        assert len(offer.translations) == 2  # Russian and the host's language
    applications = _applications(session, call)
    statuses = Counter(application.status for application in applications)
    assert statuses[ApplicationStatus.DRAFT] >= 1
    assert statuses[ApplicationStatus.AWAITING_ENDORSEMENT] >= 1
    assert statuses[ApplicationStatus.PLACED] >= 1
    choices = [choice for application in applications for choice in application.choices]
    held = Counter(choice.status for choice in choices)
    for status in (
        ChoiceStatus.UNDER_REVIEW,
        ChoiceStatus.OFFERED,
        ChoiceStatus.WAITLISTED,
        ChoiceStatus.REJECTED,
        ChoiceStatus.TAKEN,
    ):
        assert held[status] >= 1, status
    assert all(c.decision_reason for c in choices if c.status == ChoiceStatus.REJECTED)
    questions = [q for choice in choices for q in choice.questions]
    assert any(q.answered_at is None for q in questions)
    assert any(q.answered_at is not None and q.answer for q in questions)
    upcoming = session.scalars(
        select(Residency).where(Residency.status == ResidencyStatus.UPCOMING)
    ).all()
    assert upcoming
    assert all(r.choice.application.call_id == call.id for r in upcoming)
    # The printed logins: a founder whose offer waits for an answer, and a host's coordinator.
    added = residency_logins()
    assert all(login in logins for login in added)
    founder, coordinator = (find_user_by_email(session, email) for email, _who in added)
    offered = [a for a in applications if a.startup_id == founder.startup_id][0]
    assert ChoiceStatus.OFFERED in {choice.status for choice in offered.choices}
    assert coordinator.is_programme_coordinator


def test_earlier_calls_are_closed_with_residencies_under_way_and_completed(session, logins):
    for title in (AUTUMN_2025_TITLE, SPRING_2026_TITLE):
        assert _call(session, title).status == CallStatus.CLOSED
    residencies = session.scalars(select(Residency)).all()
    statuses = Counter(residency.status for residency in residencies)
    assert statuses[ResidencyStatus.ACTIVE] + statuses[ResidencyStatus.EXTENDED] >= 2
    assert statuses[ResidencyStatus.EXTENDED] >= 1
    completed = [r for r in residencies if r.status == ResidencyStatus.COMPLETED]
    assert all(r.final_report and r.reported_at for r in completed)
    past = [r for r in residencies if r.starts_on.year in (2025, 2026)]
    assert 15 <= len(past) <= 25
    assert len({(r.home_park.country, r.host_park.country) for r in past}) >= 5
    assert {r.starts_on.year for r in past} == {2025, 2026}
    listed = session.scalars(select(Startup).where(Startup.listed_publicly)).all()
    assert listed
    in_residency = {r.startup_id for r in residencies if r.status in ("active", "extended")}
    assert {startup.id for startup in listed} <= in_residency


def test_what_happened_in_2025_is_recorded_as_happening_then(session, logins):
    call = _call(session, AUTUMN_2025_TITLE)
    assert call.created_at.year == call.opened_at.year == call.closed_at.year == 2025
    for application in _applications(session, call):
        assert application.submitted_at.year == application.endorsed_at.year == 2025
        assert all(
            choice.decided_at.year == 2025 for choice in application.choices if choice.decided_at
        )
    residencies = session.scalars(
        select(Residency).where(Residency.number.like("AMT-DN-2025-%"))
    ).all()
    assert residencies
    assert all(r.checked_in_at.year == 2025 for r in residencies)
    events = session.scalars(
        select(AuditEvent).where(
            AuditEvent.action.in_(("residency.checked_in", "residency.offer_accepted"))
        )
    ).all()
    years = Counter(happened_at(event).year for event in events)
    assert years[2025] >= 14  # seven check-ins and seven acceptances stated as in 2025


def test_seeding_again_adds_no_row_and_no_audit_event_and_the_chain_holds(session, logins):
    def counts():
        return {
            table.name: session.scalar(select(func.count()).select_from(table))
            for table in Model.metadata.sorted_tables
        }

    before = counts()
    seed_demo(session)
    session.commit()
    assert counts() == before
    report = verify_chain(session)
    assert report.intact, report
    assert report.events_checked == before["audit_events"]
