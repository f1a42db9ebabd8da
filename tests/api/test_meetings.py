# ruff: noqa: F811 -- the fixtures are imported from the meetings' test modules
"""Meetings through the API: what a visitor, a member and the secretariat each read, as the
meetings' pages show it; the calendar file and the published minutes' PDF; cursor pages."""

from __future__ import annotations

import pytest

from association.meetings.agenda import add_agenda_item
from association.meetings.minutes import (
    approve_minutes,
    circulate_minutes,
    correct_minutes,
    publish_minutes,
    start_minutes,
)
from association.meetings.queries import minutes_document
from association.voting.initiatives import create_initiative
from tests.factories import bearer
from tests.meetings.conftest import attend, founders, make_meeting, make_vote  # noqa: F401


@pytest.fixture
def upcoming(session, secretariat, make_meeting, make_vote, founders):
    """A General Assembly in a week: its agenda names an initiative in preparation, a vote
    under way and a report."""
    meeting = make_meeting("General Assembly 2031", translations={"kk": {"title": "Жалпы жиналыс"}})
    draft = create_initiative(session, secretariat, title="Secret budget plan")
    vote = make_vote("Joint accelerator programme")
    add_agenda_item(
        session, secretariat, meeting, title="Budget", linked_type="initiative", linked_id=draft.id
    )
    add_agenda_item(
        session,
        secretariat,
        meeting,
        title="Accelerator",
        linked_type="initiative",
        linked_id=vote.id,
    )
    add_agenda_item(session, secretariat, meeting, title="Report", presenter="Saule Omarova")
    return meeting


@pytest.fixture
def held(session, secretariat, make_meeting, founders):
    """A panel held a week ago: attendance recorded, minutes published (version 1) and a
    correction in draft (version 2, the secretariat's until published)."""
    meeting = make_meeting("Heads' panel", held=True)
    attend(session, secretariat, meeting, founders, present=3)
    minutes = start_minutes(session, secretariat, meeting, body="The heads met.")
    for step in (circulate_minutes, approve_minutes, publish_minutes):
        step(session, secretariat, minutes)
    correct_minutes(session, secretariat, minutes)
    return meeting


@pytest.fixture
def reader(make_user, founders):
    return make_user(park=founders[0], full_name="Reader of Astana Hub")


def test_a_visitor_is_asked_for_a_token(client, upcoming):
    for path in ("/api/v1/meetings", f"/api/v1/meetings/{upcoming.id}"):
        answer = client.get(path)
        assert answer.status_code == 401
        assert answer.mimetype == "application/problem+json"
    assert client.get(f"/api/v1/meetings/{upcoming.id}.ics").status_code == 401


def test_the_list_divides_upcoming_from_past_as_the_page_does(
    client, session, reader, upcoming, held
):
    headers = bearer(session, reader)
    every = client.get("/api/v1/meetings", headers=headers).get_json()["meetings"]
    assert [m["id"] for m in every] == [held.id, upcoming.id]  # newest first
    ahead = client.get("/api/v1/meetings?when=upcoming", headers=headers).get_json()
    assert [m["id"] for m in ahead["meetings"]] == [upcoming.id]
    past = client.get("/api/v1/meetings?when=past", headers=headers).get_json()
    assert [m["id"] for m in past["meetings"]] == [held.id]
    assert past["meetings"][0]["status"] == "held"


def test_a_member_reads_the_agenda_in_order_naming_only_what_the_page_names(
    client, session, reader, upcoming
):
    body = client.get(f"/api/v1/meetings/{upcoming.id}", headers=bearer(session, reader))
    assert body.status_code == 200
    meeting = body.get_json()
    assert meeting["translations"] == {"kk": {"title": "Жалпы жиналыс"}}
    assert meeting["place"] == "IT Park, Tashkent"
    assert [item["title"] for item in meeting["agenda"]] == ["Budget", "Accelerator", "Report"]
    in_preparation, under_way, report = meeting["agenda"]
    assert in_preparation["link"]["type"] == "initiative"
    assert in_preparation["link"]["title"] is None  # "an initiative in preparation"
    assert under_way["link"]["title"] == "Joint accelerator programme"
    assert under_way["link"]["status"] == "open"
    assert report["presenter"] == "Saule Omarova"
    assert report["link"] is None
    assert meeting["attendance"] is None
    assert meeting["quorum"] is None
    assert meeting["minutes"] == []
    assert meeting["published_minutes"] is None


def test_the_secretariat_reads_the_initiative_in_preparation(
    client, session, secretariat, upcoming
):
    meeting = client.get(
        f"/api/v1/meetings/{upcoming.id}", headers=bearer(session, secretariat)
    ).get_json()
    assert meeting["agenda"][0]["link"]["title"] == "Secret budget plan"


def test_attendance_quorum_and_published_minutes_as_the_page_shows_them(
    client, session, reader, held, founders
):
    meeting = client.get(f"/api/v1/meetings/{held.id}", headers=bearer(session, reader)).get_json()
    assert meeting["quorum"] == {
        "quorate": True,
        "members": 4,
        "members_present": 3,
        "needed": 3,
        "observers_present": 1,
    }
    rows = {row["park"]["name"]: row for row in meeting["attendance"]}
    assert rows["Astana Hub"]["attendance"] == "present"
    assert rows["Astana Hub"]["represented_by"] == "Head of Astana Hub"
    assert rows["IT Park Uzbekistan"]["attendance"] == "absent"
    assert rows["Technopark of Turkmenistan"]["observer"] is True
    # The correction in draft is the secretariat's: a member reads version 1 only.
    assert [m["version"] for m in meeting["minutes"]] == [1]
    assert meeting["minutes_status"] == "published"
    document = minutes_document(session, held.minutes_versions[0])
    published = meeting["published_minutes"]
    assert published["version"] == 1
    assert published["verification_code"] == document.verification_code
    assert published["sha256"] == document.sha256
    assert published["pdf_url"] == f"http://localhost/api/v1/meetings/{held.id}/minutes.pdf"


def test_the_secretariat_reads_the_draft_correction_too(client, session, secretariat, held):
    meeting = client.get(
        f"/api/v1/meetings/{held.id}", headers=bearer(session, secretariat)
    ).get_json()
    assert [(m["version"], m["status"]) for m in meeting["minutes"]] == [
        (1, "published"),
        (2, "draft"),
    ]
    assert meeting["minutes_status"] == "draft"
    assert meeting["published_minutes"]["version"] == 1


def test_the_published_minutes_pdf_is_the_stored_one(client, session, reader, held):
    answer = client.get(f"/api/v1/meetings/{held.id}/minutes.pdf", headers=bearer(session, reader))
    assert answer.status_code == 200
    assert answer.mimetype == "application/pdf"
    assert answer.data == minutes_document(session, held.minutes_versions[0]).content


def test_minutes_not_published_have_no_pdf(client, session, reader, upcoming):
    answer = client.get(
        f"/api/v1/meetings/{upcoming.id}/minutes.pdf", headers=bearer(session, reader)
    )
    assert answer.status_code == 404
    assert answer.get_json()["detail"] == "The minutes of this meeting are not published yet."


def test_the_calendar_file_is_the_pages(client, session, reader, upcoming):
    headers = bearer(session, reader)
    answer = client.get(f"/api/v1/meetings/{upcoming.id}.ics", headers=headers)
    assert answer.status_code == 200
    assert answer.mimetype == "text/calendar"
    text = answer.get_data(as_text=True)
    assert f"UID:meeting-{upcoming.id}@localhost" in text
    assert "SUMMARY:General Assembly 2031" in text
    detail = client.get(f"/api/v1/meetings/{upcoming.id}", headers=headers).get_json()
    assert detail["calendar_url"] == f"http://localhost/api/v1/meetings/{upcoming.id}.ics"


@pytest.mark.parametrize("suffix", ["", ".ics", "/minutes.pdf"])
def test_an_unknown_meeting_is_not_found(client, session, reader, suffix):
    answer = client.get(f"/api/v1/meetings/999{suffix}", headers=bearer(session, reader))
    assert answer.status_code == 404
    assert answer.get_json()["detail"] == "There is no such meeting."


def test_cursor_pages_neither_repeat_nor_skip_when_meetings_are_added(
    client, session, reader, make_meeting
):
    first = [make_meeting(f"Working group {n}") for n in range(3)]
    headers = bearer(session, reader)
    page = client.get("/api/v1/meetings?limit=2", headers=headers)
    seen = [m["id"] for m in page.get_json()["meetings"]]
    assert seen == [first[2].id, first[1].id]
    following = page.headers["Link"].split(";")[0].strip("<>")
    assert "limit=2" in following
    added = make_meeting("Board")  # newer than every page already read
    rest = client.get(following, headers=headers)
    seen += [m["id"] for m in rest.get_json()["meetings"]]
    assert seen == [m.id for m in reversed(first)]
    assert added.id not in seen
    assert "Link" not in rest.headers


def test_an_unchanged_meeting_answers_304(client, session, reader, held):
    headers = bearer(session, reader)
    first = client.get(f"/api/v1/meetings/{held.id}", headers=headers)
    again = client.get(
        f"/api/v1/meetings/{held.id}", headers={**headers, "If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304
