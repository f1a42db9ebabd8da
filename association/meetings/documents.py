"""The minutes' PDF through the document engine: rendered, sealed and stored once, on
publication, and described on /verify/<code> (the views serve it from storage).

A minutes document's subject is the meeting, so that a correction's document supersedes
the previous version's (the engine supersedes only within one kind and subject).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from association.documents.language import document_date, document_day_and_time, written_in
from association.documents.models import StoredDocument
from association.documents.service import (
    DocumentState,
    issue_from_template,
    supersede,
)
from association.markdown import render_markdown
from association.meetings.attendance import quorum
from association.meetings.forms import ATTENDANCE_LABELS, KIND_LABELS, LINK_LABELS
from association.meetings.links import LinkedVote, linked_memoranda, load_initiatives
from association.meetings.models import ApprovalRoute, Minutes
from association.parks.models import User

KIND = "minutes"


def approval_initiative_id(minutes: Minutes) -> int | None:
    """The vote that approved these minutes, from the approval reference "initiative:<id>"."""
    if minutes.approved_by != ApprovalRoute.VOTE:
        return None
    prefix, _sep, number = (minutes.approval_reference or "").partition(":")
    return int(number) if prefix == "initiative" and number.isdigit() else None


def _day(moment: datetime | None) -> str:
    """A day on the verification page, as its reader's language writes it."""
    return format_date(moment, "long", locale=get_locale()) if moment else "—"


def _approved_how(minutes: Minutes) -> str:
    """How the minutes were approved, in the language _() speaks now."""
    if minutes.approved_by == ApprovalRoute.VOTE:
        number = approval_initiative_id(minutes)
        if number:
            return _("by a vote of the member parks (initiative %(number)d)", number=number)
        return _(
            "by a vote of the member parks (%(reference)s)", reference=minutes.approval_reference
        )
    return _("by the secretariat after circulation")


def linked_results(session: Session, minutes: Minutes) -> dict[int, LinkedVote]:
    """Agenda item id -> the initiative it links to, with its frozen result (VoteResult) once
    closed; key 0 holds the vote that approved these minutes, if a vote did. One query; its
    words (outcome, totals) in the language _() speaks now."""
    items = minutes.meeting.agenda
    wanted = {
        item.id: item.linked_id
        for item in items
        if item.linked_type == "initiative" and item.linked_id
    }
    approval = approval_initiative_id(minutes)
    if approval is not None:
        wanted[0] = approval
    found = load_initiatives(session, wanted.values())
    return {
        key: found[initiative_id] for key, initiative_id in wanted.items() if initiative_id in found
    }


def minutes_context(session: Session, minutes: Minutes) -> dict[str, Any]:
    """What pdf/minutes.html prints of a published version, its words and dates in the
    version's document language (call it inside written_in(minutes.document_language))."""
    meeting = minutes.meeting
    language = minutes.document_language
    zone = ZoneInfo(meeting.timezone)
    attendances = sorted(
        meeting.attendances, key=lambda a: (a.park_status != "member", a.park.name_latin)
    )
    return {
        "minutes": minutes,
        "meeting": meeting,
        "kind_name": str(KIND_LABELS.get(meeting.kind, meeting.kind)),
        "attendance_words": {status: str(label) for status, label in ATTENDANCE_LABELS.items()},
        "link_words": {kind: str(label) for kind, label in LINK_LABELS.items()},
        "attendances": attendances,
        "quorum": quorum(meeting),
        "starts_local": document_day_and_time(meeting.starts_at, language, zone=zone),
        "ends_local": f"{meeting.ends_at.astimezone(zone):%H:%M}",
        "starts_utc": f"{document_date(meeting.starts_at, language, zone=UTC)}, "
        f"{meeting.starts_at.astimezone(UTC):%H:%M}",
        "ends_utc": f"{meeting.ends_at.astimezone(UTC):%H:%M} UTC",
        "circulated_on": document_date(minutes.circulated_at, language),
        "approved_on": document_date(minutes.approved_at, language),
        "published_on": document_date(minutes.published_at, language),
        "approved_how": _approved_how(minutes),
        "supersedes_published_on": document_date(minutes.supersedes.published_at, language)
        if minutes.supersedes
        else "",
        "vote_closed_on": lambda vote: document_date(vote.closed_at, language),
        "body_html": render_markdown(minutes.body_markdown),
        "decisions_html": render_markdown(minutes.decisions_markdown)
        if minutes.decisions_markdown.strip()
        else None,
        "linked_results": linked_results(session, minutes),
        "linked_memoranda": linked_memoranda(session, meeting.agenda),
    }


def issue_minutes_document(
    session: Session, minutes: Minutes, *, actor: User | None = None
) -> StoredDocument:
    """Render, seal and store the published version's PDF (inside publish_minutes' transaction),
    its fixed text in the version's document language; actor is who published it, named in the
    audit log."""
    meeting = minutes.meeting
    suffix = f", version {minutes.version}" if minutes.version > 1 else ""
    with written_in(minutes.document_language):
        context = minutes_context(session, minutes)
    return issue_from_template(
        session,
        kind=KIND,
        template="pdf/minutes.html",
        title=f"Minutes of {meeting.title}{suffix}",
        filename=f"minutes-{meeting.id}-v{minutes.version}.pdf",
        subject=meeting,
        language=minutes.document_language,
        actor=actor,
        **context,
    )


def supersede_minutes_document(
    session: Session, previous: Minutes, document: StoredDocument, *, actor: User | None = None
) -> None:
    """Mark the previous version's document as replaced by the correction's."""
    if previous.document_id is not None:
        old = session.get(StoredDocument, previous.document_id)
        if old is not None and old.superseded_by_id is None:
            supersede(session, old, document, actor=actor)


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
            format_date(
                meeting.starts_at.astimezone(ZoneInfo(meeting.timezone)),
                "long",
                locale=get_locale(),
            ),
        ),
        (str(_l("Place")), meeting.place or meeting.online_url or "—"),
        (str(_l("Version")), str(minutes.version)),
        (str(_l("Approved")), f"{_day(minutes.approved_at)}, {_approved_how(minutes)}"),
        (str(_l("Published")), _day(minutes.published_at)),
    ]
    if minutes.is_current:
        return DocumentState(
            headline=_("Minutes of %(title)s", title=meeting.title),
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
        headline=_("Minutes of %(title)s", title=meeting.title),
        state=state,
        in_force=False,
        details=details,
    )
