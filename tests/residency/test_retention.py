"""Founders' personal data is deleted two years after the residency ends, its count kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from association.audit.models import AuditEvent
from association.residency.calls import close_call
from association.residency.decisions import Decision, accept_offer, decide
from association.residency.models import Founder, Residency, ResidencyCall
from association.residency.retention import remove_expired_founders
from tests.factories import make_call, make_residency_application, make_startup


def founders_of(session, application) -> int:
    return session.scalar(
        select(func.count()).select_from(Founder).where(Founder.application_id == application.id)
    )


def test_founders_go_two_years_after_the_residency_ended_and_once(
    session, runner, call, hosts, founder, home, home_coordinator, host_coordinators
):
    placed = make_residency_application(
        session, founder, call, hosts[:1], endorse_by=home_coordinator
    )
    decide(session, host_coordinators[0], placed.choices[0], Decision.ACCEPT)
    residency = accept_offer(session, founder, placed.choices[0])
    _other, second = make_startup(session, home)
    unplaced = make_residency_application(session, second, call, hosts[:1])
    today = datetime.now(UTC).date()
    # The residency ended two years and a day ago; the call is still open.
    session.execute(
        update(Residency)
        .where(Residency.id == residency.id)
        .values(ends_on=today - timedelta(days=2 * 365 + 2))
    )
    session.commit()
    removed = remove_expired_founders(session, None)
    assert [(r.application_id, r.founders) for r in removed] == [(placed.id, 1)]
    assert founders_of(session, placed) == 0
    assert placed.founders_removed == 1
    assert founders_of(session, unplaced) == 1
    assert remove_expired_founders(session, None) == []
    # Without a residency: two years after its call closed.
    close_call(session, None, call)
    assert remove_expired_founders(session, None) == []
    session.execute(
        update(ResidencyCall)
        .where(ResidencyCall.id == call.id)
        .values(closed_at=datetime.now(UTC) - timedelta(days=2 * 365 + 2))
    )
    session.commit()
    result = runner.invoke(args=["residency-retention"])
    assert result.exit_code == 0, result.output
    assert f"Application {unplaced.id}: 1 founders" in result.output
    assert founders_of(session, unplaced) == 0
    assert (
        session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "residency.founders_removed")
        )
        == 2
    )


def test_a_recent_residency_keeps_its_founders(
    session, secretariat, hosts, founder, home_coordinator, host_coordinators
):
    call = make_call(session, secretariat, hosts[:1])
    application = make_residency_application(
        session, founder, call, hosts[:1], endorse_by=home_coordinator
    )
    decide(session, host_coordinators[0], application.choices[0], Decision.ACCEPT)
    accept_offer(session, founder, application.choices[0])
    assert remove_expired_founders(session, None) == []
    assert founders_of(session, application) == 1


def test_the_remind_command_runs(runner):
    result = runner.invoke(args=["residency-remind"])
    assert result.exit_code == 0, result.output
    assert "0 startups reminded" in result.output
