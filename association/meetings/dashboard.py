from __future__ import annotations

from datetime import timedelta

from flask import url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from association.dashboard import Task
from association.database import utcnow
from association.meetings.models import Meeting, MeetingStatus, Minutes, MinutesRead, MinutesStatus
from association.meetings.policy import takes_part
from association.parks.models import User
from association.web import with_titles

UPCOMING_DAYS = 30


def meeting_tasks(session: Session, user: User) -> list[Task]:
    """Meetings in the next 30 days; circulated minutes the member has not opened yet;
    for the secretariat, minutes that wait for its next step."""
    now = utcnow()
    tasks = []
    upcoming = session.scalars(
        select(Meeting)
        .where(
            Meeting.status == MeetingStatus.SCHEDULED,
            Meeting.starts_at >= now,
            Meeting.starts_at <= now + timedelta(days=UPCOMING_DAYS),
        )
        .order_by(Meeting.starts_at)
    )
    for meeting in upcoming:
        tasks.append(
            Task(
                title=with_titles(_("Meeting: %(title)s"), title=meeting),
                detail=f"{format_datetime(meeting.starts_at, 'EEEE d MMMM, HH:mm')} ({user.timezone})"
                + (f" · {meeting.place}" if meeting.place else ""),
                url=url_for("meetings.meeting_detail", meeting_id=meeting.id),
                action=_("See the agenda"),
            )
        )
    if takes_part(user):
        read = select(MinutesRead.minutes_id).where(MinutesRead.user_id == user.id)
        unread = session.scalars(
            select(Minutes)
            .where(Minutes.status == MinutesStatus.CIRCULATED, Minutes.id.not_in(read))
            .order_by(Minutes.circulated_at)
        )
        for minutes in unread:
            tasks.append(
                Task(
                    title=with_titles(
                        _("Minutes for your reading: %(title)s"), title=minutes.meeting
                    ),
                    detail=_("Circulated for reading and comments before approval."),
                    url=url_for(
                        "meetings.minutes_detail",
                        meeting_id=minutes.meeting_id,
                        version=minutes.version,
                    ),
                    action=_("Read the minutes"),
                )
            )
    if user.is_staff:
        waiting = session.scalars(
            select(Minutes)
            .where(Minutes.status.in_([MinutesStatus.CIRCULATED, MinutesStatus.APPROVED]))
            .order_by(Minutes.id)
        )
        for minutes in waiting:
            step = _("approve") if minutes.status == MinutesStatus.CIRCULATED else _("publish")
            tasks.append(
                Task(
                    title=with_titles(
                        _("Minutes to %(step)s: %(title)s"), step=step, title=minutes.meeting
                    ),
                    detail=_(
                        "Version %(n)d is %(status)s.", n=minutes.version, status=minutes.status
                    ),
                    url=url_for("meetings.manage_detail", meeting_id=minutes.meeting_id)
                    + "#minutes",
                    action=_("Open the meeting"),
                )
            )
        held_without = session.scalars(
            select(Meeting)
            .where(Meeting.status == MeetingStatus.HELD, ~Meeting.minutes_versions.any())
            .order_by(Meeting.starts_at)
        )
        for meeting in held_without:
            tasks.append(
                Task(
                    title=with_titles(_("Minutes to write: %(title)s"), title=meeting),
                    detail=_("The meeting was held; its minutes are not started."),
                    url=url_for("meetings.manage_detail", meeting_id=meeting.id) + "#minutes",
                    action=_("Open the meeting"),
                )
            )
    return tasks
