"""The data set's meetings, in bulk: past ones held, some cancelled, some to come."""

from __future__ import annotations

from datetime import timedelta

from bench.bulk_insert import bulk_insert
from bench.dataset_sizes import MEETINGS


def bulk_meetings(session, parks: list, now) -> None:
    """Meetings: past ones held (the latest hundred with attendance), some cancelled, some to come."""
    from association.meetings.models import (
        AgendaItem,
        Attendance,
        Meeting,
        MeetingKind,
        MeetingStatus,
    )

    rows = []
    for n in range(MEETINGS):
        starts = now + timedelta(days=(n - 420) * 7)
        status = (
            MeetingStatus.HELD
            if n < 400
            else MeetingStatus.CANCELLED
            if n < 420
            else MeetingStatus.SCHEDULED
        )
        rows.append(
            {
                "kind": (
                    MeetingKind.GENERAL_ASSEMBLY,
                    MeetingKind.BOARD,
                    MeetingKind.WORKING_GROUP,
                )[n % 3],
                "title": f"Meeting {n + 1}",
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=3),
                "timezone": "Asia/Almaty",
                "place": "Astana",
                "status": status,
                "held_at": starts if status == MeetingStatus.HELD else None,
                "created_at": starts - timedelta(days=30),
                "updated_at": starts - timedelta(days=30),
            }
        )
    ids = bulk_insert(session, Meeting, rows)
    bulk_insert(
        session,
        AgendaItem,
        [
            {"meeting_id": meeting_id, "position": p, "title": f"Item {p}"}
            for meeting_id in ids
            for p in range(1, 5)
        ],
    )
    bulk_insert(
        session,
        Attendance,
        [
            {
                "meeting_id": meeting_id,
                "park_id": park.id,
                "status": "present",
                "park_status": "member",
            }
            for meeting_id in ids[300:400]
            for park in parks
        ],
    )
    session.commit()
