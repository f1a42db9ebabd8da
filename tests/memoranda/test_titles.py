"""Each language's text is headed by its own title: on the page, in the PDF, in the drafting
form, in what the parties sign and in the comparison of revisions."""

from __future__ import annotations

import subprocess

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select, text

from association.database import utcnow
from association.domain import Invalid
from association.extensions import db
from association.memoranda import circulation, drafting, issuing
from association.memoranda.models import Revision
from association.memoranda.texts import canonical_text, text_sha256
from tests.factories import login
from tests.memoranda.conftest import TEXT_EN, TEXT_RU, TEXT_TR, sign_as
from tests.memoranda.test_pdf import pdf_text
from tests.test_migrations import bare_app  # noqa: F401  (the fixture)

RUSSIAN_TITLE = "Меморандум о сотрудничестве"
TURKISH_TITLE = "İşbirliği Mutabakat Zaptı"


@pytest.fixture
def titled(session, secretariat, astana, sabah, astana_signatory, sabah_signatory):
    memorandum = drafting.create_memorandum(
        session,
        secretariat,
        title="Memorandum of cooperation",
        place="Astana",
        texts={"en": TEXT_EN, "ru": TEXT_RU, "tr": TEXT_TR},
        titles={"ru": f"  {RUSSIAN_TITLE} ", "tr": TURKISH_TITLE},
    )
    for park in (astana, sabah):
        drafting.add_member_party(session, secretariat, memorandum, park)
    return memorandum


def test_each_text_keeps_its_own_title_and_english_keeps_the_memorandums(titled):
    revision = titled.latest_revision
    assert revision.title_in("en") == "Memorandum of cooperation"
    assert revision.title_in("ru") == RUSSIAN_TITLE
    assert revision.title_in("tr") == TURKISH_TITLE


def test_a_language_without_a_title_of_its_own_is_headed_by_the_memorandums(session, secretariat):
    memorandum = drafting.create_memorandum(
        session, secretariat, title="Memorandum", texts={"en": TEXT_EN, "ru": TEXT_RU}
    )
    assert memorandum.latest_revision.title_in("ru") == "Memorandum"


def test_a_title_for_a_language_without_text_is_refused_and_nothing_saved(session, secretariat):
    with pytest.raises(Invalid, match="Türkçe title has no Türkçe text"):
        drafting.create_memorandum(
            session,
            secretariat,
            title="Memorandum",
            texts={"en": TEXT_EN},
            titles={"tr": TURKISH_TITLE},
        )
    assert session.scalar(select(func.count()).select_from(Revision)) == 0


def test_a_too_long_title_is_refused(session, secretariat):
    with pytest.raises(Invalid, match="at most 300"):
        drafting.create_memorandum(
            session,
            secretariat,
            title="Memorandum",
            texts={"en": TEXT_EN, "ru": TEXT_RU},
            titles={"ru": "М" * 301},
        )


def test_changing_only_a_languages_title_is_a_new_revision(session, secretariat, titled):
    revision = drafting.save_revision(
        session,
        secretariat,
        titled,
        title=titled.title,
        place="Astana",
        texts={"en": TEXT_EN, "ru": TEXT_RU, "tr": TEXT_TR},
        titles={"ru": "Меморандум о партнёрстве", "tr": TURKISH_TITLE},
    )
    assert revision.number == 2
    assert revision.title_in("ru") == "Меморандум о партнёрстве"
    with pytest.raises(Invalid, match="Nothing was changed"):
        drafting.save_revision(
            session,
            secretariat,
            titled,
            title=titled.title,
            place="Astana",
            texts={"en": TEXT_EN, "ru": TEXT_RU, "tr": TEXT_TR},
            titles={"ru": "Меморандум о партнёрстве", "tr": TURKISH_TITLE},
        )


def test_the_signed_text_covers_each_languages_title(session, secretariat, titled):
    revision = titled.latest_revision
    assert RUSSIAN_TITLE in canonical_text(revision, titled.parties)
    before = text_sha256(revision, titled.parties)
    revision.texts[1].title = "Другой заголовок"  # not yet circulated: only the hash is compared
    assert text_sha256(revision, titled.parties) != before


def test_a_text_headed_by_the_memorandums_title_keeps_its_earlier_canonical_form(
    session, secretariat
):
    memorandum = drafting.create_memorandum(
        session, secretariat, title="Memorandum", texts={"en": TEXT_EN}
    )
    assert '"title":"Memorandum"' in canonical_text(memorandum.latest_revision, [])
    assert canonical_text(memorandum.latest_revision, []).count('"title"') == 1


def test_the_page_heads_each_language_with_its_title(client, session, secretariat, titled):
    login(client, secretariat)
    page = client.get(f"/memoranda/{titled.id}").get_data(as_text=True)
    # Each text's own section (the language switcher's buttons carry lang attributes too).
    russian = page.split('class="memorandum-text card mb-3" lang="ru"', 1)[1].split("</section>")[0]
    assert RUSSIAN_TITLE in russian
    assert "Memorandum of cooperation" not in russian
    turkish = page.split('class="memorandum-text card mb-3" lang="tr"', 1)[1].split("</section>")[0]
    assert TURKISH_TITLE in turkish


def test_the_drafting_form_asks_for_each_title_and_keeps_it(client, session, secretariat, titled):
    login(client, secretariat)
    form = client.get(f"/secretariat/memoranda/{titled.id}/edit").get_data(as_text=True)
    assert 'name="title_ru"' in form
    assert RUSSIAN_TITLE in form
    assert 'name="title_kk"' in form
    assert 'name="title_en"' not in form  # English is headed by the title itself
    response = client.post(
        f"/secretariat/memoranda/{titled.id}/edit",
        data={
            "title": titled.title,
            "place": "Astana",
            "base_number": "1",
            "text_en": TEXT_EN,
            "text_ru": TEXT_RU,
            "text_tr": TEXT_TR,
            "title_ru": "Меморандум о партнёрстве",
            "title_tr": TURKISH_TITLE,
        },
    )
    assert response.status_code == 302
    session.expire_all()
    assert titled.latest_revision.title_in("ru") == "Меморандум о партнёрстве"


def test_the_comparison_shows_a_changed_title(client, session, secretariat, titled):
    drafting.save_revision(
        session,
        secretariat,
        titled,
        title=titled.title,
        place="Astana",
        texts={"en": TEXT_EN, "ru": TEXT_RU, "tr": TEXT_TR},
        titles={"ru": "Меморандум о партнёрстве", "tr": TURKISH_TITLE},
    )
    login(client, secretariat)
    page = client.get(f"/memoranda/{titled.id}/revisions/1/compare/2").get_data(as_text=True)
    assert "<ins>партнёрстве</ins>" in page


def test_the_pdf_heads_each_language_with_its_title(
    session, secretariat, titled, astana_signatory, sabah_signatory, tmp_path
):
    circulation.circulate(session, secretariat, titled)
    sign_as(session, astana_signatory, titled)
    sign_as(session, sabah_signatory, titled)
    issuing.issue_memorandum(session, secretariat, titled)
    path = tmp_path / "m.pdf"
    path.write_bytes(titled.document.content)
    pages = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    russian = next(page for page in pages if "Стороны договорились" in page)
    assert RUSSIAN_TITLE in russian
    assert "Memorandum of cooperation" not in russian
    turkish = next(page for page in pages if "Taraflar, teknoloji" in page)
    assert TURKISH_TITLE in " ".join(turkish.split())
    assert "Memorandum of cooperation" in pdf_text(titled.document.content, tmp_path)


@pytest.mark.usefixtures("bare_app")
def test_upgrade_gives_the_texts_saved_before_their_revisions_title():
    upgrade(revision="0009")
    now = utcnow()
    db.session.execute(
        text(
            "INSERT INTO memoranda (id, title, place, status, public, created_at, "
            "termination_reason) VALUES (1, 'Old memorandum', '', 'draft', false, :now, '')"
        ),
        {"now": now},
    )
    db.session.execute(
        text(
            "INSERT INTO memorandum_revisions (id, memorandum_id, number, title, place, note, "
            "created_at) VALUES (1, 1, 1, 'Old memorandum', '', '', :now)"
        ),
        {"now": now},
    )
    db.session.execute(
        text(
            "INSERT INTO memorandum_revision_texts (revision_id, language, body) "
            "VALUES (1, 'en', 'One.'), (1, 'ru', 'Один.')"
        )
    )
    db.session.commit()
    db.session.close()

    upgrade()
    titles = db.session.execute(
        text("SELECT language, title FROM memorandum_revision_texts ORDER BY language")
    ).all()
    assert [tuple(row) for row in titles] == [("en", "Old memorandum"), ("ru", "Old memorandum")]
