"""Every change of the programme is one audit event the log can put in words."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlalchemy import select

from association.audit.log import verify_chain
from association.audit.models import AuditEvent
from association.audit.presenters import SENTENCES
from association.database import utcnow
from association.residency import decisions, stays
from association.residency.calls import close_call
from association.residency.decisions import Decision
from association.residency.retention import remove_expired_founders
from tests.factories import make_residency_application


def test_a_whole_journey_is_audited_in_sentences(
    session, secretariat, call, hosts, founder, home_coordinator, host_coordinators
):
    application = make_residency_application(
        session, founder, call, hosts[:2], endorse_by=home_coordinator
    )
    question = decisions.ask_question(session, host_coordinators[0], application.choices[0], "Why?")
    decisions.answer_question(session, founder, question, "Because.")
    decisions.decide(session, host_coordinators[1], application.choices[1], Decision.WAITLIST)
    decisions.decide(session, host_coordinators[0], application.choices[0], Decision.ACCEPT)
    residency = decisions.accept_offer(session, founder, application.choices[0])
    stays.check_in(session, host_coordinators[0], residency)
    with time_machine.travel(utcnow() + timedelta(days=400), tick=False):
        stays.check_out(session, host_coordinators[0], residency, residency.ends_on)
        stays.submit_final_report(session, founder, residency, "Good.")
    close_call(session, secretariat, call)
    with time_machine.travel(utcnow() + timedelta(days=400 + 3 * 365), tick=False):
        remove_expired_founders(session, None)
    actions = set(session.scalars(select(AuditEvent.action)))
    residency_actions = {a for a in actions if a.startswith("residency.")}
    assert {
        "residency.call_opened",
        "residency.application_endorsed",
        "residency.offer_accepted",
        "residency.checked_out",
        "residency.founders_removed",
    } <= residency_actions
    assert residency_actions <= set(SENTENCES)
    assert verify_chain(session).intact
