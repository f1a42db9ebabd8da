"""Minutes: drafted, circulated, approved and published, corrected, commented on and read.

Minutes move draft -> circulated -> approved -> published. A circulated version may go back
to draft (to take comments in). Published minutes are never edited: a correction is a new
version that goes through circulation and approval again; when it is published the old
version is marked superseded and stays readable.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from association.audit.log import record
from association.database import utcnow
from association.documents.language import check_document_language
from association.domain import Conflict, Invalid, NotAllowed, state_change
from association.history import stating_time
from association.languages import ENGLISH
from association.markdown import clean_markdown_source
from association.meetings.announcements import announce_minutes_published
from association.meetings.documents import issue_minutes_document, supersede_minutes_document
from association.meetings.models import (
    ApprovalRoute,
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesComment,
    MinutesRead,
    MinutesStatus,
)
from association.meetings.policy import can_comment_on_minutes, can_manage_meetings, require_staff
from association.meetings.scheduling import mail_participants
from association.parks.models import User
from association.site import site_url
from association.voting.models import Initiative, InitiativeKind, InitiativeStatus
from association.voting.votes import is_due, settle


def latest_minutes(meeting: Meeting) -> Minutes | None:
    return meeting.minutes_versions[-1] if meeting.minutes_versions else None


def current_published(meeting: Meeting) -> Minutes | None:
    for minutes in reversed(meeting.minutes_versions):
        if minutes.is_current:
            return minutes
    return None


def in_progress(meeting: Meeting) -> Minutes | None:
    """The version not yet published (a draft, or a correction on its way), if any."""
    for minutes in meeting.minutes_versions:
        if minutes.status != MinutesStatus.PUBLISHED:
            return minutes
    return None


def minutes_conflict(minutes: Minutes, action: str) -> Conflict:
    """The refusal for minutes whose status does not allow `action` (e.g. "edited")."""
    if minutes.status == MinutesStatus.PUBLISHED:
        return Conflict(
            _(
                "Published minutes are read-only. To change them, start a correction: "
                "a new version that is circulated and approved again."
            )
        )
    return Conflict(
        _(
            "Minutes that are %(status)s cannot be %(action)s.",
            status=_(str(minutes.status)),
            action=action,
        )
    )


VOTING_STATUSES = (InitiativeStatus.DRAFT, InitiativeStatus.SCHEDULED, InitiativeStatus.OPEN)


def minutes_vote(session: Session, minutes: Minutes) -> Initiative | None:
    """The minutes-approval vote about this version that is not over yet, if any."""
    return session.scalar(
        select(Initiative)
        .where(
            Initiative.kind == InitiativeKind.MINUTES_APPROVAL,
            Initiative.subject_type == "Minutes",
            Initiative.subject_id == minutes.id,
            Initiative.status.in_(VOTING_STATUSES),
        )
        .limit(1)
    )


def _refuse_while_voting(session: Session, minutes: Minutes) -> None:
    # While the members vote, the vote decides: nothing by hand (the closing vote itself is closed by then).
    if minutes_vote(session, minutes) is not None:
        raise Conflict(
            _(
                "The member parks are voting on these minutes: the vote decides. Wait for it to close."
            )
        )


def agenda_outline(meeting: Meeting) -> str:
    """The skeleton new minutes start from: one numbered heading per agenda item, with its
    presenter, so the secretariat writes under each item instead of retyping the agenda."""
    parts = []
    for number, item in enumerate(meeting.agenda, start=1):
        heading = f"## {number}. {item.title}"
        parts.append(f"{heading}\n\n_{item.presenter}_" if item.presenter else heading)
    return "\n\n".join(parts)


def has_text(minutes: Minutes) -> bool:
    """Whether the minutes say more than the agenda's headings they started from."""
    body = minutes.body_markdown.strip()
    return bool(body) and body != clean_markdown_source(agenda_outline(minutes.meeting)).strip()


@state_change
def start_minutes(
    session: Session,
    actor: User | None,
    meeting: Meeting,
    *,
    body: str | None = None,
    decisions: str = "",
    document_language: str = ENGLISH,
) -> Minutes:
    """The first draft of a held meeting's minutes (version 1); without a body, it starts
    from the agenda's headings (agenda_outline). `document_language` is the language of the
    PDF's fixed text once published (one of association.languages; Invalid otherwise)."""
    require_staff(actor)
    document_language = check_document_language(document_language)
    if body is None:
        body = agenda_outline(meeting)
    if meeting.status != MeetingStatus.HELD:
        raise Conflict(_("Minutes are written once the meeting has been held."))
    if meeting.minutes_versions:
        raise Conflict(
            _("This meeting has minutes already; edit them, or correct the published version.")
        )
    minutes = Minutes(
        meeting=meeting,
        version=1,
        body_markdown=clean_markdown_source(body),
        decisions_markdown=clean_markdown_source(decisions),
        status=MinutesStatus.DRAFT,
        author=actor,
        document_language=document_language,
    )
    session.add(minutes)
    session.flush()
    record(
        session,
        "minutes.drafted",
        actor=actor,
        subject=minutes,
        details={"meeting": meeting.id, "version": 1, "document_language": document_language},
    )
    return minutes


@state_change
def edit_minutes(
    session: Session,
    actor: User | None,
    minutes: Minutes,
    *,
    body: str,
    decisions: str,
    document_language: str | None = None,
) -> Minutes:
    """Change a draft's text, and the language of its PDF's fixed text (None: leave it); the
    text is stored cleaned of scripts, frames, handlers and script links. The language is read
    when the version is published, so published versions' PDFs never change; an unknown one
    is refused (Invalid) and nothing changes."""
    require_staff(actor)
    if minutes.status != MinutesStatus.DRAFT:
        raise minutes_conflict(minutes, pgettext("cannot be …", "edited"))
    if document_language is not None:
        document_language = check_document_language(document_language)
    cleaned_body, cleaned_decisions = clean_markdown_source(body), clean_markdown_source(decisions)
    removed = (
        cleaned_body != (body or "").replace("\r\n", "\n").strip()
        or cleaned_decisions != (decisions or "").replace("\r\n", "\n").strip()
    )
    minutes.body_markdown, minutes.decisions_markdown = cleaned_body, cleaned_decisions
    details: dict[str, object] = {
        "version": minutes.version,
        "unsafe_markup_removed": removed,
        "sha256": hashlib.sha256((cleaned_body + "\n" + cleaned_decisions).encode()).hexdigest(),
    }
    if document_language is not None and document_language != minutes.document_language:
        details["document_language"] = {"from": minutes.document_language, "to": document_language}
        minutes.document_language = document_language
    minutes.updated_at = utcnow()
    record(session, "minutes.edited", actor=actor, subject=minutes, details=details)
    return minutes


@state_change
def circulate_minutes(
    session: Session, actor: User | None, minutes: Minutes, *, now: datetime | None = None
) -> Minutes:
    """Send a draft to the members to read and comment on; they are e-mailed. `now` is when,
    if before it is recorded (association.history: the demo's 2022 minutes)."""
    require_staff(actor)
    if minutes.status != MinutesStatus.DRAFT:
        raise minutes_conflict(minutes, pgettext("cannot be …", "circulated"))
    if not has_text(minutes):
        raise Invalid(
            _(
                "The minutes are empty (only the agenda's headings): please write them before "
                "circulating."
            )
        )
    minutes.status = MinutesStatus.CIRCULATED
    minutes.circulated_at = now or utcnow()
    record(
        session,
        "minutes.circulated",
        actor=actor,
        subject=minutes,
        details=stating_time({"version": minutes.version}, now),
    )
    meeting = minutes.meeting
    mail_participants(
        session,
        meeting,
        _l("Minutes for your reading: %(title)s", title=meeting.title),
        "minutes_circulated.txt",
        minutes=minutes,
        minutes_url=site_url(f"/meetings/{meeting.id}/minutes/{minutes.version}"),
    )
    return minutes


@state_change
def return_minutes_to_draft(
    session: Session,
    actor: User | None,
    minutes: Minutes,
    *,
    reason: str = "",
    initiative: Initiative | None = None,
) -> Minutes:
    """Take circulated minutes back to draft, to work the comments in; they are circulated again after.

    `initiative` (actor None) is a minutes-approval vote that failed: the audit event names it
    and keeps the reason.
    """
    require_staff(actor)
    if minutes.status != MinutesStatus.CIRCULATED:
        raise minutes_conflict(minutes, pgettext("cannot be …", "returned to draft"))
    _refuse_while_voting(session, minutes)
    minutes.status = MinutesStatus.DRAFT
    minutes.updated_at = utcnow()
    details = {"version": minutes.version, "by": "secretariat" if initiative is None else "vote"}
    if initiative is not None:
        details["initiative_id"] = initiative.id
    if reason.strip():
        details["reason"] = reason.strip()
    record(session, "minutes.returned_to_draft", actor=actor, subject=minutes, details=details)
    return minutes


@state_change
def approve_minutes(
    session: Session,
    actor: User | None,
    minutes: Minutes,
    *,
    route: ApprovalRoute = ApprovalRoute.SECRETARIAT,
    reference: str = "",
    now: datetime | None = None,
) -> Minutes:
    """Approve circulated minutes: by the secretariat, or by a minutes-approval vote that passed.

    The voting area calls this with route=VOTE and reference="initiative:<id>" when such a
    vote passes (actor None: the closing of the vote, not a person). `now` is when, if before
    it is recorded (association.history).
    """
    route = ApprovalRoute(route)
    if route == ApprovalRoute.SECRETARIAT:
        if actor is None or not can_manage_meetings(actor):
            raise NotAllowed(_("Only the secretariat approves minutes."))
        reference = actor.email
    else:
        require_staff(actor)
        if not reference.strip():
            raise Invalid(_("An approval by vote names the vote that approved the minutes."))
    if minutes.status != MinutesStatus.CIRCULATED:
        if minutes.status == MinutesStatus.DRAFT:
            raise Conflict(
                _("Minutes are approved after they have been circulated to the members.")
            )
        raise minutes_conflict(minutes, pgettext("cannot be …", "approved"))
    _refuse_while_voting(session, minutes)
    minutes.status = MinutesStatus.APPROVED
    minutes.approved_at = now or utcnow()
    minutes.approved_by = route
    minutes.approval_reference = reference.strip()[:200]
    record(
        session,
        "minutes.approved",
        actor=actor,
        subject=minutes,
        details=stating_time(
            {
                "version": minutes.version,
                "by": route.value,
                "reference": minutes.approval_reference,
            },
            now,
        ),
    )
    return minutes


@state_change
def publish_minutes(
    session: Session, actor: User | None, minutes: Minutes, *, now: datetime | None = None
) -> Minutes:
    """Publish approved minutes: the PDF is rendered, sealed and stored once, its fixed text in
    the version's document language; the version it corrects (if any) is marked superseded and
    stays readable. `now` is when, if before it is recorded (association.history)."""
    require_staff(actor)
    if minutes.status != MinutesStatus.APPROVED:
        if minutes.status in (MinutesStatus.DRAFT, MinutesStatus.CIRCULATED):
            raise Conflict(_("Minutes are published once they have been approved."))
        raise minutes_conflict(minutes, pgettext("cannot be …", "published"))
    published = now or utcnow()
    minutes.status = MinutesStatus.PUBLISHED
    minutes.published_at = published
    previous = minutes.supersedes
    if previous is not None and previous.superseded_at is None:
        previous.superseded_at = published
    session.flush()
    document = issue_minutes_document(session, minutes, actor=actor)
    if document is not None:
        minutes.document_id = document.id
        if previous is not None:
            supersede_minutes_document(session, previous, document, actor=actor)
    record(
        session,
        "minutes.published",
        actor=actor,
        subject=minutes,
        details=stating_time(
            {
                "version": minutes.version,
                "supersedes": previous.version if previous else None,
                "document": minutes.document_id,
                "document_language": minutes.document_language,
            },
            now,
        ),
    )
    meeting = minutes.meeting
    announce_minutes_published(session, minutes)
    mail_participants(
        session,
        meeting,
        _l("Minutes published: %(title)s", title=meeting.title),
        "minutes_published.txt",
        minutes=minutes,
        minutes_url=site_url(f"/meetings/{meeting.id}/minutes/{minutes.version}"),
    )
    return minutes


@state_change
def correct_minutes(session: Session, actor: User | None, minutes: Minutes) -> Minutes:
    """Start a correction of the current published minutes: a new draft version holding its
    text and its document language (which the draft may change)."""
    require_staff(actor)
    if not minutes.is_current:
        raise Conflict(_("Only the current published minutes can be corrected."))
    meeting = minutes.meeting
    if in_progress(meeting) is not None:
        raise Conflict(_("A new version of these minutes is already in progress."))
    correction = Minutes(
        meeting=meeting,
        version=minutes.version + 1,
        body_markdown=minutes.body_markdown,
        decisions_markdown=minutes.decisions_markdown,
        status=MinutesStatus.DRAFT,
        supersedes=minutes,
        author=actor,
        document_language=minutes.document_language,
    )
    session.add(correction)
    session.flush()
    record(
        session,
        "minutes.correction_started",
        actor=actor,
        subject=correction,
        details={"meeting": meeting.id, "version": correction.version, "corrects": minutes.version},
    )
    return correction


@state_change
def comment_on_minutes(
    session: Session, actor: User, minutes: Minutes, text: str
) -> MinutesComment:
    """A member's (or the secretariat's) comment on circulated minutes."""
    if not can_comment_on_minutes(actor, minutes):
        if minutes.status != MinutesStatus.CIRCULATED:
            raise Conflict(_("Comments are taken while the minutes are circulated."))
        raise NotAllowed(
            _("Only the representatives of member and observer parks comment on minutes.")
        )
    text = (text or "").strip()
    if not text:
        raise Invalid(_("Please write your comment."))
    if len(text) > 4000:
        raise Invalid(_("A comment is at most 4,000 characters."))
    comment = MinutesComment(minutes=minutes, user=actor, park_id=actor.park_id, text=text)
    session.add(comment)
    session.flush()
    record(
        session, "minutes.commented", actor=actor, subject=minutes, details={"comment": comment.id}
    )
    return comment


def _due_votes(session: Session, meeting: Meeting) -> list[Initiative]:
    ids = [minutes.id for minutes in meeting.minutes_versions]
    if not ids:
        return []
    running = session.scalars(
        select(Initiative).where(
            Initiative.kind == InitiativeKind.MINUTES_APPROVAL,
            Initiative.subject_type == "Minutes",
            Initiative.subject_id.in_(ids),
            Initiative.status.in_(VOTING_STATUSES),
        )
    )
    return [initiative for initiative in running if is_due(initiative)]


def _unread(session: Session, user: User, minutes: Minutes) -> bool:
    # Only representatives' first opening of circulated minutes is recorded.
    if minutes.status != MinutesStatus.CIRCULATED or user.park_id is None:
        return False
    return (
        session.scalar(
            select(MinutesRead.id).where(
                MinutesRead.user_id == user.id, MinutesRead.minutes_id == minutes.id
            )
        )
        is None
    )


@state_change
def _settle(session: Session, due: list[Initiative]) -> None:
    for initiative in due:
        settle(session, None, initiative)


def close_due_votes(session: Session, meeting: Meeting) -> None:
    """Close the meeting's minutes-approval votes that are past their closing time, now (on
    first access, as the voting pages do), so that a page never shows a stale "voting".
    Takes no lock and writes nothing when no vote is due (the usual case)."""
    due = _due_votes(session, meeting)
    if due:
        _settle(session, due)


@state_change
def _record_opening(session: Session, user: User, minutes: Minutes, due: list[Initiative]) -> None:
    for initiative in due:
        settle(session, None, initiative)  # checks the vote's state again, under the lock
    if _unread(session, user, minutes):  # again, under the lock: recorded exactly once
        session.add(MinutesRead(user_id=user.id, minutes_id=minutes.id))


def open_minutes(session: Session, user: User, minutes: Minutes) -> None:
    """All that opening a minutes page changes, in one transaction (all of it or nothing): the
    meeting's minutes votes past their closing time close (as close_due_votes), and a
    representative's first opening of circulated minutes is recorded, once however often or
    concurrently they open it. Takes no lock and writes nothing when there is nothing to do."""
    due = _due_votes(session, minutes.meeting)
    if due or _unread(session, user, minutes):
        _record_opening(session, user, minutes, due)
