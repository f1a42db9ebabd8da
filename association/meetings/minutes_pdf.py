"""The minutes' PDF through the document engine: rendered, sealed and stored once, on
publication; served from storage; and described on /verify/<code>.

A minutes document's subject is the meeting, so that a correction's document supersedes
the previous version's (the engine supersedes only within one kind and subject).
"""

from __future__ import annotations

from datetime import UTC
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from flask import abort, current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from association.documents.models import StoredDocument
from association.documents.service import (
    DocumentState,
    issue_document,
    new_verification_code,
    render_template_pdf,
    supersede,
    verification_url,
)
from association.extensions import db
from association.markdown import render_markdown
from association.meetings.calendar import KIND_NAMES
from association.meetings.models import ApprovalRoute, Minutes
from association.meetings.votes import LinkedVote, approval_initiative_id, load_initiatives

KIND = "minutes"


def _day(moment) -> str:
    return format_date(moment, "d MMMM y", locale="en") if moment else "—"


def _approved_how(minutes: Minutes) -> str:
    if minutes.approved_by == ApprovalRoute.VOTE:
        number = approval_initiative_id(minutes)
        return (
            f"by a vote of the member parks (initiative {number})"
            if number
            else f"by a vote of the member parks ({minutes.approval_reference})"
        )
    return "by the secretariat after circulation"


def linked_results(minutes: Minutes) -> dict[int, LinkedVote]:
    """Agenda item id -> the initiative it links to, with its frozen result (VoteResult) once
    closed; key 0 holds the vote that approved these minutes, if a vote did. One query, in the
    working language (the PDF is in English whoever publishes it)."""
    items = minutes.meeting.agenda
    wanted = {
        item.id: item.linked_id
        for item in items
        if item.linked_type == "initiative" and item.linked_id
    }
    approval = approval_initiative_id(minutes)
    if approval is not None:
        wanted[0] = approval
    with force_locale("en"):
        found = load_initiatives(object_session(minutes) or db.session(), wanted.values())
    return {
        key: found[initiative_id] for key, initiative_id in wanted.items() if initiative_id in found
    }


def minutes_html(minutes: Minutes, verify_url: str | None) -> str:
    from association.meetings.service import linked_memoranda, quorum

    meeting = minutes.meeting
    zone = ZoneInfo(meeting.timezone)
    attendances = sorted(
        meeting.attendances, key=lambda a: (a.park_status != "member", a.park.name_latin)
    )
    return render_template_pdf(
        "pdf/minutes.html",
        verify_url=verify_url,
        minutes=minutes,
        meeting=meeting,
        kind_name=KIND_NAMES.get(meeting.kind, str(meeting.kind)),
        attendances=attendances,
        quorum=quorum(meeting),
        starts_local=format_datetime(
            meeting.starts_at, "EEEE d MMMM y, HH:mm", tzinfo=zone, locale="en"
        ),
        ends_local=format_datetime(meeting.ends_at, "HH:mm", tzinfo=zone, locale="en"),
        starts_utc=format_datetime(meeting.starts_at, "d MMMM y, HH:mm", tzinfo=UTC, locale="en"),
        ends_utc=format_datetime(meeting.ends_at, "HH:mm 'UTC'", tzinfo=UTC, locale="en"),
        circulated_on=_day(minutes.circulated_at),
        approved_on=_day(minutes.approved_at),
        published_on=_day(minutes.published_at),
        approved_how=_approved_how(minutes),
        supersedes_published_on=_day(minutes.supersedes.published_at) if minutes.supersedes else "",
        body_html=render_markdown(minutes.body_markdown),
        decisions_html=render_markdown(minutes.decisions_markdown)
        if minutes.decisions_markdown.strip()
        else None,
        linked_results=linked_results(minutes),
        linked_memoranda=linked_memoranda(object_session(minutes) or db.session(), meeting.agenda),
    )


def issue_minutes_document(session: Session, minutes: Minutes) -> StoredDocument:
    """Render, seal and store the published version's PDF (inside publish_minutes' transaction)."""
    config = current_app.config
    code = new_verification_code()
    meeting = minutes.meeting
    suffix = f", version {minutes.version}" if minutes.version > 1 else ""
    return issue_document(
        session,
        kind=KIND,
        title=f"Minutes of {meeting.title}{suffix}",
        filename=f"minutes-{meeting.id}-v{minutes.version}.pdf",
        subject=meeting,
        html=minutes_html(minutes, verification_url(config, code)),
        config=config,
        instance_path=current_app.instance_path,
        verification_code=code,
        actor=None,
    )


def supersede_minutes_document(
    session: Session, previous: Minutes, document: StoredDocument
) -> None:
    if previous.document_id is not None:
        old = session.get(StoredDocument, previous.document_id)
        if old is not None and old.superseded_by_id is None:
            supersede(session, old, document)


def send_minutes_document(minutes: Minutes):
    from association.documents.views import send_stored

    document = db.session.get(StoredDocument, minutes.document_id) if minutes.document_id else None
    if document is None:
        abort(404)
    return send_stored(document)


def describe_minutes(session: Session, document: StoredDocument) -> DocumentState:
    """On /verify/<code>: which meeting, which version, and whether it is the current one."""
    minutes = session.scalar(select(Minutes).where(Minutes.document_id == document.id))
    if minutes is None:
        return DocumentState(headline=document.title, state=str(_l("Issued")), in_force=True)
    meeting = minutes.meeting
    details = [
        (str(_l("Meeting")), meeting.title),
        (
            str(_l("Date")),
            format_datetime(
                meeting.starts_at, "d MMMM y", tzinfo=ZoneInfo(meeting.timezone), locale="en"
            ),
        ),
        (str(_l("Place")), meeting.place or meeting.online_url or "—"),
        (str(_l("Version")), str(minutes.version)),
        (str(_l("Approved")), f"{_day(minutes.approved_at)}, {_approved_how(minutes)}"),
        (str(_l("Published")), _day(minutes.published_at)),
    ]
    if minutes.is_current:
        return DocumentState(
            headline=f"Minutes of {meeting.title}",
            state=str(_l("Current version")),
            in_force=True,
            details=details,
        )
    newer = session.scalar(select(Minutes).where(Minutes.supersedes_id == minutes.id))
    state = (
        str(_l("Superseded by version %(n)d (a correction)", n=newer.version))
        if newer
        else str(_l("Superseded"))
    )
    return DocumentState(
        headline=f"Minutes of {meeting.title}", state=state, in_force=False, details=details
    )
