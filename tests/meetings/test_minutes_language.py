"""The minutes PDF's fixed text in the document language the secretariat chose (English by
default): headings, labels and the closing box from our catalogs, the minutes' own text as
written; published PDFs never change; an unknown language is refused."""

from __future__ import annotations

import json
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from association.audit.models import AuditEvent
from association.catalogs import read_catalog
from association.documents.models import StoredDocument
from association.domain import Invalid
from association.meetings.minutes import (
    approve_minutes,
    circulate_minutes,
    correct_minutes,
    edit_minutes,
    publish_minutes,
    start_minutes,
)
from association.meetings.models import Minutes
from tests.documents.pdf_helpers import plain_text
from tests.factories import login
from tests.meetings.conftest import attend

BODY = "## Budget\n\nThe Assembly discussed the budget for the coming year."
# Headings, table heads and the closing box, as the code marks them.
FIXED_TEXT = ["Attendance", "Agenda", "Decisions", "Park", "Represented by", "Verification code"]


def translated(language: str, message: str) -> str:
    return read_catalog(language)[message].string


def publish(session, secretariat, minutes) -> StoredDocument:
    for step in (circulate_minutes, approve_minutes, publish_minutes):
        step(session, secretariat, minutes)
    return session.get(StoredDocument, minutes.document_id)


@pytest.fixture
def held(session, secretariat, make_meeting, founders):
    meeting = make_meeting("General Assembly 2031", held=True)
    attend(session, secretariat, meeting, founders, present=3)
    return meeting


@pytest.mark.parametrize("language", ["kk", "tr"])
def test_the_pdf_of_minutes_in_a_document_language_has_its_fixed_text_in_it(
    session, secretariat, held, tmp_path, language
):
    minutes = start_minutes(session, secretariat, held, body=BODY, document_language=language)
    document = publish(session, secretariat, minutes)
    text = plain_text(document.content, tmp_path)

    for message in FIXED_TEXT + ["Minutes"]:
        assert translated(language, message) in text or (
            translated(language, message).upper() in text  # the kicker is set in capitals
        ), message
    assert "Represented by" not in text
    pages = len(PdfReader(BytesIO(document.content)).pages)
    page_one = translated(language, "Page %(n)d of %(total)d") % {"n": 1, "total": pages}
    assert page_one in text
    assert "The Assembly discussed the budget for the coming year." in text  # as written


def test_minutes_are_in_english_unless_the_secretariat_chooses(
    session, secretariat, held, tmp_path
):
    minutes = start_minutes(session, secretariat, held, body=BODY)
    assert minutes.document_language == "en"
    text = plain_text(publish(session, secretariat, minutes).content, tmp_path)
    assert all(message in text for message in FIXED_TEXT)
    assert translated("kk", "Represented by") not in text


def test_a_new_language_reaches_the_next_version_and_never_the_published_one(
    session, secretariat, held, tmp_path
):
    first = start_minutes(session, secretariat, held, body=BODY)
    published = publish(session, secretariat, first)
    sha256, content = published.sha256, published.content

    correction = correct_minutes(session, secretariat, first)
    assert correction.document_language == "en"  # the published version's, until changed
    edit_minutes(
        session,
        secretariat,
        correction,
        body=BODY + "\n\nFees corrected.",
        decisions="",
        document_language="tr",
    )
    corrected = publish(session, secretariat, correction)

    session.expire_all()
    old = session.get(StoredDocument, published.id)
    assert (old.sha256, old.content) == (sha256, content)
    assert translated("tr", "Represented by") not in plain_text(old.content, tmp_path)
    assert translated("tr", "Represented by") in plain_text(corrected.content, tmp_path)
    edited = session.scalars(select(AuditEvent).where(AuditEvent.action == "minutes.edited")).one()
    assert json.loads(edited.details)["document_language"] == {"from": "en", "to": "tr"}
    issued = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "document.issued").order_by(AuditEvent.seq)
    ).all()
    assert [json.loads(event.details)["language"] for event in issued] == ["en", "tr"]


def test_an_unknown_document_language_is_refused_and_nothing_changes(session, secretariat, held):
    minutes = start_minutes(session, secretariat, held, body=BODY)
    events = session.scalar(select(func.count(AuditEvent.id)))

    with pytest.raises(Invalid, match="xx is not a language our documents are written in"):
        edit_minutes(
            session, secretariat, minutes, body="Rewritten.", decisions="", document_language="xx"
        )

    session.expire_all()
    unchanged = session.get(Minutes, minutes.id)
    assert (unchanged.body_markdown, unchanged.document_language) == (BODY, "en")
    assert session.scalar(select(func.count(AuditEvent.id))) == events


def test_new_minutes_in_an_unknown_language_are_refused(session, secretariat, held):
    with pytest.raises(Invalid, match="klingon is not a language"):
        start_minutes(session, secretariat, held, body=BODY, document_language="klingon")
    assert session.scalar(select(func.count(Minutes.id))) == 0


def test_the_secretariat_chooses_the_language_in_the_minutes_form(
    client, session, secretariat, held
):
    minutes = start_minutes(session, secretariat, held, body=BODY)
    login(client, secretariat)
    form = client.get(f"/secretariat/minutes/{minutes.id}/edit").get_data(as_text=True)
    assert 'name="document_language"' in form
    assert "Қазақша" in form

    client.post(
        f"/secretariat/minutes/{minutes.id}/edit",
        data={"body": BODY, "decisions": "", "document_language": "kk"},
    )
    session.expire_all()
    assert session.get(Minutes, minutes.id).document_language == "kk"
