"""Closing a vote by hand: early closing asks why and keeps who and why with the result; the
result's e-mail says what was decided, naming an option ballot's winner."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from association.audit.models import AuditEvent
from association.domain import Invalid
from association.mail.models import OutboxMessage
from association.voting.ballots import cast_ballot
from association.voting.models import InitiativeStatus
from association.voting.votes import close_vote, closes_early, settle
from tests.factories import EARLY
from tests.voting.conftest import result_count


def _closed_event(session) -> dict:
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "vote.closed"))
    assert event is not None
    return json.loads(event.details)


def _result_mails(session) -> list[OutboxMessage]:
    return list(
        session.scalars(select(OutboxMessage).where(OutboxMessage.subject.like("Result:%")))
    )


def test_closing_before_the_deadline_without_a_reason_is_refused_and_nothing_closes(
    session, secretariat, open_initiative
):
    with pytest.raises(Invalid, match="please give the reason"):
        close_vote(session, secretariat, open_initiative, reason="   ")
    session.expire_all()
    assert open_initiative.status == InitiativeStatus.OPEN
    assert result_count(session) == 0
    assert _result_mails(session) == []


def test_a_reason_longer_than_2000_characters_is_refused(session, secretariat, open_initiative):
    with pytest.raises(Invalid, match="under 2000 characters"):
        close_vote(session, secretariat, open_initiative, reason="x" * 2001)
    assert result_count(session) == 0


def test_closing_early_keeps_who_and_why_and_audits_the_reason(
    session, secretariat, delegate, open_initiative
):
    cast_ballot(session, delegate, open_initiative, "for")
    assert closes_early(open_initiative)
    close_vote(session, secretariat, open_initiative, reason="  The Board meets tomorrow. ")
    assert open_initiative.status == InitiativeStatus.CLOSED
    assert open_initiative.closed_early_reason == "The Board meets tomorrow."
    assert open_initiative.closed_early_by == secretariat
    details = _closed_event(session)
    assert details["early"] is True
    assert details["early_reason"] == "The Board meets tomorrow."
    body = _result_mails(session)[0].body
    assert "closed voting before its deadline. Reason: The Board meets tomorrow." in body


def test_closing_by_hand_after_the_deadline_needs_no_reason_and_is_not_early(
    session, secretariat, open_initiative
):
    with time_machine.travel(open_initiative.closes_at + timedelta(minutes=1), tick=False):
        assert not closes_early(open_initiative)
        close_vote(session, secretariat, open_initiative)
    assert open_initiative.status == InitiativeStatus.CLOSED
    assert open_initiative.closed_early_reason is None
    assert _closed_event(session)["early"] is False


def test_the_clock_closes_on_time_without_a_reason(session, open_initiative):
    settle(session, None, open_initiative, now=open_initiative.closes_at + timedelta(seconds=1))
    assert open_initiative.status == InitiativeStatus.CLOSED
    assert open_initiative.closed_early_reason is None
    assert open_initiative.closed_early_by is None


def test_the_result_mail_of_an_option_ballot_names_the_winning_option(
    session, secretariat, delegate, make_open_vote
):
    initiative = make_open_vote(ballot_kind="options", options=["Astana", "Baku", "Tashkent"])
    cast_ballot(session, delegate, initiative, "2")
    close_vote(session, secretariat, initiative, reason=EARLY)
    body = _result_mails(session)[0].body
    assert "Outcome: passed." in body
    assert "Winning option: Baku" in body


def test_the_result_mail_of_a_yes_no_ballot_names_no_option(
    session, secretariat, delegate, open_initiative
):
    cast_ballot(session, delegate, open_initiative, "for")
    close_vote(session, secretariat, open_initiative, reason=EARLY)
    assert "Winning option" not in _result_mails(session)[0].body
