"""Host decisions within hard places, questions, and the startup's answer to an offer."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from association.database import utcnow
from association.domain import Conflict, Invalid, NotAllowed
from association.mail.models import OutboxMessage
from association.residency import applications
from association.residency.decisions import (
    Decision,
    accept_offer,
    answer_question,
    ask_question,
    decide,
    decline_offer,
    first_waitlisted,
    offer_freed_place,
    remind_expiring_offers,
)
from association.residency.models import (
    ApplicationStatus,
    ChoiceStatus,
    HostChoice,
    Residency,
    ResidencyApplication,
    ResidencyQuestion,
    ResidencyStatus,
)
from tests.factories import make_call, make_residency_application, make_startup

TABLES = (ResidencyApplication, HostChoice, Residency, ResidencyQuestion)


def refusal(snapshot, error, act):
    before = snapshot(*TABLES)
    with pytest.raises(error):
        act()
    assert before.unchanged()


@pytest.fixture
def endorsed(session, call, hosts, founder, home_coordinator):
    return make_residency_application(session, founder, call, hosts, endorse_by=home_coordinator)


def test_accepting_offers_a_place_and_withdraws_the_lower_preferences(
    app, session, endorsed, host_coordinators, founder
):
    second = endorsed.choices[1]
    decide(session, host_coordinators[1], second, Decision.ACCEPT)
    assert second.status == ChoiceStatus.OFFERED
    assert second.offer_expires_on == utcnow().date() + timedelta(days=14)
    assert [c.status for c in endorsed.choices] == [
        ChoiceStatus.UNDER_REVIEW,
        ChoiceStatus.OFFERED,
        ChoiceStatus.WITHDRAWN,
    ]
    assert session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.recipient == founder.email, OutboxMessage.subject.like("%decided%")
        )
    )


def test_a_host_that_is_not_applied_to_or_another_park_cannot_decide(
    session, endorsed, home_coordinator, founder, snapshot
):
    for other in (home_coordinator, founder):
        refusal(
            snapshot,
            NotAllowed,
            lambda other=other: decide(session, other, endorsed.choices[0], Decision.ACCEPT),
        )


def test_a_rejection_needs_a_reason(session, endorsed, host_coordinators, snapshot):
    refusal(
        snapshot,
        Invalid,
        lambda: decide(session, host_coordinators[0], endorsed.choices[0], Decision.REJECT),
    )


def test_a_host_decides_once(session, endorsed, host_coordinators, snapshot):
    decide(session, host_coordinators[0], endorsed.choices[0], Decision.WAITLIST)
    refusal(
        snapshot,
        Conflict,
        lambda: decide(session, host_coordinators[0], endorsed.choices[0], Decision.ACCEPT),
    )
    decide(session, host_coordinators[0], endorsed.choices[0], Decision.REJECT, "Full.")


def test_hosts_do_not_decide_before_endorsement(
    session, call, hosts, founder, host_coordinators, snapshot
):
    application = make_residency_application(session, founder, call, hosts[:1])
    refusal(
        snapshot,
        Conflict,
        lambda: decide(session, host_coordinators[0], application.choices[0], Decision.ACCEPT),
    )


def test_acceptance_beyond_the_places_is_a_conflict(
    session, secretariat, hosts, home, home_coordinator, host_coordinators, snapshot
):
    call = make_call(session, secretariat, hosts[:1], places=1)
    chosen = []
    for _ in range(2):
        _startup, founder = make_startup(session, home)
        application = make_residency_application(
            session, founder, call, hosts[:1], endorse_by=home_coordinator
        )
        chosen.append(application.choices[0])
    decide(session, host_coordinators[0], chosen[0], Decision.ACCEPT)
    with pytest.raises(Conflict, match="no free place"):
        decide(session, host_coordinators[0], chosen[1], Decision.ACCEPT)
    assert chosen[1].status == ChoiceStatus.UNDER_REVIEW


def test_when_every_host_says_no_the_application_is_unplaced(session, endorsed, host_coordinators):
    for coordinator, choice in zip(host_coordinators, endorsed.choices, strict=True):
        decide(session, coordinator, choice, Decision.REJECT, "Not our sector.")
    assert endorsed.status == ApplicationStatus.UNPLACED


def test_accepting_an_offer_makes_the_residency_and_ends_the_other_choices(
    session, endorsed, host_coordinators, founder
):
    decide(session, host_coordinators[2], endorsed.choices[2], Decision.ACCEPT)
    decide(session, host_coordinators[0], endorsed.choices[0], Decision.WAITLIST)
    residency = accept_offer(session, founder, endorsed.choices[2])
    assert residency.status == ResidencyStatus.UPCOMING
    assert residency.number == f"AMT-DN-{endorsed.starts_on.year}-0001"
    assert (residency.starts_on, residency.ends_on) == (endorsed.starts_on, endorsed.ends_on)
    assert residency.host_park_id == endorsed.choices[2].offer.park_id
    assert endorsed.status == ApplicationStatus.PLACED
    assert [c.status for c in endorsed.choices] == [
        ChoiceStatus.WITHDRAWN,
        ChoiceStatus.WITHDRAWN,
        ChoiceStatus.TAKEN,
    ]


def test_after_acceptance_no_second_offer_and_no_withdrawal(
    session, endorsed, host_coordinators, founder, snapshot
):
    decide(session, host_coordinators[1], endorsed.choices[1], Decision.ACCEPT)
    accept_offer(session, founder, endorsed.choices[1])
    refusal(
        snapshot,
        Conflict,
        lambda: decide(session, host_coordinators[0], endorsed.choices[0], Decision.ACCEPT),
    )
    refusal(snapshot, Conflict, lambda: accept_offer(session, founder, endorsed.choices[1]))
    refusal(
        snapshot, Conflict, lambda: applications.withdraw_application(session, founder, endorsed)
    )


def test_a_decision_after_withdrawal_is_refused(
    session, endorsed, host_coordinators, founder, snapshot
):
    applications.withdraw_application(session, founder, endorsed)
    refusal(
        snapshot,
        Conflict,
        lambda: decide(session, host_coordinators[0], endorsed.choices[0], Decision.ACCEPT),
    )


def test_only_the_startup_accepts_its_offer_and_not_after_it_expired(
    session, endorsed, host_coordinators, founder, home, snapshot
):
    choice = endorsed.choices[0]
    decide(session, host_coordinators[0], choice, Decision.ACCEPT)
    _other, stranger = make_startup(session, home)
    refusal(snapshot, NotAllowed, lambda: accept_offer(session, stranger, choice))
    with time_machine.travel(utcnow() + timedelta(days=15), tick=False):
        refusal(snapshot, Conflict, lambda: accept_offer(session, founder, choice))


def test_a_declined_offer_frees_the_place_for_the_first_waitlisted(
    session, secretariat, hosts, home, home_coordinator, host_coordinators, snapshot
):
    call = make_call(session, secretariat, hosts[:1], places=1)
    people = []
    for _ in range(3):
        _startup, founder = make_startup(session, home)
        application = make_residency_application(
            session, founder, call, hosts[:1], endorse_by=home_coordinator
        )
        people.append((founder, application.choices[0]))
    host = host_coordinators[0]
    decide(session, host, people[0][1], Decision.ACCEPT)
    decide(session, host, people[1][1], Decision.WAITLIST)
    decide(session, host, people[2][1], Decision.WAITLIST)
    assert first_waitlisted(session, people[1][1].offer).id == people[1][1].id
    refusal(snapshot, Conflict, lambda: offer_freed_place(session, host, people[1][1]))
    decline_offer(session, people[0][0], people[0][1])
    assert people[0][1].status == ChoiceStatus.DECLINED
    assert people[0][1].application.status == ApplicationStatus.UNPLACED
    told = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.recipient == host.email)
        .order_by(OutboxMessage.id.desc())
    ).first()
    assert people[1][1].application.startup.name in told.body
    refusal(snapshot, Conflict, lambda: offer_freed_place(session, host, people[2][1]))
    offer_freed_place(session, host, people[1][1])
    assert people[1][1].status == ChoiceStatus.OFFERED


def test_questions_go_to_the_startup_and_answers_back_once(
    session, endorsed, host_coordinators, home_coordinator, founder, snapshot
):
    choice = endorsed.choices[0]
    refusal(
        snapshot, NotAllowed, lambda: ask_question(session, home_coordinator, choice, "Why us?")
    )
    refusal(snapshot, Invalid, lambda: ask_question(session, host_coordinators[0], choice, " "))
    question = ask_question(session, host_coordinators[0], choice, "How many people come?")
    refusal(snapshot, Invalid, lambda: answer_question(session, founder, question, ""))
    answer_question(session, founder, question, "Two founders.")
    assert question.answer == "Two founders."
    refusal(snapshot, Conflict, lambda: answer_question(session, founder, question, "Three."))


def test_reminders_before_expiry_and_lapse_after(session, endorsed, host_coordinators, founder):
    choice = endorsed.choices[0]
    decide(session, host_coordinators[0], choice, Decision.ACCEPT)
    expires = choice.offer_expires_on
    assert remind_expiring_offers(session, expires - timedelta(days=5)) == (0, 0)
    assert remind_expiring_offers(session, expires - timedelta(days=3)) == (1, 0)
    assert remind_expiring_offers(session, expires + timedelta(days=1)) == (0, 1)
    assert choice.status == ChoiceStatus.DECLINED
