"""The minutes PDF: rendered, sealed and stored once on publication; its text, its seal, its
address, and what /verify/<code> says about it before and after a correction."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from association.audit.models import AuditEvent
from association.documents.models import StoredDocument
from association.documents.seal import load_signer
from association.documents.verify import check_pdf
from association.meetings.agenda import add_agenda_item
from association.meetings.minutes import (
    approve_minutes,
    circulate_minutes,
    correct_minutes,
    edit_minutes,
    publish_minutes,
    start_minutes,
)
from association.meetings.models import Minutes
from association.meetings.scheduling import mark_held
from tests.documents.pdf_helpers import plain_text
from tests.factories import login
from tests.meetings.conftest import attend

BODY = "# Record\n\nThe Assembly discussed the budget for the coming year.\n\n| Item | Amount |\n|---|---|\n| Fees | 60 000 |"
DECISIONS = "1. The budget for the coming year is adopted.\n2. Bilişim Vadisi hosts the next Assembly in Kocaeli."


@pytest.fixture
def published(session, secretariat, make_meeting, founders, make_vote):
    budget = make_vote("Budget for the coming year", ["for", "for", "against", "abstain"])
    meeting = make_meeting("General Assembly 2031", past=True)
    add_agenda_item(
        session,
        None,
        meeting,
        title="Budget for the coming year",
        presenter="Treasurer",
        linked_type="initiative",
        linked_id=budget.id,
    )
    mark_held(session, secretariat, meeting)
    attend(session, secretariat, meeting, founders, present=3)
    minutes = start_minutes(session, secretariat, meeting, body=BODY, decisions=DECISIONS)
    for step in (circulate_minutes, approve_minutes, publish_minutes):
        step(session, secretariat, minutes)
    return minutes


def _document(session, minutes) -> StoredDocument:
    session.expire_all()
    return session.get(StoredDocument, session.get(Minutes, minutes.id).document_id)


def test_publication_stores_one_sealed_pdf_about_the_meeting(app, session, published):
    document = _document(session, published)
    assert document.kind == "minutes"
    assert document.subject_type == "Meeting"
    assert document.subject_id == published.meeting_id
    signer_cert = load_signer(app.config, Path(app.instance_path)).signing_cert
    assert check_pdf(document.content, signer_cert).issued_and_unchanged
    assert session.scalar(select(func.count()).select_from(StoredDocument)) == 1
    published_event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "minutes.published")
    ).one()
    assert json.loads(published_event.details)["document"] == document.id


def test_the_pdf_text_holds_the_attendance_list_the_agenda_and_the_decisions(
    session, published, tmp_path
):
    text = plain_text(_document(session, published).content, tmp_path)
    for expected in (
        "MINUTES",
        "General Assembly 2031",
        "Attendance",
        "Astana Hub",
        "Sabah Lab",
        "High Technology Park",
        "IT Park Uzbekistan",
        "Technopark of Turkmenistan",
        "Head of Astana Hub",
        "present",
        "absent",
        "(observer)",
        "Quorate: 3 of 4 member parks present (3 needed)",
        "Agenda",
        "Budget for the coming year",
        "Treasurer",
        "Results of the linked votes",
        "Passed",
        "For 2, Against 1, Abstain 1; 4 of 4 parks voted",
        "Decisions",
        "The budget for the coming year is adopted.",
        "Bilişim Vadisi hosts the next Assembly in Kocaeli.",
        "The Assembly discussed the budget",
        "by the secretariat after circulation",
        "Verification code",
        _document(session, published).verification_code,
    ):
        assert expected in text, expected


def test_a_member_downloads_the_stored_pdf_with_its_hash_as_etag(
    client, session, delegate, published
):
    document = _document(session, published)
    login(client, delegate)
    response = client.get(f"/meetings/{published.meeting_id}/minutes.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data == document.content
    assert response.headers["ETag"].strip('"') == document.sha256
    again = client.get(
        f"/meetings/{published.meeting_id}/minutes.pdf",
        headers={"If-None-Match": f'"{document.sha256}"'},
    )
    assert again.status_code == 304


def test_the_pdf_needs_signing_in(client, published):
    assert client.get(f"/meetings/{published.meeting_id}/minutes.pdf").status_code == 302


def test_the_verification_page_names_the_meeting_and_says_it_is_current(client, session, published):
    document = _document(session, published)
    page = client.get(f"/verify/{document.verification_code}").get_data(as_text=True)
    assert "General Assembly 2031" in page
    assert "Current version" in page


def test_after_a_correction_the_old_version_is_superseded_and_stays_readable(
    client, session, secretariat, delegate, published
):
    old_document = _document(session, published)
    correction = correct_minutes(session, secretariat, published)
    edit_minutes(
        session, secretariat, correction, body=BODY + "\n\nFees corrected.", decisions=DECISIONS
    )
    for step in (circulate_minutes, approve_minutes, publish_minutes):
        step(session, secretariat, correction)
    new_document = _document(session, correction)
    assert new_document.id != old_document.id
    session.expire_all()
    assert session.get(StoredDocument, old_document.id).superseded_by_id == new_document.id

    page = client.get(f"/verify/{old_document.verification_code}").get_data(as_text=True)
    assert "Superseded by version 2" in page
    assert "Current version" in client.get(f"/verify/{new_document.verification_code}").get_data(
        as_text=True
    )

    login(client, delegate)
    meeting_id = published.meeting_id
    assert client.get(f"/meetings/{meeting_id}/minutes.pdf").data == new_document.content
    assert client.get(f"/meetings/{meeting_id}/minutes/1.pdf").data == old_document.content
    old_page = client.get(f"/meetings/{meeting_id}/minutes/1").get_data(as_text=True)
    assert "superseded by a correction" in old_page


def test_the_pdf_is_not_rendered_again_on_download(
    client, session, delegate, published, monkeypatch
):
    import association.documents.service as engine

    monkeypatch.setattr(engine, "render_pdf", lambda html: pytest.fail("rendered again"))
    login(client, delegate)
    assert client.get(f"/meetings/{published.meeting_id}/minutes.pdf").status_code == 200
