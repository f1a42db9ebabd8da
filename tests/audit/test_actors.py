# ruff: noqa: F811 -- the fixtures are imported from the areas' test modules
"""Every document.issued event names who issued it (issue 15: the log said "command line /
visitor" for certificates and memoranda the secretariat issued in the browser)."""

from __future__ import annotations

from sqlalchemy import select

from association.audit.models import AuditEvent
from association.meetings.minutes import (
    approve_minutes,
    circulate_minutes,
    publish_minutes,
    start_minutes,
)
from association.meetings.scheduling import mark_held
from association.memoranda import circulation, issuing
from association.parks.models import ParkStatus
from tests.factories import login
from tests.meetings.conftest import attend, founders, make_meeting  # noqa: F401 (fixtures)
from tests.membership.test_certificates import admitted  # noqa: F401 (a fixture)
from tests.memoranda.conftest import (  # noqa: F401 (fixtures)
    astana,
    astana_signatory,
    make_memorandum,
    sabah,
    sabah_signatory,
    sign_as,
)


def _issued_events(session) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "document.issued")
            .order_by(AuditEvent.seq)
        )
    )


def test_a_certificate_issued_on_admission_names_the_secretariat(session, secretariat, admitted):
    events = _issued_events(session)
    assert [e.actor_id for e in events] == [secretariat.id]
    certificate = session.scalar(
        select(AuditEvent).where(AuditEvent.action == "certificate.issued")
    )
    assert certificate.actor_id == secretariat.id


def test_a_certificate_reissued_in_the_browser_names_who_clicked(
    client, session, secretariat, admitted
):
    park = admitted
    login(client, secretariat)
    response = client.post(f"/members/{park.slug}/certificate/reissue")
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
    last = _issued_events(session)[-1]
    assert last.actor_id == secretariat.id
    assert last.actor_label == secretariat.email
    assert "document.superseded" in [
        e.action
        for e in session.scalars(select(AuditEvent).where(AuditEvent.actor_id == secretariat.id))
    ]


def test_a_certificate_reissued_after_a_status_change_names_who_changed_it(
    session, secretariat, admitted
):
    from association.parks.service import change_park_status

    change_park_status(session, secretariat, admitted, ParkStatus.OBSERVER, "asked to")
    assert _issued_events(session)[-1].actor_id == secretariat.id


def test_a_memorandum_issued_names_the_secretariat(
    session, secretariat, make_memorandum, astana, sabah, astana_signatory, sabah_signatory
):
    memorandum = make_memorandum(astana, sabah)
    circulation.circulate(session, secretariat, memorandum)
    sign_as(session, astana_signatory, memorandum)
    sign_as(session, sabah_signatory, memorandum)
    issuing.issue_memorandum(session, secretariat, memorandum)
    (event,) = _issued_events(session)
    assert event.actor_id == secretariat.id
    assert event.subject_type == "StoredDocument"


def test_minutes_published_name_the_secretariat(session, secretariat, make_meeting, founders):
    meeting = make_meeting("General Assembly 2031", past=True)
    mark_held(session, secretariat, meeting)
    attend(session, secretariat, meeting, founders, present=3)
    minutes = start_minutes(session, secretariat, meeting, body="# Record\n\nDone.")
    for step in (circulate_minutes, approve_minutes, publish_minutes):
        step(session, secretariat, minutes)
    (event,) = _issued_events(session)
    assert event.actor_id == secretariat.id
