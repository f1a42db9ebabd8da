"""The demo tells one story: what happened in 2022 reads as 2022 wherever a person reads
it (pages, PDFs, the memorandum's history), and the log's own time of recording is said as
such ("recorded ...")."""

from __future__ import annotations

import re
import subprocess

import pytest
from sqlalchemy import select

from association.database import utcnow
from association.demo import seed_demo
from association.demo_parks import DEMO_PASSWORD, SECRETARIAT_EMAIL
from association.documents.models import StoredDocument
from association.history import happened_at
from association.meetings.demo import PANEL_TITLE
from association.meetings.models import Meeting
from association.memoranda.demo import COOPERATION_TITLE
from association.memoranda.models import Memorandum
from association.memoranda.queries import audit_events
from association.parks.models import User
from association.voting.demo import CHARTER
from association.voting.models import Initiative
from tests.factories import login

THIS_YEAR = str(utcnow().year)


@pytest.fixture
def demo(session):
    assert THIS_YEAR != "2022", "the test tells 2022 from the seeding year"
    seed_demo(session)
    session.commit()


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(text.split())


def without_recording_times(text: str) -> str:
    """The text without the log's own "recorded <time>" notes."""
    return re.sub(r"recorded \d{4}-\d\d-\d\d \d\d:\d\d", "", text)


def cooperation(session) -> Memorandum:
    return session.scalars(select(Memorandum).where(Memorandum.title == COOPERATION_TITLE)).one()


def panel_minutes(session):
    meeting = session.scalars(select(Meeting).where(Meeting.title == PANEL_TITLE)).one()
    return meeting.minutes_versions[-1]


@pytest.mark.usefixtures("demo")
def test_the_2022_memorandum_and_minutes_happened_in_2022_throughout(session, tmp_path):
    memorandum = cooperation(session)
    circulated = memorandum.last_circulation
    assert memorandum.created_at.year == 2022
    assert memorandum.latest_revision.created_at.year == 2022
    assert circulated.started_at.year == 2022
    assert circulated.ended_at.year == 2022
    assert memorandum.issued_at.year == 2022
    events = audit_events(session, memorandum)
    assert {happened_at(event).year for event in events} == {2022}
    # The log keeps its own time of recording.
    assert {event.occurred_at.year for event in events} == {int(THIS_YEAR)}
    # Its PDF shows 2022 and says when the log recorded each event.
    text = pdf_text(cooperation(session).document.content, tmp_path)
    assert "recorded after they happened" in text
    assert f"recorded {THIS_YEAR}-" in text
    assert THIS_YEAR not in without_recording_times(text)
    assert "28 September 2022, 10:00 UTC" in text  # issued

    minutes = panel_minutes(session)
    assert minutes.circulated_at.year == 2022
    assert minutes.approved_at.year == 2022
    assert minutes.published_at.year == 2022
    text = pdf_text(session.get(StoredDocument, minutes.document_id).content, tmp_path)
    assert THIS_YEAR not in text
    assert "approved on 10 October 2022" in text


@pytest.mark.usefixtures("demo")
def test_the_memorandum_page_reads_its_history_as_sentences_in_2022(client, session):
    login(
        client,
        session.scalars(select(User).where(User.email == SECRETARIAT_EMAIL)).one(),
        DEMO_PASSWORD,
    )
    memorandum = cooperation(session)
    page = client.get(f"/memoranda/{memorandum.id}").get_data(as_text=True)
    history = page.split(">History<", 1)[1]
    assert "memorandum." not in history  # no raw event names
    assert "Revision 1 was circulated for signature." in history
    assert "Yerlan Nurpeisov signed for Astana Hub (on paper)." in history
    assert "Issued as AMT/MOU/2022/0001, with its sealed PDF." in history
    assert "9/28/22" in history  # when each event happened, in the viewer's short format
    assert "recorded" in history  # and when the log recorded it
    minutes_page = client.get(f"/meetings/{panel_minutes(session).meeting_id}/minutes/1").get_data(
        as_text=True
    )
    assert "Published 10 Oct 2022" in minutes_page
    # The charter initiative promises no attachment it does not have.
    charter = session.scalars(select(Initiative).where(Initiative.title == CHARTER)).one()
    assert "attached" not in charter.body_markdown
    assert "attached" not in client.get(f"/initiatives/{charter.id}").get_data(as_text=True)
