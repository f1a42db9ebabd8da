"""The demo's meetings: the heads' panel of 29 September 2022 in Astana (held, with attendance
and published minutes) and an upcoming General Assembly in Tashkent with its agenda (its title
also in Kazakh, Turkish, Russian and Azerbaijani)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from association.database import utcnow
from association.demo_parks import FOUNDERS, SECRETARIAT_EMAIL
from association.meetings.agenda import add_agenda_item, update_agenda_item
from association.meetings.attendance import AttendanceEntry, record_attendance
from association.meetings.minutes import (
    approve_minutes,
    circulate_minutes,
    publish_minutes,
    start_minutes,
)
from association.meetings.models import AttendanceStatus, Meeting, MeetingKind, MeetingStatus
from association.meetings.scheduling import create_meeting, mark_held
from association.parks.models import Park, User
from association.voting.demo import ACCELERATOR, CHARTER
from association.voting.models import Initiative

PANEL_TITLE = "Heads of technoparks panel, Digital Bridge Forum 2022"
ASSEMBLY_TITLE = "General Assembly of the Association"
# In the terms of each language's glossary ("General Assembly", "association").
ASSEMBLY_TRANSLATIONS = {
    "kk": {"title": "Қауымдастықтың Жалпы жиналысы"},
    "tr": {"title": "Birlik Genel Kurulu"},
    "ru": {"title": "Общее собрание Ассоциации"},
    "az": {"title": "Assosiasiyanın Ümumi Yığıncağı"},
}

PANEL_MINUTES = """\
# Heads of technoparks panel

**Digital Bridge Forum 2022**, Astana, 29 September 2022.

The panel met the day after the six founding parks signed the Memorandum of cooperation
(28 September 2022) to agree how the Association of Modern Technoparks starts its work.

## 1. Opening

The host, Astana Hub, welcomed the heads of the founding parks and recalled the memorandum
signed the day before at the Digital Bridge Forum.

## 2. The association's first year

Each park presented its programmes for start-ups and the support it can offer to the
residents of the other parks: soft-landing offices, joint acceleration and access to
the parks' investor networks. The parks agreed to exchange residents' contacts through
the secretariat.

## 3. Secretariat and governance

The panel asked Astana Hub to host the secretariat during the first year and to prepare
the rules of procedure of the General Assembly, including voting online and the
approval of minutes.

## 4. Next meeting

The first General Assembly will be called by the secretariat; members will be invited
by e-mail with the agenda.
"""

PANEL_DECISIONS = """\
1. The secretariat of the association is hosted by Astana Hub for the first year.
2. The secretariat drafts the rules of procedure of the General Assembly for approval by vote.
3. Each founding park names a delegate and a signatory to the secretariat within one month.
4. The parks open their acceleration programmes to the residents of the other founding parks.
5. The charter agreed at the panel is put to a vote of the six founding parks.
"""

MINUTES_CIRCULATED = datetime(2022, 10, 3, 6, 0, tzinfo=UTC)
MINUTES_APPROVED = datetime(2022, 10, 10, 6, 0, tzinfo=UTC)

PROGRAMME_ITEM = "Programme of joint acceleration and soft landing"
GOVERNANCE_ITEM = "Secretariat and governance"
# Agenda items linked to the voting demo's initiatives: the panel agreed the charter the founders
# then adopted by vote; the Assembly discusses the accelerator programme the members are voting on.
LINKS = {GOVERNANCE_ITEM: CHARTER, PROGRAMME_ITEM: ACCELERATOR}

ASSEMBLY_AGENDA = [
    ("Opening and adoption of the agenda", "Secretary General", ""),
    ("Report of the secretariat on the year", "Secretary General", ""),
    ("Admission of new members: the observer parks' applications", "Secretariat", ""),
    ("Budget and membership fees for the coming year", "Treasurer", ""),
    (PROGRAMME_ITEM, "IT Park Uzbekistan", ""),
    ("Any other business", "", ""),
]


def _secretariat(session: Session) -> User | None:
    return session.scalar(select(User).where(User.email == SECRETARIAT_EMAIL))


def _founders(session: Session) -> list[Park]:
    names = [demo.name_latin for demo in FOUNDERS]
    parks = session.scalars(select(Park).where(Park.name_latin.in_(names))).all()
    return sorted(parks, key=lambda park: names.index(park.name_latin))


def _initiative_id(session: Session, item_title: str) -> int | None:
    title = LINKS.get(item_title)
    return session.scalar(select(Initiative.id).where(Initiative.title == title)) if title else None


def _link(session: Session, item_title: str) -> dict:
    initiative_id = _initiative_id(session, item_title)
    return {"linked_type": "initiative", "linked_id": initiative_id} if initiative_id else {}


def seed_panel(session: Session) -> None:
    if session.scalar(select(Meeting.id).where(Meeting.title == PANEL_TITLE)) is not None:
        return
    secretariat = _secretariat(session)
    astana = ZoneInfo("Asia/Almaty")
    meeting = create_meeting(
        session,
        None,
        kind=MeetingKind.BOARD,
        title=PANEL_TITLE,
        starts_at=datetime(2022, 9, 29, 14, 0, tzinfo=astana),
        ends_at=datetime(2022, 9, 29, 15, 30, tzinfo=astana),
        timezone="Asia/Almaty",
        place="Digital Bridge Forum, Astana, Kazakhstan",
        historical=True,
    )
    for title, presenter in [
        ("Opening", "Astana Hub"),
        ("The association's first year", "Heads of the founding parks"),
        (GOVERNANCE_ITEM, "Astana Hub"),
        ("Next meeting", ""),
    ]:
        add_agenda_item(
            session, None, meeting, title=title, presenter=presenter, **_link(session, title)
        )
    mark_held(session, None, meeting)
    entries = []
    for park in _founders(session):
        head = next((user for user in park.users if user.is_signatory), None)
        entries.append(
            AttendanceEntry(
                park_id=park.id,
                status=AttendanceStatus.PRESENT,
                represented_by=head.full_name if head else "",
            )
        )
    if entries:
        record_attendance(session, None, meeting, entries)
    minutes = start_minutes(
        session, secretariat, meeting, body=PANEL_MINUTES, decisions=PANEL_DECISIONS
    )
    # Recorded as they happened in 2022 (association.history): circulated a few days after
    # the panel, approved and published a week later.
    circulate_minutes(session, secretariat, minutes, now=MINUTES_CIRCULATED)
    if secretariat is not None:
        approve_minutes(session, secretariat, minutes, now=MINUTES_APPROVED)
        publish_minutes(session, secretariat, minutes, now=MINUTES_APPROVED + timedelta(hours=1))


def seed_assembly(session: Session) -> None:
    existing = session.scalar(
        select(Meeting).where(
            Meeting.title == ASSEMBLY_TITLE, Meeting.status == MeetingStatus.SCHEDULED
        )
    )
    if existing is not None:
        _link_existing_agenda(session, existing)
        return
    tashkent = ZoneInfo("Asia/Tashkent")
    day = (utcnow().astimezone(tashkent) + timedelta(days=60)).date()
    starts = datetime(day.year, day.month, day.day, 10, 0, tzinfo=tashkent)
    meeting = create_meeting(
        session,
        None,
        kind=MeetingKind.GENERAL_ASSEMBLY,
        title=ASSEMBLY_TITLE,
        starts_at=starts,
        ends_at=starts + timedelta(hours=6),
        timezone="Asia/Tashkent",
        place="IT Park Uzbekistan, Tashkent",
        online_url="https://meet.technoparks.example/general-assembly",
        translations=ASSEMBLY_TRANSLATIONS,
    )
    for title, presenter, notes in ASSEMBLY_AGENDA:
        add_agenda_item(
            session,
            None,
            meeting,
            title=title,
            presenter=presenter,
            notes=notes,
            **_link(session, title),
        )


def _link_existing_agenda(session: Session, meeting: Meeting) -> None:
    """A database seeded before agenda items linked to initiatives gets the links (once)."""
    for item in list(meeting.agenda):
        link = _link(session, item.title)
        if link and item.linked_type is None:
            update_agenda_item(
                session,
                None,
                item,
                title=item.title,
                presenter=item.presenter,
                notes=item.notes,
                **link,
            )


def seed_meetings(session: Session) -> None:
    seed_panel(session)
    seed_assembly(session)
