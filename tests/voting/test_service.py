"""The voting domain functions: lifecycle, casting, closing, the frozen result, reminders."""

import itertools
from datetime import timedelta
from fractions import Fraction

import pytest
import time_machine
from sqlalchemy import func, select

from association.audit.log import verify_chain
from association.audit.models import AuditEvent
from association.database import utcnow
from association.domain import Conflict, Invalid, NotAllowed
from association.mail.models import OutboxMessage
from association.parks.models import ParkStatus
from association.parks.service import change_park_status
from association.voting import initiatives, votes
from association.voting.ballots import cast_ballot
from association.voting.models import (
    Ballot,
    BallotKind,
    ElectorateMember,
    FrozenResultError,
    Initiative,
    InitiativeKind,
    InitiativeStatus,
    Majority,
    Outcome,
    ReminderSent,
)
from association.voting.rules import YES_NO_CHOICES, ballots_digest
from association.voting.votes import close_vote
from tests.factories import EARLY
from tests.voting.conftest import ballot_count, result_count


def _actions(session, action):
    return session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_a_new_initiative_is_a_draft_with_the_default_rules(make_initiative):
    initiative = make_initiative()
    assert initiative.status == InitiativeStatus.DRAFT
    assert initiative.quorum == Fraction(1, 2)
    assert initiative.majority == Majority.SIMPLE
    assert initiative.changes_allowed
    assert not initiative.secret


def test_only_the_secretariat_drafts(session, delegate):
    with pytest.raises(NotAllowed):
        initiatives.create_initiative(session, delegate, title="A park's own idea")


def test_option_ballot_needs_two_distinct_options(make_initiative):
    with pytest.raises(Invalid, match="at least two"):
        make_initiative(ballot_kind=BallotKind.OPTIONS, options=["Astana"])
    with pytest.raises(Invalid, match="different"):
        make_initiative(ballot_kind=BallotKind.OPTIONS, options=["Astana", "astana"])


def test_editing_options_keeps_their_positions(session, secretariat, make_initiative):
    initiative = make_initiative(
        ballot_kind=BallotKind.OPTIONS, options=["Astana", "Baku", "Tashkent"]
    )
    initiatives.update_initiative(session, secretariat, initiative, options=["Astana", "Bishkek"])
    assert [(o.position, o.label) for o in initiative.options] == [(1, "Astana"), (2, "Bishkek")]


def test_opening_takes_the_member_parks_as_electorate_and_mails_their_delegates(
    session, secretariat, make_park, make_user, make_initiative, park, delegate
):
    observer = make_park("Technopark of Tajikistan", status=ParkStatus.OBSERVER)
    make_user(park=observer, delegate=True)
    initiative = votes.open_vote(
        session, secretariat, make_initiative(), closes_at=utcnow() + timedelta(days=3)
    )
    electorate = session.scalars(select(ElectorateMember.park_id)).all()
    assert electorate == [park.id]
    assert initiative.status == InitiativeStatus.OPEN
    assert initiative.opened_at is not None
    mails = session.scalars(select(OutboxMessage)).all()
    assert [m.recipient for m in mails] == [delegate.email]
    assert "Voting is open" in mails[0].subject


def test_rules_cannot_change_once_open(session, secretariat, open_initiative):
    with pytest.raises(Conflict, match="can no longer be changed"):
        initiatives.update_initiative(
            session, secretariat, open_initiative, majority=Majority.CONSENSUS
        )


def test_a_delegate_casts_and_gets_a_receipt(session, delegate, open_initiative):
    ballot = cast_ballot(session, delegate, open_initiative, "for")
    assert ballot.park_id == delegate.park_id
    assert ballot.choice == "for"
    assert len(ballot.receipt_code) == 14
    event = _actions(session, "ballot.cast")[0]
    assert '"choice":"for"' in event.details


def test_changing_a_vote_keeps_one_ballot_and_audits_the_change(session, delegate, open_initiative):
    first = cast_ballot(session, delegate, open_initiative, "for")
    receipt = first.receipt_code
    second = cast_ballot(session, delegate, open_initiative, "against")
    assert ballot_count(session) == 1
    assert second.choice == "against"
    assert second.receipt_code == receipt
    assert second.changes == 1
    change = _actions(session, "ballot.changed")[0]
    assert '"from":"for"' in change.details
    assert '"to":"against"' in change.details


def test_the_same_choice_again_changes_nothing_and_is_not_audited(
    session, delegate, open_initiative
):
    first = cast_ballot(session, delegate, open_initiative, "for")
    again = cast_ballot(session, delegate, open_initiative, "for")
    assert again == first
    assert again.changes == 0
    assert ballot_count(session) == 1
    assert _actions(session, "ballot.changed") == []


def test_a_secret_vote_keeps_choices_out_of_the_audit_log(session, delegate, make_open_vote):
    initiative = make_open_vote(secret=True)
    cast_ballot(session, delegate, initiative, "for")
    cast_ballot(session, delegate, initiative, "against")
    for event in _actions(session, "ballot.cast") + _actions(session, "ballot.changed"):
        assert "for" not in event.details.replace("receipt", "")
        assert "against" not in event.details


def test_a_change_is_refused_when_changes_are_not_allowed(session, delegate, make_open_vote):
    initiative = make_open_vote(changes_allowed=False)
    cast_ballot(session, delegate, initiative, "for")
    with pytest.raises(Conflict, match="does not allow changing"):
        cast_ballot(session, delegate, initiative, "against")
    assert session.scalar(select(Ballot.choice)) == "for"


def test_a_park_suspended_after_opening_cannot_vote(
    session, secretariat, delegate, park, open_initiative
):
    change_park_status(session, secretariat, park, ParkStatus.SUSPENDED, "Fees unpaid")
    with pytest.raises(NotAllowed, match="suspended"):
        cast_ballot(session, delegate, open_initiative, "for")
    assert ballot_count(session) == 0


def test_a_park_admitted_after_opening_is_not_in_the_electorate(
    session, make_park, make_user, open_initiative
):
    late = make_park("Technopark of Turkmenistan", country="TM")
    late_delegate = make_user(park=late, delegate=True)
    with pytest.raises(NotAllowed, match="not in this vote's electorate"):
        cast_ballot(session, late_delegate, open_initiative, "for")


def test_the_secretariat_does_not_vote(session, secretariat, open_initiative):
    with pytest.raises(NotAllowed, match="secretariat"):
        cast_ballot(session, secretariat, open_initiative, "for")


def test_option_ballot_takes_an_option_position(session, delegate, make_open_vote):
    initiative = make_open_vote(ballot_kind=BallotKind.OPTIONS, options=["Astana", "Baku"])
    assert cast_ballot(session, delegate, initiative, "2").choice == "2"
    with pytest.raises(Invalid):
        cast_ballot(session, delegate, initiative, "for")


def test_a_ballot_after_closes_at_is_refused_and_audited_even_if_nothing_closed_the_vote(
    session, delegate, open_initiative
):
    with time_machine.travel(open_initiative.closes_at + timedelta(seconds=1), tick=False):
        with pytest.raises(Conflict, match="Voting closed on"):
            cast_ballot(session, delegate, open_initiative, "for")
    assert ballot_count(session) == 0
    assert _actions(session, "ballot.refused")


def test_closing_freezes_tallies_turnout_outcome_and_digest(
    session, secretariat, make_park, make_user, make_open_vote, delegate
):
    others = [make_user(park=make_park(), delegate=True) for _ in range(3)]
    initiative = make_open_vote()
    cast_ballot(session, delegate, initiative, "for")
    cast_ballot(session, others[0], initiative, "for")
    cast_ballot(session, others[1], initiative, "against")
    result = close_vote(session, secretariat, initiative, reason=EARLY)
    assert initiative.status == InitiativeStatus.CLOSED
    assert result.outcome == Outcome.PASSED
    assert result.tallies == {
        "for": 2,
        "against": 1,
        "abstain": 0,
    }
    assert (result.ballots_cast, result.electorate_size) == (3, 4)
    assert len(result.digest) == 64
    assert verify_chain(session).intact


def test_a_secret_votes_digest_cannot_be_reversed_into_its_choices(
    session, secretariat, make_park, make_user, make_open_vote, delegate
):
    # What anyone may know after close: the electorate's parks, the published receipts, the
    # totals. A plain hash over them could be matched by trying every assignment of choices.
    voters = [delegate] + [make_user(park=make_park(), delegate=True) for _ in range(3)]
    initiative = make_open_vote(secret=True)
    receipts = {
        user.park_id: cast_ballot(session, user, initiative, choice).receipt_code
        for user, choice in zip(voters, ["for", "against", "for", "abstain"], strict=True)
    }
    result = close_vote(session, secretariat, initiative, reason=EARLY)
    tried = [
        ballots_digest(zip(receipts, guess, receipts.values(), strict=True))
        for guess in itertools.product(YES_NO_CHOICES, repeat=len(receipts))
    ]
    assert len(tried) == 81
    assert result.digest not in tried
    # Whoever holds the key (the secretariat, an auditor) can still check it.
    stored = session.execute(select(Ballot.park_id, Ballot.choice, Ballot.receipt_code)).all()
    assert result.digest_key
    assert result.digest == ballots_digest(stored, result.digest_key)


def test_a_roll_call_digest_is_one_anyone_can_recompute(
    session, secretariat, delegate, open_initiative
):
    ballot = cast_ballot(session, delegate, open_initiative, "against")
    result = close_vote(session, secretariat, open_initiative, reason=EARLY)
    assert result.digest_key is None
    assert result.digest == ballots_digest([(delegate.park_id, "against", ballot.receipt_code)])


def test_closing_mails_the_result_to_the_electorates_delegates(
    session, secretariat, make_park, make_user, make_open_vote, delegate
):
    other = make_user(park=make_park("Sabah Lab", country="AZ"), delegate=True)
    initiative = make_open_vote(secret=True)
    cast_ballot(session, other, initiative, "for")
    close_vote(session, secretariat, initiative, reason=EARLY)
    results = session.scalars(
        select(OutboxMessage).where(OutboxMessage.subject.like("Result:%"))
    ).all()
    assert sorted(m.recipient for m in results) == sorted([delegate.email, other.email])
    assert all(m.subject == f"Result: {initiative.title}" for m in results)
    body = results[0].body
    assert "Outcome: passed." in body
    assert "Ballots cast: 1 of 2 parks." in body
    assert "The totals and the list of receipt codes are published here" in body
    assert "choice" not in body


def test_closing_twice_is_refused_and_audited(session, secretariat, open_initiative):
    close_vote(session, secretariat, open_initiative, reason=EARLY)
    with pytest.raises(Conflict, match="already closed"):
        close_vote(session, secretariat, open_initiative, reason=EARLY)
    assert result_count(session) == 1
    assert _actions(session, "vote.close_refused")


def test_a_ballot_on_a_closed_vote_is_refused_and_audited(
    session, secretariat, delegate, open_initiative
):
    cast_ballot(session, delegate, open_initiative, "for")
    result = close_vote(session, secretariat, open_initiative, reason=EARLY)
    digest = result.digest
    with pytest.raises(Conflict, match="result is final"):
        cast_ballot(session, delegate, open_initiative, "against")
    session.expire_all()
    assert session.scalar(select(Ballot.choice)) == "for"
    assert open_initiative.result.digest == digest
    assert _actions(session, "ballot.refused")


def test_the_orm_refuses_to_change_a_stored_result(session, secretariat, open_initiative):
    result = close_vote(session, secretariat, open_initiative, reason=EARLY)
    result.ballots_cast = 99
    with pytest.raises(FrozenResultError):
        session.flush()
    session.rollback()


def test_an_outcome_handler_runs_in_the_closing_transaction(
    session, secretariat, delegate, make_open_vote, monkeypatch
):
    seen = []
    monkeypatch.setattr(votes, "_outcome_handlers", {})
    votes.register_outcome_handler(
        InitiativeKind.ADMISSION,
        lambda s, initiative, outcome: seen.append((initiative.subject_id, outcome)),
    )
    initiative = make_open_vote(
        kind=InitiativeKind.ADMISSION, subject_type="Application", subject_id=7
    )
    cast_ballot(session, delegate, initiative, "for")
    close_vote(session, secretariat, initiative, reason=EARLY)
    assert seen == [(7, Outcome.PASSED)]


def test_a_failing_outcome_handler_leaves_the_vote_open(
    session, secretariat, make_open_vote, monkeypatch
):
    def refuse(s, initiative, outcome):
        raise Conflict("The application was withdrawn.")

    monkeypatch.setattr(votes, "_outcome_handlers", {InitiativeKind.ADMISSION: refuse})
    initiative = make_open_vote(kind=InitiativeKind.ADMISSION)
    with pytest.raises(Conflict):
        close_vote(session, secretariat, initiative, reason=EARLY)
    session.expire_all()
    assert initiative.status == InitiativeStatus.OPEN
    assert result_count(session) == 0


def test_close_due_votes_opens_closes_and_reminds_once(
    session, secretariat, make_initiative, make_park, make_user, delegate
):
    other = make_user(park=make_park("Sabah Lab", country="AZ"), delegate=True)
    now = utcnow()
    scheduled = initiatives.schedule_initiative(
        session,
        secretariat,
        make_initiative("Scheduled"),
        now + timedelta(hours=1),
        now + timedelta(days=2),
    )
    closing = votes.open_vote(
        session, secretariat, make_initiative("Closing"), closes_at=now + timedelta(hours=5)
    )
    cast_ballot(session, other, closing, "for")
    report = votes.close_due_votes(session, now + timedelta(hours=2))
    assert (report.opened, report.closed, report.reminded) == (1, 0, 1)
    assert scheduled.status == InitiativeStatus.OPEN
    reminders = session.scalars(
        select(OutboxMessage).where(OutboxMessage.subject.like("Reminder%"))
    ).all()
    assert [m.recipient for m in reminders] == [delegate.email]
    again = votes.close_due_votes(session, now + timedelta(hours=3))
    assert again.reminded == 0
    assert len(session.scalars(select(ReminderSent)).all()) == 1
    final = votes.close_due_votes(session, now + timedelta(hours=6))
    assert final.closed == 1
    assert closing.status == InitiativeStatus.CLOSED
    assert closing.result.outcome == Outcome.PASSED


def test_scheduling_in_the_past_is_refused(session, secretariat, make_initiative):
    with pytest.raises(Invalid, match="opening time has passed"):
        initiatives.schedule_initiative(
            session,
            secretariat,
            make_initiative(),
            utcnow() - timedelta(hours=1),
            utcnow() + timedelta(days=1),
        )


def test_cancelling_a_draft(session, secretariat, make_initiative, open_initiative):
    draft = make_initiative("Draft")
    assert (
        initiatives.cancel_initiative(session, secretariat, draft).status
        == InitiativeStatus.CANCELLED
    )
    with pytest.raises(Conflict):
        initiatives.cancel_initiative(session, secretariat, open_initiative)


def test_a_refused_attachment_leaves_no_initiative(session, secretariat):
    from tests.membership.conftest import pdf_bytes

    with pytest.raises(Invalid, match="not really a PDF"):
        initiatives.create_initiative(
            session,
            secretariat,
            title="Joint accelerator programme 2027",
            attachments=[("charter.pdf", pdf_bytes()), ("fake.pdf", b"<html>")],
        )
    assert session.scalar(select(func.count()).select_from(Initiative)) == 0
    assert not _actions(session, "initiative.created")


def test_a_refused_attachment_leaves_the_edit_unsaved(session, secretariat, make_initiative):
    initiative = make_initiative()
    with pytest.raises(Invalid, match="PDF or office"):
        initiatives.update_initiative(
            session,
            secretariat,
            initiative,
            title="A better title",
            attachments=[("run.exe", b"MZ")],
        )
    session.expire_all()
    assert initiative.title == "Joint accelerator programme 2027"
    assert not _actions(session, "initiative.updated")


def test_a_new_initiative_keeps_its_attachments(session, secretariat):
    from tests.membership.conftest import pdf_bytes

    initiative = initiatives.create_initiative(
        session,
        secretariat,
        title="Joint accelerator programme 2027",
        attachments=[("charter.pdf", pdf_bytes()), ("annex.docx", b"PK\x03\x04 docx")],
    )
    assert [a.filename for a in initiative.attachments] == ["charter.pdf", "annex.docx"]


def test_attachments_are_checked_by_type_size_and_count(session, secretariat, make_initiative):
    from tests.membership.conftest import pdf_bytes

    initiative = make_initiative()
    initiatives.add_attachment(session, secretariat, initiative, "charter.pdf", pdf_bytes())
    with pytest.raises(Invalid, match="not really a PDF"):
        initiatives.add_attachment(session, secretariat, initiative, "fake.pdf", b"<html>")
    with pytest.raises(Invalid, match="PDF or office"):
        initiatives.add_attachment(session, secretariat, initiative, "run.exe", b"MZ")
    with pytest.raises(Invalid, match="larger than 10 MB"):
        initiatives.add_attachment(
            session, secretariat, initiative, "big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024)
        )
    for n in range(4):
        initiatives.add_attachment(
            session, secretariat, initiative, f"annex-{n}.docx", b"PK\x03\x04 docx"
        )
    with pytest.raises(Invalid, match="at most 5"):
        initiatives.add_attachment(session, secretariat, initiative, "sixth.pdf", pdf_bytes())
    assert len(initiative.attachments) == 5
