from sqlalchemy import delete, select, update

from association.audit.log import verify_chain
from association.audit.models import AuditEvent
from association.parks.models import ParkStatus
from association.parks.service import change_park_status


def _history(session, park, secretariat):
    for status in (ParkStatus.SUSPENDED, ParkStatus.MEMBER, ParkStatus.OBSERVER):
        change_park_status(session, secretariat, park, status, f"to {status}")


def test_every_state_change_writes_one_chained_event(session, park, secretariat):
    _history(session, park, secretariat)
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert all(
        later.prev_hash == earlier.hash for earlier, later in zip(events, events[1:], strict=False)
    )
    assert [e.action for e in events][-3:] == ["park.status_changed"] * 3
    assert verify_chain(session).intact


def test_an_altered_event_is_found_and_named(session, park, secretariat):
    _history(session, park, secretariat)
    target = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "park.status_changed")
    ).first()
    session.execute(
        update(AuditEvent).where(AuditEvent.id == target.id).values(details='{"reason":"nothing"}')
    )
    session.commit()
    report = verify_chain(session)
    assert not report.intact
    assert report.first_bad_seq == target.seq
    assert "altered" in report.problem


def test_a_removed_event_is_found(session, park, secretariat):
    _history(session, park, secretariat)
    session.execute(delete(AuditEvent).where(AuditEvent.seq == 2))
    session.commit()
    report = verify_chain(session)
    assert report.first_bad_seq == 2
    assert "missing" in report.problem


def test_a_removed_last_event_is_found(session, park, secretariat):
    _history(session, park, secretariat)
    last = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    session.execute(delete(AuditEvent).where(AuditEvent.id == last.id))
    session.commit()
    assert not verify_chain(session).intact


def test_refused_actions_change_nothing_but_leave_no_half_event(session, park, member):
    import pytest

    from association.domain import NotAllowed

    before = session.scalars(select(AuditEvent)).all()
    with pytest.raises(NotAllowed):
        change_park_status(session, member, park, ParkStatus.SUSPENDED, "coup")
    assert len(session.scalars(select(AuditEvent)).all()) == len(before)
    assert verify_chain(session).intact


def test_an_event_rolled_back_leaves_no_gap_or_fork_in_the_chain(session, park, secretariat):
    from association.audit.log import record

    record(session, "test.kept_back", actor=secretariat, details={"n": 1})
    session.rollback()  # the head read under the lock must be forgotten with the transaction
    record(session, "test.kept", actor=secretariat, details={"n": 2})
    session.commit()
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    assert [e.action for e in events][-1] == "test.kept"
    assert "test.kept_back" not in [e.action for e in events]
    assert verify_chain(session).intact
