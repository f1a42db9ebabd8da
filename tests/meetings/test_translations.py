"""A meeting's title in more languages: given through the domain functions under the English
title's rules, while the meeting can be edited, and shown in each reader's language, else in
English marked as English."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from association.audit.models import AuditEvent
from association.catalogs import read_catalog
from association.database import utcnow
from association.domain import Conflict, Invalid
from association.mail.models import OutboxMessage
from association.meetings.agenda import add_agenda_item
from association.meetings.models import Meeting, MeetingTranslation
from association.meetings.scheduling import (
    cancel_meeting,
    record_past_meeting,
    update_meeting,
)
from tests.factories import login

KAZAKH = {"title": "Қауымдастықтың Жалпы жиналысы"}
TURKISH = {"title": "Birlik Genel Kurulu"}


def _translations(session, meeting) -> dict[str, str]:
    session.expire_all()
    rows = session.scalars(
        select(MeetingTranslation).where(MeetingTranslation.meeting_id == meeting.id)
    )
    return {row.language: row.title for row in rows}


def _update(session, secretariat, meeting, translations):
    return update_meeting(
        session,
        secretariat,
        meeting,
        kind=meeting.kind,
        title=meeting.title,
        timezone=meeting.timezone,
        place=meeting.place,
        online_url=meeting.online_url,
        translations=translations,
    )


def _last_details(session, action) -> dict:
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq.desc())
    ).first()
    return json.loads(event.details)


# --- the domain -----------------------------------------------------------------------------


def test_a_new_meeting_keeps_its_translated_titles(session, make_meeting):
    meeting = make_meeting(translations={"kk": KAZAKH, "tr": TURKISH})
    assert _translations(session, meeting) == {"kk": KAZAKH["title"], "tr": TURKISH["title"]}
    assert _last_details(session, "meeting.scheduled")["translations"] == ["kk", "tr"]


def test_a_translated_title_is_added_changed_and_removed_and_each_change_is_audited(
    session, secretariat, make_meeting
):
    meeting = make_meeting()
    sequence = meeting.sequence
    _update(session, secretariat, meeting, {"kk": KAZAKH})
    assert _translations(session, meeting) == {"kk": KAZAKH["title"]}
    assert _last_details(session, "meeting.updated")["translations"] == {"kk": "added"}
    # A calendar picks up the change, as it does the English title's.
    assert session.get(Meeting, meeting.id).sequence == sequence + 1

    _update(session, secretariat, meeting, {"kk": {"title": "Жалпы жиналыс"}})
    assert _translations(session, meeting) == {"kk": "Жалпы жиналыс"}
    assert _last_details(session, "meeting.updated")["translations"] == {"kk": "changed"}

    _update(session, secretariat, meeting, {"tr": TURKISH})
    assert set(_translations(session, meeting)) == {"kk", "tr"}
    _update(session, secretariat, meeting, {"kk": {"title": "  "}})
    assert _translations(session, meeting) == {"tr": TURKISH["title"]}
    assert _last_details(session, "meeting.updated")["translations"] == {"kk": "removed"}


def test_a_cancelled_meeting_takes_no_new_translation(session, secretariat, make_meeting):
    meeting = make_meeting()
    cancel_meeting(session, secretariat, meeting, "No venue")
    with pytest.raises(Conflict):
        _update(session, secretariat, meeting, {"kk": KAZAKH})
    assert _translations(session, meeting) == {}


def test_a_translated_title_in_an_unknown_language_is_refused(session, make_meeting):
    with pytest.raises(Invalid, match="xx is not a language a translation can be given in"):
        make_meeting(translations={"xx": {"title": "Title"}})
    assert session.scalar(select(func.count()).select_from(Meeting)) == 0


def test_an_over_long_or_two_line_translated_title_is_refused(session, secretariat, make_meeting):
    meeting = make_meeting()
    with pytest.raises(Invalid, match=r"Title \(Türkçe\) is too long: at most 300"):
        _update(session, secretariat, meeting, {"tr": {"title": "ş" * 301}})
    with pytest.raises(Invalid, match=r"Title \(Türkçe\) must be a single line"):
        _update(session, secretariat, meeting, {"tr": {"title": "Genel\nKurul"}})
    assert _translations(session, meeting) == {}


def test_a_past_meeting_is_recorded_with_its_translated_titles(session, secretariat):
    start = utcnow() - timedelta(days=3)
    meeting = record_past_meeting(
        session,
        secretariat,
        kind="board",
        title="Board",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        place="Astana",
        translations={"kk": {"title": "Басқарма отырысы"}},
    )
    assert _translations(session, meeting) == {"kk": "Басқарма отырысы"}


def test_the_scheduling_mail_gives_each_reader_the_title_in_their_language(
    session, make_park, make_user, make_meeting
):
    kazakh = make_user(park=make_park("Astana Hub", language="kk"))
    english = make_user(park=make_park("Sabah Lab", country="AZ"))
    make_meeting(translations={"kk": KAZAKH})
    bodies = {message.recipient: message.body for message in session.scalars(select(OutboxMessage))}
    starts = read_catalog("kk")["Starts"].string
    assert f"General Assembly\n{KAZAKH['title']}\n{starts}:" in bodies[kazakh.email]
    assert "General Assembly\nStarts:" in bodies[english.email]


# --- the pages ------------------------------------------------------------------------------


def _heading(page: str, opening: str) -> str:
    """The title as the element opened by `opening` shows it, before the status badge."""
    return re.search(re.escape(opening) + r'(.*?)\s*<span class="badge', page, re.S).group(1)


def test_a_kazakh_reader_sees_the_kazakh_title_in_the_list_and_on_the_page(
    client, make_meeting, member
):
    meeting = make_meeting(translations={"kk": KAZAKH})
    login(client, member)
    listing = client.get("/meetings?lang=kk").get_data(as_text=True)
    assert _heading(listing, '<div class="fw-semibold">') == KAZAKH["title"]
    page = client.get(f"/meetings/{meeting.id}?lang=kk").get_data(as_text=True)
    assert _heading(page, '<h1 class="h3 mb-1">') == KAZAKH["title"]
    also = re.search(r'<p class="small also-in[^>]*>(.*?)</p>', page, re.S).group(1)
    assert f'<a href="/meetings/{meeting.id}?lang=en" lang="en" hreflang="en">English</a>' in also


def test_a_turkish_reader_without_a_turkish_title_sees_english_marked_english(
    client, make_meeting, member
):
    meeting = make_meeting(translations={"kk": KAZAKH})
    login(client, member)
    page = client.get(f"/meetings/{meeting.id}?lang=tr").get_data(as_text=True)
    assert _heading(page, '<h1 class="h3 mb-1">') == '<span lang="en">General Assembly</span>'
    also = re.search(r'<p class="small also-in[^>]*>(.*?)</p>', page, re.S).group(1)
    assert f'<a href="/meetings/{meeting.id}?lang=kk" lang="kk" hreflang="kk">Қазақша</a>' in also
    assert "English" not in also


def test_an_agenda_item_links_to_the_initiative_by_its_title_in_the_readers_language(
    client, session, secretariat, make_meeting, make_vote, member
):
    vote = make_vote("Budget for the coming year", translations={"kk": {"title": "Бюджет"}})
    meeting = make_meeting()
    add_agenda_item(
        session, secretariat, meeting, title="Budget", linked_type="initiative", linked_id=vote.id
    )
    login(client, member)
    link = f'<a href="/initiatives/{vote.id}">'
    assert f"{link}Бюджет</a>" in client.get(f"/meetings/{meeting.id}?lang=kk").get_data(
        as_text=True
    )
    assert f'{link}<span lang="en">Budget for the coming year</span></a>' in client.get(
        f"/meetings/{meeting.id}?lang=uz"
    ).get_data(as_text=True)


def test_the_dashboard_names_an_upcoming_meeting_in_the_readers_language(
    client, make_meeting, member
):
    make_meeting(translations={"kk": KAZAKH})
    login(client, member)
    assert f"{KAZAKH['title']}" in client.get("/dashboard?lang=kk").get_data(as_text=True)
    assert '<span lang="en">General Assembly</span>' in client.get("/dashboard?lang=ky").get_data(
        as_text=True
    )


def test_the_secretariat_edits_the_translated_titles_in_the_edit_form(
    client, session, secretariat, make_meeting
):
    meeting = make_meeting(translations={"kk": KAZAKH})
    login(client, secretariat)
    page = client.get(f"/secretariat/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert re.search(r'<fieldset [^>]*lang="kk">\s*<legend[^>]*>Қазақша</legend>', page)
    assert f'value="{KAZAKH["title"]}"' in page
    response = client.post(
        f"/secretariat/meetings/{meeting.id}/edit",
        data={
            "kind": "general_assembly",
            "title": "General Assembly",
            "timezone": "Asia/Tashkent",
            "place": "IT Park, Tashkent",
            "online_url": "",
            "in_kk-title": "",
            "in_tr-title": TURKISH["title"],
        },
    )
    assert response.status_code == 302
    assert _translations(session, meeting) == {"tr": TURKISH["title"]}


def test_the_new_meeting_and_past_meeting_forms_offer_each_language(client, secretariat):
    login(client, secretariat)
    for path in ("/secretariat/meetings/new", "/secretariat/meetings/record"):
        page = client.get(path).get_data(as_text=True)
        for code in ("kk", "tr", "az", "uz", "ky", "ru"):
            assert f'name="in_{code}-title"' in page, (path, code)
