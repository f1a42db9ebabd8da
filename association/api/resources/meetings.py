"""Meetings: the list (upcoming or past), one meeting with its agenda, attendance and minutes as
its page shows them, its calendar file and its published minutes, through the meetings area's
own queries, policy and calendar. For signed-in readers, as the pages are."""

from __future__ import annotations

import enum
from datetime import datetime

from flask import Response as FlaskResponse
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import BaseModel, Field
from spectree import Response

from association.api.blueprint import BEARER, bp, json_answer, operation, spec
from association.api.common import ParkRef, park_ref, problem_responses
from association.api.pagination import PageQuery, keyset_page, link_header
from association.documents.views import send_stored
from association.domain import NotAllowed, NotFound
from association.extensions import db
from association.meetings import calendar, minutes, queries
from association.meetings.links import LinkedMemorandum, LinkedVote
from association.meetings.models import Meeting, MeetingKind, MeetingStatus, MinutesStatus
from association.meetings.policy import can_manage_meetings, can_view_meetings
from association.site import site_url

TAGS = ["Meetings"]


class MeetingTime(enum.StrEnum):
    UPCOMING = "upcoming"
    PAST = "past"


class MeetingListQuery(PageQuery):
    when: MeetingTime | None = Field(
        None, description="upcoming: not yet over and not held; past: the others"
    )
    kind: MeetingKind | None = Field(None, description="Only meetings of this kind")
    status: MeetingStatus | None = Field(None, description="Only meetings in this state")


class MeetingSummary(BaseModel):
    id: int
    title: str = Field(description="In English")
    translations: dict[str, dict[str, str]] = Field(
        description="The title in the other languages it is given in"
    )
    kind: str
    status: str
    starts_at: datetime
    ends_at: datetime
    timezone: str = Field(description="The zone the meeting takes place in")
    place: str | None
    online_url: str | None
    url: str = Field(description="Its page")
    calendar_url: str = Field(description="Its iCalendar file")


class MeetingList(BaseModel):
    meetings: list[MeetingSummary]


class AgendaLink(BaseModel):
    """What an agenda item is about, as the page names it: an initiative or memorandum still in
    preparation is only said to be one (no title)."""

    type: str = Field(description="initiative or memorandum")
    id: int
    title: str | None
    status: str | None
    registry_number: str | None = Field(description="A memorandum's, once issued")
    outcome: str | None = Field(description="A closed vote's frozen outcome")
    url: str | None


class AgendaEntry(BaseModel):
    position: int
    title: str
    presenter: str | None
    notes_markdown: str | None
    link: AgendaLink | None


class MeetingQuorum(BaseModel):
    quorate: bool
    members: int = Field(description="Member parks whose attendance is recorded")
    members_present: int
    needed: int
    observers_present: int = Field(description="They do not count for the quorum")


class ParkAttendance(BaseModel):
    park: ParkRef
    observer: bool
    attendance: str = Field(description="present, absent or excused")
    represented_by: str | None


class MinutesVersion(BaseModel):
    version: int
    status: str
    superseded: bool = Field(description="A published version a correction replaced")
    circulated_at: datetime | None
    approved_at: datetime | None
    published_at: datetime | None
    url: str = Field(description="Its page")


class PublishedMinutes(BaseModel):
    version: int
    published_at: datetime | None
    pdf_url: str
    sha256: str
    verification_code: str
    verify_url: str


class MeetingDetail(MeetingSummary):
    cancelled_reason: str | None
    recorded_afterwards_at: datetime | None = Field(
        description="Set when it was recorded after it took place (never announced)"
    )
    agenda: list[AgendaEntry]
    quorum: MeetingQuorum | None = Field(description="Once attendance is recorded")
    attendance: list[ParkAttendance] | None = Field(description="Once it is recorded")
    minutes_status: str | None = Field(description="The latest version this reader may read")
    minutes: list[MinutesVersion] = Field(description="The versions this reader may read")
    published_minutes: PublishedMinutes | None = Field(description="The current published PDF")


def _summary(meeting: Meeting) -> dict:
    return dict(
        id=meeting.id,
        title=meeting.title,
        translations={t.language: {"title": t.title} for t in meeting.translations},
        kind=meeting.kind,
        status=meeting.status,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        timezone=meeting.timezone,
        place=meeting.place or None,
        online_url=meeting.online_url or None,
        url=site_url(f"/meetings/{meeting.id}"),
        calendar_url=url_for("api.meeting_calendar", meeting_id=meeting.id, _external=True),
    )


@bp.get("/meetings")
@operation(signed_in=True)
@spec.validate(
    query=MeetingListQuery,
    resp=Response(HTTP_200=MeetingList, **problem_responses()),
    tags=TAGS,
    security=[BEARER],
)
def meeting_list(query: MeetingListQuery):
    """Meetings, newest first (by id), as /meetings lists them; `when` divides them as the page
    does into upcoming and past."""
    if not can_view_meetings(current_user):
        raise NotAllowed(_("You do not have the right to do this."))
    statement = queries.meetings_statement(when=query.when.value if query.when else None)
    if query.kind is not None:
        statement = statement.where(Meeting.kind == query.kind.value)
    if query.status is not None:
        statement = statement.where(Meeting.status == query.status.value)
    page = keyset_page(db.session(), statement, Meeting.id, query)
    body = MeetingList(meetings=[MeetingSummary(**_summary(m)) for m in page.rows])
    return json_answer(body.model_dump(mode="json"), headers=link_header(page))


def _found(meeting_id: int) -> Meeting:
    """The meeting (404), which the reader may see (403): the page's order of checks."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(_("There is no such meeting."))
    if not can_view_meetings(current_user):
        raise NotAllowed(_("You do not have the right to do this."))
    return meeting


def _agenda_link(linked: LinkedVote | LinkedMemorandum | None, item) -> AgendaLink | None:
    staff = can_manage_meetings(current_user)
    if isinstance(linked, LinkedMemorandum):
        named = linked.public or linked.registry_number is not None or staff
        return AgendaLink(
            type="memorandum",
            id=linked.memorandum_id,
            title=linked.title if named else None,
            status=linked.status if named else None,
            registry_number=linked.registry_number if named else None,
            outcome=None,
            url=site_url(f"/memoranda/{linked.memorandum_id}") if named else None,
        )
    if isinstance(linked, LinkedVote):
        named = linked.public or staff
        return AgendaLink(
            type="initiative",
            id=linked.initiative_id,
            title=linked.title if named else None,
            status=linked.status if named else None,
            registry_number=None,
            outcome=linked.outcome if named else None,
            url=site_url(f"/initiatives/{linked.initiative_id}") if named else None,
        )
    if item.linked_type and item.linked_id:  # what it named is gone: the page says type and id
        return AgendaLink(
            type=item.linked_type,
            id=item.linked_id,
            title=None,
            status=None,
            registry_number=None,
            outcome=None,
            url=None,
        )
    return None


@bp.get("/meetings/<int:meeting_id>")
@operation(signed_in=True)
@spec.validate(
    resp=Response(HTTP_200=MeetingDetail, **problem_responses(404)),
    tags=TAGS,
    security=[BEARER],
)
def meeting_detail(meeting_id: int):
    """One meeting as its page shows it to this reader: the agenda in order, attendance and
    quorum once recorded, the minutes versions the reader may read (drafts are the
    secretariat's) and the current published minutes' PDF."""
    meeting = _found(meeting_id)
    session = db.session()
    minutes.close_due_votes(session, meeting)
    page = queries.meeting_page(session, current_user, meeting)
    quorum, versions, current = page["quorum"], page["versions"], page["current"]
    document = queries.minutes_document(session, current) if current is not None else None
    body = MeetingDetail(
        **_summary(meeting),
        cancelled_reason=(
            meeting.cancelled_reason or None if meeting.status == MeetingStatus.CANCELLED else None
        ),
        recorded_afterwards_at=meeting.recorded_afterwards_at,
        agenda=[
            AgendaEntry(
                position=item.position,
                title=item.title,
                presenter=item.presenter or None,
                notes_markdown=item.notes or None,
                link=_agenda_link(page["linked"].get(item.id), item),
            )
            for item in meeting.agenda
        ],
        quorum=(
            MeetingQuorum(
                quorate=quorum.quorate,
                members=quorum.members,
                members_present=quorum.members_present,
                needed=quorum.needed,
                observers_present=quorum.observers_present,
            )
            if quorum.recorded
            else None
        ),
        attendance=(
            [
                ParkAttendance(
                    park=park_ref(a.park),
                    observer=a.park_status == "observer",
                    attendance=a.status,
                    represented_by=a.representative or None,
                )
                for a in page["attendances"]
            ]
            if quorum.recorded
            else None
        ),
        minutes_status=versions[-1].status if versions else None,
        minutes=[
            MinutesVersion(
                version=m.version,
                status=m.status,
                superseded=m.status == MinutesStatus.PUBLISHED and m.superseded_at is not None,
                circulated_at=m.circulated_at,
                approved_at=m.approved_at,
                published_at=m.published_at,
                url=site_url(f"/meetings/{meeting.id}/minutes/{m.version}"),
            )
            for m in versions
        ],
        published_minutes=(
            PublishedMinutes(
                version=current.version,
                published_at=current.published_at,
                pdf_url=url_for("api.meeting_minutes_pdf", meeting_id=meeting.id, _external=True),
                sha256=document.sha256,
                verification_code=document.verification_code,
                verify_url=site_url(f"/verify/{document.verification_code}"),
            )
            if current is not None and document is not None
            else None
        ),
    )
    return json_answer(body.model_dump(mode="json"))


@bp.get("/meetings/<int:meeting_id>.ics")
@operation(signed_in=True)
def meeting_calendar(meeting_id: int):
    """The meeting's iCalendar file (text/calendar), the same as its page's."""
    meeting = _found(meeting_id)
    return FlaskResponse(
        calendar.calendar_for([meeting], meeting.title),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="meeting-{meeting.id}.ics"'},
    )


@bp.get("/meetings/<int:meeting_id>/minutes.pdf")
@operation(signed_in=True)
def meeting_minutes_pdf(meeting_id: int):
    """The current published minutes (after a correction, the corrected version), as sealed
    (application/pdf)."""
    meeting = _found(meeting_id)
    current = minutes.current_published(meeting)
    document = queries.minutes_document(db.session(), current) if current is not None else None
    if document is None:
        raise NotFound(_("The minutes of this meeting are not published yet."))
    return send_stored(document)
