"""Script payloads in every Markdown and text field: what is rendered back never runs.

Each field is filled through the area's own service (as its form would), with every payload
at once; a field the service refuses outright is safe as well. Then every page that shows the
field is read by someone who may see it, and must hold no executable markup."""

from __future__ import annotations

from datetime import timedelta

import pytest

from association.database import utcnow
from association.domain import Invalid
from association.meetings.agenda import add_agenda_item
from association.meetings.minutes import circulate_minutes, comment_on_minutes, start_minutes
from association.meetings.models import MeetingKind
from association.meetings.scheduling import create_meeting, mark_held
from association.membership import applications, profiles
from association.memoranda import circulation as memoranda_circulation
from association.memoranda import drafting as memoranda_drafting
from association.voting import initiatives as voting
from association.voting import votes
from tests.factories import login
from tests.membership.conftest import application_input, submit_confirmed
from tests.security.conftest import XSS_PAYLOADS, executable_markup

# Every payload at once in each field (one test per field keeps the suite fast).
PAYLOADS = pytest.mark.parametrize("payload", [" ".join(XSS_PAYLOADS)], ids=["all-payloads"])


def assert_inert(client, *paths: str) -> None:
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        page = response.get_data(as_text=True)
        assert executable_markup(page) == [], (path, executable_markup(page))
        assert "XSSFIELD" in page, f"{path}: the field is not shown"


def switch(client, user) -> None:
    client.post("/logout")
    login(client, user)


def _held_meeting(session, secretariat, title="General Assembly", place="IT Park, Tashkent"):
    start = utcnow().replace(microsecond=0) - timedelta(days=7)
    meeting = create_meeting(
        session,
        None,
        historical=True,
        kind=MeetingKind.GENERAL_ASSEMBLY,
        title=title,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        timezone="Asia/Tashkent",
        place=place,
    )
    mark_held(session, secretariat, meeting)
    return meeting


# --- Markdown fields ----------------------------------------------------------------------


@PAYLOADS
def test_script_in_an_initiative_body_does_not_run(client, session, secretariat, delegate, payload):
    initiative = voting.create_initiative(
        session,
        secretariat,
        title=f"XSSFIELD Programme {payload}",
        summary=f"XSSFIELD Summary {payload}",
        body_markdown=f"XSSFIELD # Body\n\n{payload}\n",
    )
    votes.open_vote(session, secretariat, initiative, closes_at=utcnow() + timedelta(days=7))
    login(client, delegate)
    assert_inert(client, f"/initiatives/{initiative.id}", "/initiatives")
    client.post("/logout")
    assert_inert(client, f"/initiatives/{initiative.id}")  # a visitor sees public initiatives too


@PAYLOADS
def test_script_in_minutes_body_and_decisions_does_not_run(
    client, session, secretariat, delegate, payload
):
    meeting = _held_meeting(session, secretariat)
    minutes = start_minutes(
        session,
        secretariat,
        meeting,
        body=f"XSSFIELD Body {payload}",
        decisions=f"XSSFIELD 1. Decided {payload}",
    )
    login(client, secretariat)
    assert_inert(
        client, f"/secretariat/minutes/{minutes.id}/edit", f"/meetings/{meeting.id}/minutes/1"
    )
    circulate_minutes(session, secretariat, minutes)
    switch(client, delegate)
    assert_inert(client, f"/meetings/{meeting.id}/minutes/1")


@PAYLOADS
def test_script_in_a_comment_on_minutes_does_not_run(
    client, session, secretariat, delegate, payload
):
    meeting = _held_meeting(session, secretariat)
    minutes = start_minutes(session, secretariat, meeting, body="The minutes.", decisions="")
    circulate_minutes(session, secretariat, minutes)
    comment_on_minutes(session, delegate, minutes, f"XSSFIELD A comment {payload}")
    login(client, secretariat)
    assert_inert(client, f"/meetings/{meeting.id}/minutes/1")


@PAYLOADS
def test_script_in_agenda_notes_and_meeting_title_and_place_does_not_run(
    client, session, secretariat, delegate, payload
):
    start = utcnow().replace(microsecond=0) + timedelta(days=7)
    meeting = create_meeting(
        session,
        secretariat,
        kind=MeetingKind.GENERAL_ASSEMBLY,
        title=f"XSSFIELD Assembly {payload}"[:200],
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        timezone="Asia/Tashkent",
        place=f"XSSFIELD Tashkent {payload}",
    )
    add_agenda_item(
        session,
        secretariat,
        meeting,
        title=f"XSSFIELD Item {payload}",
        presenter=payload,
        notes=f"XSSFIELD Notes {payload}",
    )
    login(client, delegate)
    assert_inert(client, f"/meetings/{meeting.id}", "/meetings", "/dashboard")
    switch(client, secretariat)
    assert_inert(client, f"/secretariat/meetings/{meeting.id}", "/secretariat/meetings")


@PAYLOADS
def test_script_in_memorandum_texts_title_and_parties_does_not_run(
    client, session, secretariat, park, delegate, make_user, payload
):
    make_user(park=park, signatory=True, full_name="Yerlan Nurpeisov", title="CEO")
    try:
        memorandum = memoranda_drafting.create_memorandum(
            session,
            secretariat,
            title=f"XSSFIELD Memorandum {payload}",
            place=f"XSSFIELD Astana {payload}"[:200],
            texts={"en": f"XSSFIELD ## Article 1\n\n{payload}", "ru": payload},
        )
    except Invalid:  # the memoranda area refuses raw HTML outright: safe as well
        memorandum = memoranda_drafting.create_memorandum(
            session,
            secretariat,
            title=f"XSSFIELD Memorandum {payload}",
            place=f"XSSFIELD Astana {payload}"[:200],
            texts={"en": "## Article 1\n\nXSSFIELD"},
        )
    memoranda_drafting.add_member_party(session, secretariat, memorandum, park)
    memoranda_drafting.add_outside_party(
        session,
        secretariat,
        memorandum,
        name=f"XSSFIELD Foundation {payload}",
        country="KZ",
        signatory_name=f"XSSFIELD Daniyar {payload}",
        signatory_title=f"XSSFIELD Chair {payload}",
        signatory_email="chair@digitalbridge.example",
    )
    memoranda_circulation.circulate(session, secretariat, memorandum)
    login(client, secretariat)
    assert_inert(
        client,
        f"/memoranda/{memorandum.id}",
        f"/secretariat/memoranda/{memorandum.id}/parties",
        "/memoranda",
        f"/memoranda/{memorandum.id}/revisions/1/compare/1",
    )
    switch(client, delegate)
    assert_inert(client, f"/memoranda/{memorandum.id}", "/memoranda")


def test_script_in_an_outside_signatorys_page_does_not_run(
    client, session, secretariat, park, make_user
):
    make_user(park=park, signatory=True, full_name="Yerlan Nurpeisov", title="CEO")
    import re

    from sqlalchemy import select

    from association.mail.models import OutboxMessage

    payload = " ".join(XSS_PAYLOADS)
    memorandum = memoranda_drafting.create_memorandum(
        session,
        secretariat,
        title=f"XSSFIELD Memorandum {payload}"[:300],
        place="Astana",
        texts={"en": "## Article 1\n\nXSSFIELD"},
    )
    memoranda_drafting.add_member_party(session, secretariat, memorandum, park)
    memoranda_drafting.add_outside_party(
        session,
        secretariat,
        memorandum,
        name=f"XSSFIELD Foundation {payload}"[:300],
        country="KZ",
        signatory_name=f"XSSFIELD Daniyar {payload}"[:200],
        signatory_title="Chair",
        signatory_email="chair@digitalbridge.example",
    )
    memoranda_circulation.circulate(session, secretariat, memorandum)
    body = (
        session.scalars(
            select(OutboxMessage).where(OutboxMessage.recipient == "chair@digitalbridge.example")
        )
        .all()[-1]
        .body
    )
    token = re.search(r"/memoranda/sign/([\w-]+)", body).group(1)
    assert_inert(client, f"/memoranda/sign/{token}")


# --- plain text fields ----------------------------------------------------------------------


# One payload at a time: the application's fields hold at most 200 characters.
@pytest.mark.parametrize(
    "payload",
    XSS_PAYLOADS,
    ids=["script", "img-onerror", "javascript-link", "iframe", "svg-onload"],
)
def test_script_in_application_fields_does_not_run(client, session, secretariat, payload):
    text = f"XSSFIELD Park {payload}"
    submitted = submit_confirmed(
        session,
        application_input(
            name_latin=text,
            name_native=text,
            legal_entity=text,
            city=text,
            contact_name=text,
            contact_title=text,
            contact_phone=payload[:40],
            motivation=f"XSSFIELD Why {payload}",
        ),
        [],
    )
    application = submitted.application
    applications.start_review(session, secretariat, application)
    applications.request_information(
        session, secretariat, application, f"XSSFIELD Question {payload}"
    )
    applications.answer_request(session, application, f"XSSFIELD Answer {payload}", [])
    assert_inert(client, f"/apply/{submitted.tracking_code}")
    login(client, secretariat)
    assert_inert(
        client,
        f"/secretariat/applications/{application.id}",
        "/secretariat/applications",
        "/secretariat/applications?status=resubmitted",
    )


@pytest.mark.parametrize(
    "website",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
    ],
)
def test_a_script_address_as_application_website_is_refused_or_inert(
    client, session, secretariat, website
):
    try:
        application = submit_confirmed(session, application_input(website=website), []).application
    except Invalid:
        return
    login(client, secretariat)
    page = client.get(f"/secretariat/applications/{application.id}").get_data(as_text=True)
    assert executable_markup(page) == []


@PAYLOADS
def test_script_in_a_park_profile_does_not_run(client, session, park, delegate, payload):
    profiles.update_profile(
        session, delegate, park, description=f"XSSFIELD About us {payload}", website=""
    )
    assert_inert(client, f"/members/{park.slug}")
    login(client, delegate)
    assert_inert(client, f"/members/{park.slug}", f"/members/{park.slug}/edit")


@pytest.mark.parametrize(
    "path",
    [
        "/members?q=",
        "/secretariat/parks?q=",
        "/secretariat/users?q=",
        "/secretariat/audit/?action=",
        "/secretariat/applications?country=",
        "/initiatives?kind=",
        "/memoranda?status=",
        "/verify?code=",
    ],
)
def test_script_in_a_search_box_is_not_reflected_as_markup(client, session, secretariat, path):
    from urllib.parse import quote

    login(client, secretariat)
    response = client.get(path + quote(" ".join(XSS_PAYLOADS)))
    assert response.status_code in (200, 400)
    assert executable_markup(response.get_data(as_text=True)) == []
