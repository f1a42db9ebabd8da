"""A residency at its host: check-in, extension, check-out, cut short, the final report."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from association.database import utcnow
from association.domain import Conflict, Invalid, NotAllowed
from association.mail.models import OutboxMessage
from association.residency.applications import add_months
from association.residency.decisions import Decision, accept_offer, decide
from association.residency.models import Residency, ResidencyStatus
from association.residency.stays import (
    check_in,
    check_out,
    cut_short,
    extend_residency,
    submit_final_report,
)
from tests.factories import make_residency_application


def refusal(snapshot, error, act):
    before = snapshot(Residency)
    with pytest.raises(error):
        act()
    assert before.unchanged()


@pytest.fixture
def residency(session, call, hosts, founder, home_coordinator, host_coordinators):
    application = make_residency_application(
        session, founder, call, hosts[:1], endorse_by=home_coordinator
    )
    decide(session, host_coordinators[0], application.choices[0], Decision.ACCEPT)
    return accept_offer(session, founder, application.choices[0])


@pytest.fixture
def host(host_coordinators):
    return host_coordinators[0]


def test_check_in_by_the_host_tells_the_founder_and_both_parks(
    session, residency, host, home_coordinator, founder, snapshot
):
    refusal(snapshot, NotAllowed, lambda: check_in(session, home_coordinator, residency))
    check_in(session, host, residency)
    assert residency.status == ResidencyStatus.ACTIVE
    told = set(
        session.scalars(
            select(OutboxMessage.recipient).where(OutboxMessage.subject.like("%has begun%"))
        )
    )
    assert told == {founder.email, host.email, home_coordinator.email}
    refusal(snapshot, Conflict, lambda: check_in(session, host, residency))


def test_an_extension_ends_later_and_within_the_calls_longest_length(
    session, residency, host, snapshot
):
    refusal(
        snapshot,
        Conflict,
        lambda: extend_residency(session, host, residency, residency.ends_on + timedelta(days=5)),
    )
    check_in(session, host, residency)
    refusal(
        snapshot, Invalid, lambda: extend_residency(session, host, residency, residency.ends_on)
    )
    longest = add_months(residency.starts_on, 6)
    refusal(
        snapshot,
        Invalid,
        lambda: extend_residency(session, host, residency, longest + timedelta(days=1)),
    )
    extend_residency(session, host, residency, longest, "The pilot goes on.")
    assert residency.status == ResidencyStatus.EXTENDED
    assert residency.ends_on == longest


def test_check_out_completes_or_cuts_short_and_then_the_report_once(
    session, residency, host, founder, snapshot
):
    check_in(session, host, residency)
    refusal(snapshot, Conflict, lambda: submit_final_report(session, founder, residency, "Great."))
    with time_machine.travel(
        utcnow().replace(
            year=residency.ends_on.year, month=residency.ends_on.month, day=residency.ends_on.day
        )
        + timedelta(days=1),
        tick=False,
    ):
        refusal(
            snapshot,
            Invalid,
            lambda: check_out(session, host, residency, residency.starts_on - timedelta(days=1)),
        )
        refusal(
            snapshot,
            Invalid,
            lambda: check_out(session, host, residency, utcnow().date() + timedelta(days=1)),
        )
        check_out(session, host, residency, residency.ends_on)
    assert residency.status == ResidencyStatus.COMPLETED
    refusal(snapshot, Invalid, lambda: submit_final_report(session, founder, residency, " "))
    submit_final_report(session, founder, residency, "We found two clients.")
    assert residency.final_report == "We found two clients."
    refusal(snapshot, Conflict, lambda: submit_final_report(session, founder, residency, "Again."))


def test_leaving_before_the_planned_end_is_cut_short(session, residency, host):
    check_in(session, host, residency)
    with time_machine.travel(
        utcnow().replace(
            year=residency.starts_on.year,
            month=residency.starts_on.month,
            day=residency.starts_on.day,
        )
        + timedelta(days=10),
        tick=False,
    ):
        check_out(session, host, residency, residency.starts_on + timedelta(days=10))
    assert residency.status == ResidencyStatus.CUT_SHORT


def test_a_residency_that_never_starts_is_cut_short_with_a_reason(
    session, residency, host, snapshot
):
    refusal(snapshot, Invalid, lambda: cut_short(session, host, residency, ""))
    cut_short(session, host, residency, "The founders' visas were refused.")
    assert residency.status == ResidencyStatus.CUT_SHORT
    assert residency.checked_out_at is None
    refusal(snapshot, Conflict, lambda: check_in(session, host, residency))
