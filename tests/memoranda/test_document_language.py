"""The issued memorandum's fixed text (cover, headings, the signature and audit-trail pages) in
the document language the secretariat chose, English by default; the texts stay as drafted,
each language from a page of its own; an issued PDF never changes; an unknown language is
refused."""

from __future__ import annotations

import html
import json

import pytest
from sqlalchemy import func, select

from association.audit.models import AuditEvent
from association.catalogs import read_catalog
from association.domain import Conflict, Invalid
from association.memoranda import circulation, drafting, issuing
from association.memoranda.models import Memorandum, Revision
from tests.documents.pdf_helpers import plain_text
from tests.factories import login
from tests.memoranda.conftest import TEXT_EN, TEXT_RU, sign_as

# Table heads of the signature and audit-trail pages, as the code marks them.
FIXED_TEXT = ["Party", "Signatory", "Evidence", "Event", "By"]


def translated(language: str, message: str) -> str:
    return read_catalog(language)[message].string


@pytest.fixture
def sign_and_issue(session, secretariat, astana_signatory, sabah_signatory):
    def issue(memorandum: Memorandum) -> Memorandum:
        if memorandum.current_circulation is None:
            circulation.circulate(session, secretariat, memorandum)
        sign_as(session, astana_signatory, memorandum)
        sign_as(session, sabah_signatory, memorandum)
        return issuing.issue_memorandum(session, secretariat, memorandum)

    return issue


def create(session, secretariat, astana, sabah, **fields) -> Memorandum:
    memorandum = drafting.create_memorandum(
        session,
        secretariat,
        title="Memorandum of cooperation",
        place="Astana",
        texts={"en": TEXT_EN, "ru": TEXT_RU},
        **fields,
    )
    for park in (astana, sabah):
        drafting.add_member_party(session, secretariat, memorandum, park)
    return memorandum


def edit(session, secretariat, memorandum, **fields) -> Revision:
    latest = memorandum.latest_revision
    return drafting.save_revision(
        session,
        secretariat,
        memorandum,
        title=latest.title,
        place=latest.place,
        texts={text.language: text.body for text in latest.texts},
        **fields,
    )


@pytest.mark.parametrize("language", ["kk", "tr"])
def test_the_issued_pdf_has_its_fixed_text_in_the_document_language(
    session, secretariat, astana, sabah, sign_and_issue, tmp_path, language
):
    memorandum = create(session, secretariat, astana, sabah, document_language=language)
    text = plain_text(sign_and_issue(memorandum).document.content, tmp_path)

    for message in FIXED_TEXT:
        assert translated(language, message) in text, message
    assert "Signatory" not in text
    # The texts as drafted, each closing with its own language's clause.
    assert "The Parties agree to cooperate in developing technology parks" in text
    assert "all texts are equally authentic" in text
    assert "Стороны договорились сотрудничать" in text
    assert "все тексты имеют одинаковую силу" in text


def test_a_memorandum_is_issued_in_english_unless_the_secretariat_chooses(
    session, secretariat, astana, sabah, sign_and_issue, tmp_path
):
    memorandum = create(session, secretariat, astana, sabah)
    assert memorandum.document_language == "en"
    text = plain_text(sign_and_issue(memorandum).document.content, tmp_path)
    assert all(message in text for message in FIXED_TEXT)
    assert translated("kk", "Signatory") not in text


def test_the_language_changes_while_circulating_without_a_new_revision_or_lapsed_signatures(
    session, secretariat, astana, sabah, astana_signatory, sign_and_issue, tmp_path
):
    memorandum = create(session, secretariat, astana, sabah)
    circulation.circulate(session, secretariat, memorandum)
    open_circulation = memorandum.current_circulation

    kept = edit(session, secretariat, memorandum, document_language="tr")

    assert kept.number == 1
    assert memorandum.current_circulation is open_circulation
    assert memorandum.document_language == "tr"
    changed = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "memorandum.document_language_changed")
    ).one()
    assert json.loads(changed.details) == {"from": "en", "to": "tr"}
    issued = sign_and_issue(memorandum)
    assert translated("tr", "Signatory") in plain_text(issued.document.content, tmp_path)
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "memorandum.issued"))
    assert json.loads(event.one().details)["document_language"] == "tr"


def test_an_issued_memorandums_language_and_pdf_stay_as_issued(
    session, secretariat, astana, sabah, sign_and_issue
):
    issued = sign_and_issue(create(session, secretariat, astana, sabah, document_language="kk"))
    sha256 = issued.document.sha256

    with pytest.raises(Conflict, match="is issued"):
        edit(session, secretariat, issued, document_language="tr")

    session.expire_all()
    again = session.get(Memorandum, issued.id)
    assert (again.document_language, again.document.sha256) == ("kk", sha256)


def test_an_unknown_document_language_is_refused_and_nothing_changes(
    session, secretariat, astana, sabah
):
    memorandum = create(session, secretariat, astana, sabah)
    events = session.scalar(select(func.count(AuditEvent.id)))

    with pytest.raises(Invalid, match="xx is not a language our documents are written in"):
        edit(session, secretariat, memorandum, document_language="xx", public=True)

    session.expire_all()
    unchanged = session.get(Memorandum, memorandum.id)
    assert (unchanged.document_language, unchanged.public) == ("en", False)
    assert len(unchanged.revisions) == 1
    assert session.scalar(select(func.count(AuditEvent.id))) == events


def test_a_new_memorandum_in_an_unknown_language_is_refused(session, secretariat):
    with pytest.raises(Invalid, match="EN is not a language"):
        drafting.create_memorandum(
            session, secretariat, title="Memorandum", texts={"en": TEXT_EN}, document_language="EN"
        )
    assert session.scalar(select(func.count(Memorandum.id))) == 0


def test_the_secretariat_chooses_the_language_in_the_memorandum_form(
    client, session, secretariat, astana, sabah
):
    memorandum = create(session, secretariat, astana, sabah)
    login(client, secretariat)
    form = client.get(f"/secretariat/memoranda/{memorandum.id}/edit").get_data(as_text=True)
    assert 'name="document_language"' in form

    response = client.post(
        f"/secretariat/memoranda/{memorandum.id}/edit",
        data={
            "title": "Memorandum of cooperation",
            "place": "Astana",
            "text_en": TEXT_EN,
            "text_ru": TEXT_RU,
            "base_number": "1",
            "document_language": "kk",
        },
        follow_redirects=True,
    )
    assert "The language of the PDF is saved; the text is unchanged." in html.unescape(
        response.get_data(as_text=True)
    )
    session.expire_all()
    saved = session.get(Memorandum, memorandum.id)
    assert (saved.document_language, len(saved.revisions)) == ("kk", 1)
