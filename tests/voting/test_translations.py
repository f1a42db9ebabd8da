"""An initiative's title and summary in more languages: given through the domain functions
under the English text's rules and frozen with it, shown in each reader's language, else in
English marked as English."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from association.audit.models import AuditEvent
from association.domain import Conflict, Invalid
from association.mail.models import OutboxMessage
from association.voting.initiatives import create_initiative, update_initiative
from association.voting.models import Initiative, InitiativeTranslation
from association.voting.votes import close_vote
from tests.factories import EARLY, login

KAZAKH = {
    "title": "2027 жылғы бірлескен акселерациялық бағдарлама",
    "summary": "Үш мүше технопарк өткізетін бірлескен акселератордың үш ағыны.",
}
RUSSIAN = {"title": "Совместная акселерационная программа 2027 года", "summary": ""}


def _translations(session, initiative) -> dict[str, tuple[str, str]]:
    session.expire_all()
    rows = session.scalars(
        select(InitiativeTranslation).where(InitiativeTranslation.initiative_id == initiative.id)
    )
    return {row.language: (row.title, row.summary) for row in rows}


def _last_details(session, action) -> dict:
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq.desc())
    ).first()
    return json.loads(event.details)


# --- the domain -----------------------------------------------------------------------------


def test_a_new_initiative_keeps_its_translations_and_the_audit_names_them(session, make_initiative):
    initiative = make_initiative(translations={"kk": KAZAKH, "ru": RUSSIAN})
    assert _translations(session, initiative) == {
        "kk": (KAZAKH["title"], KAZAKH["summary"]),
        "ru": (RUSSIAN["title"], ""),
    }
    assert _last_details(session, "initiative.created")["translations"] == ["kk", "ru"]


def test_a_translation_is_added_changed_and_removed_and_each_change_is_audited(
    session, secretariat, make_initiative
):
    initiative = make_initiative()
    update_initiative(session, secretariat, initiative, translations={"kk": KAZAKH})
    assert _translations(session, initiative) == {"kk": (KAZAKH["title"], KAZAKH["summary"])}
    assert _last_details(session, "initiative.updated") == {
        "changed": ["translations"],
        "translations": {"kk": "added"},
    }

    update_initiative(
        session, secretariat, initiative, translations={"kk": {**KAZAKH, "summary": ""}}
    )
    assert _translations(session, initiative) == {"kk": (KAZAKH["title"], "")}
    assert _last_details(session, "initiative.updated")["translations"] == {"kk": "changed"}

    # A language left out stays as it is; a language given empty is removed.
    update_initiative(session, secretariat, initiative, translations={"ru": RUSSIAN})
    assert set(_translations(session, initiative)) == {"kk", "ru"}
    update_initiative(
        session, secretariat, initiative, translations={"kk": {"title": "", "summary": ""}}
    )
    assert set(_translations(session, initiative)) == {"ru"}
    assert _last_details(session, "initiative.updated")["translations"] == {"kk": "removed"}


def test_saving_the_same_translations_again_changes_nothing_and_audits_nothing(
    session, secretariat, make_initiative
):
    initiative = make_initiative(translations={"kk": KAZAKH})
    before = session.scalar(select(func.count()).select_from(AuditEvent))
    update_initiative(session, secretariat, initiative, translations={"kk": dict(KAZAKH)})
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == before


def test_translations_freeze_with_the_text_when_voting_opens(
    session, secretariat, make_open_vote, delegate
):
    initiative = make_open_vote(translations={"kk": KAZAKH})
    with pytest.raises(Conflict, match="can no longer be changed"):
        update_initiative(session, secretariat, initiative, translations={"ru": RUSSIAN})
    with pytest.raises(Conflict):
        update_initiative(
            session, secretariat, initiative, translations={"kk": {"title": "", "summary": ""}}
        )
    close_vote(session, secretariat, initiative, reason=EARLY)
    with pytest.raises(Conflict):
        update_initiative(session, secretariat, initiative, translations={"kk": RUSSIAN})
    assert _translations(session, initiative) == {"kk": (KAZAKH["title"], KAZAKH["summary"])}


@pytest.mark.parametrize("language", ["en", "de", "kz", ""])
def test_a_translation_in_a_language_the_platform_does_not_offer_is_refused(
    session, secretariat, make_initiative, language
):
    initiative = make_initiative()
    with pytest.raises(Invalid, match="not a language a translation can be given in"):
        update_initiative(
            session, secretariat, initiative, translations={language: {"title": "A title"}}
        )
    with pytest.raises(Invalid, match="kk, tr, az, uz, ky, ru"):
        create_initiative(
            session, secretariat, title="Another", translations={language: {"title": "A title"}}
        )
    assert _translations(session, initiative) == {}
    assert session.scalar(select(func.count()).select_from(Initiative)) == 1


def test_an_over_long_translated_title_is_refused_as_the_english_one_is(
    session, secretariat, make_initiative
):
    initiative = make_initiative()
    with pytest.raises(Invalid, match=r"Title \(Қазақша\) is too long: at most 300 characters"):
        update_initiative(
            session, secretariat, initiative, translations={"kk": {"title": "ә" * 301}}
        )
    update_initiative(session, secretariat, initiative, translations={"kk": {"title": "ә" * 300}})
    assert _translations(session, initiative)["kk"][0] == "ә" * 300


@pytest.mark.parametrize("title", ["Two\nlines", "A\ttab", "Bell\x07", "Next\u2028line"])
def test_a_translated_title_is_one_line_without_control_characters(
    session, secretariat, make_initiative, title
):
    initiative = make_initiative()
    with pytest.raises(Invalid, match=r"Title \(Türkçe\) must be a single line"):
        update_initiative(session, secretariat, initiative, translations={"tr": {"title": title}})
    assert _translations(session, initiative) == {}


def test_a_translated_summary_keeps_line_breaks_but_no_control_character(
    session, secretariat, make_initiative
):
    initiative = make_initiative()
    with pytest.raises(Invalid, match=r"Summary \(Русский\) contains a control character"):
        update_initiative(
            session,
            secretariat,
            initiative,
            translations={"ru": {"title": "Заголовок", "summary": "Стро\x0bка"}},
        )
    update_initiative(
        session,
        secretariat,
        initiative,
        translations={"ru": {"title": "  Заголовок  ", "summary": "Первая\r\nвторая"}},
    )
    assert _translations(session, initiative)["ru"] == ("Заголовок", "Первая\nвторая")


def test_a_translated_summary_without_its_title_is_refused(session, secretariat, make_initiative):
    initiative = make_initiative()
    with pytest.raises(Invalid, match=r"Title \(Қазақша\) is missing"):
        update_initiative(
            session, secretariat, initiative, translations={"kk": {"summary": KAZAKH["summary"]}}
        )


def test_a_field_that_is_not_translated_is_refused(session, secretariat, make_initiative):
    initiative = make_initiative()
    with pytest.raises(Invalid, match="body_markdown"):
        update_initiative(
            session,
            secretariat,
            initiative,
            translations={"kk": {"title": "Тақырып", "body_markdown": "Мәтін"}},
        )


def test_a_refused_translation_leaves_the_rest_of_the_change_unsaved(
    session, secretariat, make_initiative
):
    initiative = make_initiative()
    with pytest.raises(Invalid):
        update_initiative(
            session,
            secretariat,
            initiative,
            title="A new English title",
            translations={"kk": {"title": "ә" * 301}},
        )
    session.expire_all()
    assert session.get(Initiative, initiative.id).title == "Joint accelerator programme 2027"


def test_the_title_in_a_language_falls_back_to_english(make_initiative):
    initiative = make_initiative(summary="In English.", translations={"kk": {"title": "Қазақша"}})
    assert initiative.title_in("kk").text == "Қазақша"
    assert initiative.title_in("kk").language == "kk"
    assert initiative.title_in("tr").text == "Joint accelerator programme 2027"
    assert initiative.title_in("tr").language == "en"
    # A translation without a summary leaves the summary in English.
    assert initiative.text_in("summary", "kk").language == "en"
    assert initiative.languages == ["en", "kk"]


def test_the_vote_opened_mail_gives_a_delegate_the_title_in_their_park_language(
    session, make_park, make_user, make_open_vote
):
    kazakh = make_user(park=make_park("Astana Hub", language="kk"), delegate=True)
    turkish = make_user(
        park=make_park("Bilişim Vadisi", country="TR", language="tr"), delegate=True
    )
    make_open_vote(translations={"kk": KAZAKH})
    bodies = {
        message.recipient: message.body
        for message in session.scalars(
            select(OutboxMessage).where(OutboxMessage.recipient.in_([kazakh.email, turkish.email]))
        )
    }
    assert KAZAKH["title"] in bodies[kazakh.email]
    assert "Joint accelerator programme 2027" in bodies[kazakh.email]
    assert KAZAKH["title"] not in bodies[turkish.email]


# --- the pages ------------------------------------------------------------------------------


def _title_markup(page: str) -> str:
    return re.search(r'<h1 class="h3 mb-1">(.*?)\s*<span class="badge', page, re.S).group(1)


def test_a_kazakh_reader_sees_the_kazakh_title_and_summary(client, make_open_vote, delegate):
    initiative = make_open_vote(summary="Three cohorts in 2027.", translations={"kk": KAZAKH})
    page = client.get(f"/initiatives/{initiative.id}?lang=kk").get_data(as_text=True)
    assert _title_markup(page) == KAZAKH["title"]  # the page's own language: not marked
    assert f"<title>{KAZAKH['title']}" in page
    assert f'<p class="lead">{KAZAKH["summary"]}</p>' in page
    assert "Joint accelerator programme 2027" not in page
    listing = client.get("/initiatives?lang=kk").get_data(as_text=True)
    assert KAZAKH["title"] in listing
    assert KAZAKH["summary"] in listing
    assert KAZAKH["title"] in client.get("/?lang=kk").get_data(as_text=True)


def test_a_reader_whose_language_has_no_translation_sees_english_marked_english(
    client, make_open_vote, delegate
):
    initiative = make_open_vote(summary="Three cohorts in 2027.", translations={"kk": KAZAKH})
    page = client.get(f"/initiatives/{initiative.id}?lang=tr").get_data(as_text=True)
    assert _title_markup(page) == '<span lang="en">Joint accelerator programme 2027</span>'
    assert '<p class="lead"><span lang="en">Three cohorts in 2027.</span></p>' in page
    listing = client.get("/initiatives?lang=tr").get_data(as_text=True)
    assert '<span lang="en">Joint accelerator programme 2027</span>' in listing
    home = client.get("/?lang=tr").get_data(as_text=True)
    assert '<span lang="en">Joint accelerator programme 2027</span>' in home


def test_an_english_reader_sees_english_unmarked(client, make_open_vote, delegate):
    initiative = make_open_vote(translations={"kk": KAZAKH})
    page = client.get(f"/initiatives/{initiative.id}").get_data(as_text=True)
    assert _title_markup(page) == "Joint accelerator programme 2027"


def test_the_page_links_to_itself_in_the_other_languages_of_the_initiative(
    client, make_open_vote, delegate
):
    initiative = make_open_vote(translations={"kk": KAZAKH, "ru": RUSSIAN})
    page = client.get(f"/initiatives/{initiative.id}?lang=kk").get_data(as_text=True)
    also = re.search(r'<p class="small also-in[^>]*>(.*?)</p>', page, re.S).group(1)
    path = f"/initiatives/{initiative.id}"
    assert f'<a href="{path}?lang=en" lang="en" hreflang="en">English</a>' in also
    assert f'<a href="{path}?lang=ru" lang="ru" hreflang="ru">Русский</a>' in also
    assert "Қазақша" not in also  # the language the page already shows
    # On a page whose language has none, every language the initiative is given in but the
    # English shown.
    also = re.search(
        r'<p class="small also-in[^>]*>(.*?)</p>',
        client.get(f"{path}?lang=tr").get_data(as_text=True),
        re.S,
    ).group(1)
    assert "Қазақша" in also
    assert "Русский" in also
    assert "English" not in also


def test_an_initiative_in_english_only_has_no_also_in_links(client, make_open_vote, delegate):
    initiative = make_open_vote()
    page = client.get(f"/initiatives/{initiative.id}?lang=kk").get_data(as_text=True)
    assert "also-in" not in page


def test_the_delegates_dashboard_shows_the_title_in_their_language(
    client, make_open_vote, delegate
):
    make_open_vote(translations={"kk": KAZAKH})
    login(client, delegate)
    assert KAZAKH["title"] in client.get("/dashboard?lang=kk").get_data(as_text=True)
    page = client.get("/dashboard?lang=ru").get_data(as_text=True)
    assert '<span lang="en">Joint accelerator programme 2027</span>' in page


def _form(**extra) -> dict:
    data = {
        "title": "Joint accelerator programme 2027",
        "summary": "Three cohorts in 2027.",
        "kind": "general",
        "proposer": "0",
        "ballot_kind": "yes_no",
        "quorum": "1/2",
        "majority": "simple",
        "changes_allowed": "y",
    }
    data.update(extra)
    return data


def test_the_form_has_one_fieldset_per_language_named_in_it(client, secretariat):
    login(client, secretariat)
    page = client.get("/secretariat/initiatives/new").get_data(as_text=True)
    for code, name in [("kk", "Қазақша"), ("tr", "Türkçe"), ("ru", "Русский")]:
        assert re.search(rf'<fieldset [^>]*lang="{code}">\s*<legend[^>]*>{name}</legend>', page), (
            code
        )
        assert f'name="in_{code}-title"' in page
        assert f'name="in_{code}-summary"' in page
    # English is the form's own title and summary, not a fieldset of its own.
    assert not re.search(r'<fieldset [^>]*lang="en"', page)
    assert 'name="in_en-title"' not in page
    # The labels inside a fieldset stay in the page's language.
    assert '<label class="form-label small mb-1" for="in_kk-title" lang="en">Title</label>' in page


def test_the_secretariat_gives_translations_through_the_form_and_edits_them(
    client, session, secretariat
):
    login(client, secretariat)
    response = client.post(
        "/secretariat/initiatives/new",
        data=_form(**{"in_kk-title": KAZAKH["title"], "in_kk-summary": KAZAKH["summary"]}),
    )
    assert response.status_code == 302
    initiative = session.scalar(select(Initiative))
    assert _translations(session, initiative) == {"kk": (KAZAKH["title"], KAZAKH["summary"])}

    edit = client.get(f"/secretariat/initiatives/{initiative.id}/edit").get_data(as_text=True)
    assert f'value="{KAZAKH["title"]}"' in edit
    assert KAZAKH["summary"] in edit

    response = client.post(
        f"/secretariat/initiatives/{initiative.id}/edit",
        data=_form(**{"in_ru-title": RUSSIAN["title"]}),  # the Kazakh fieldset left empty
    )
    assert response.status_code == 302
    assert _translations(session, initiative) == {"ru": (RUSSIAN["title"], "")}


def test_a_translated_title_with_a_line_break_is_refused_beside_its_field(
    client, session, secretariat
):
    login(client, secretariat)
    response = client.post(
        "/secretariat/initiatives/new", data=_form(**{"in_tr-title": "İki\nsatır"})
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    fieldset = page[page.index('translation" lang="tr"') : page.index('translation" lang="az"')]
    assert "must be a single line" in fieldset
    assert 'aria-invalid="true"' in fieldset
    assert session.scalar(select(func.count()).select_from(Initiative)) == 0


def test_a_translated_summary_without_a_title_is_refused_by_the_form_page(
    client, session, secretariat
):
    login(client, secretariat)
    response = client.post(
        "/secretariat/initiatives/new", data=_form(**{"in_kk-summary": KAZAKH["summary"]})
    )
    assert response.status_code == 200
    assert "Title (Қазақша) is missing" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Initiative)) == 0
