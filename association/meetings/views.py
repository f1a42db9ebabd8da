"""Meetings for everyone signed in: the list, one meeting, its minutes and their PDF, and the
personal calendar feed. The secretariat's pages are in secretariat.py, on the same blueprint."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from association.documents.views import send_stored
from association.errors import allow
from association.extensions import db
from association.forms import ConfirmForm
from association.markdown import render_markdown
from association.meetings import calendar, minutes, queries
from association.meetings.forms import ATTENDANCE_LABELS, KIND_LABELS, LINK_LABELS, CommentForm
from association.meetings.minutes import current_published
from association.meetings.models import Meeting, Minutes
from association.meetings.policy import can_comment_on_minutes, can_read_minutes, can_view_meetings
from association.meetings.presenters import time_in_zone

bp = Blueprint("meetings", __name__)

bp.add_app_template_filter(render_markdown, "markdown")
bp.add_app_template_filter(time_in_zone, "in_zone")


def meeting_or_404(meeting_id: int) -> Meeting:
    return db.get_or_404(Meeting, meeting_id)


def minutes_or_404(meeting: Meeting, version: int) -> Minutes:
    for found in meeting.minutes_versions:
        if found.version == version:
            return found
    abort(404)


def confirmed() -> None:
    """A button that changes something carries only the CSRF token; a forged one is refused."""
    if not ConfirmForm().validate_on_submit():
        abort(400)


def _ics(body: bytes, filename: str) -> Response:
    return Response(
        body,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-cache",
        },
    )


@bp.get("/meetings")
@login_required
def meeting_list():
    allow(can_view_meetings(current_user))
    return render_template(
        "meetings/list.html",
        kind_labels=KIND_LABELS,
        **queries.meeting_list(db.session(), current_user),
    )


@bp.get("/meetings/<int:meeting_id>")
@login_required
def meeting_detail(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    allow(can_view_meetings(current_user))
    minutes.close_due_votes(db.session(), meeting)
    return render_template(
        "meetings/detail.html",
        meeting=meeting,
        kind_labels=KIND_LABELS,
        attendance_labels=ATTENDANCE_LABELS,
        link_labels=LINK_LABELS,
        **queries.meeting_page(db.session(), current_user, meeting),
    )


@bp.get("/meetings/<int:meeting_id>.ics")
@login_required
def meeting_ics(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    allow(can_view_meetings(current_user))
    return _ics(calendar.calendar_for([meeting], meeting.title), f"meeting-{meeting.id}.ics")


@bp.get("/meetings/<int:meeting_id>/minutes/<int:version>")
@login_required
def minutes_detail(meeting_id: int, version: int):
    meeting = meeting_or_404(meeting_id)
    shown = minutes_or_404(meeting, version)
    allow(can_read_minutes(current_user, shown))
    minutes.open_minutes(db.session(), current_user, shown)
    return render_template(
        "meetings/minutes.html",
        meeting=meeting,
        minutes=shown,
        comment_form=CommentForm() if can_comment_on_minutes(current_user, shown) else None,
        kind_labels=KIND_LABELS,
        **queries.minutes_page(db.session(), current_user, shown),
    )


@bp.post("/meetings/<int:meeting_id>/minutes/<int:version>/comments")
@login_required
def minutes_comment(meeting_id: int, version: int):
    meeting = meeting_or_404(meeting_id)
    shown = minutes_or_404(meeting, version)
    allow(can_read_minutes(current_user, shown))
    form = CommentForm()
    if form.validate_on_submit():
        minutes.comment_on_minutes(db.session(), current_user, shown, form.text.data)
        flash(_("Thank you: your comment is with the secretariat and the members."), "success")
    else:
        flash(_("Please write your comment (at most 4,000 characters)."), "danger")
    return redirect(
        url_for("meetings.minutes_detail", meeting_id=meeting.id, version=version) + "#comments"
    )


def _send_document(published: Minutes | None):
    document = queries.minutes_document(db.session(), published) if published else None
    if document is None:
        abort(404)
    return send_stored(document)


@bp.get("/meetings/<int:meeting_id>/minutes.pdf")
@login_required
def minutes_pdf(meeting_id: int):
    """The current published minutes (after a correction: the corrected version)."""
    meeting = meeting_or_404(meeting_id)
    allow(can_view_meetings(current_user))
    return _send_document(current_published(meeting))


@bp.get("/meetings/<int:meeting_id>/minutes/<int:version>.pdf")
@login_required
def minutes_version_pdf(meeting_id: int, version: int):
    """An earlier published version, kept readable after a correction."""
    meeting = meeting_or_404(meeting_id)
    shown = minutes_or_404(meeting, version)
    allow(can_read_minutes(current_user, shown))
    return _send_document(shown)


# --- the personal calendar feed ----------------------------------------------------------


@bp.get("/meetings/calendar")
@login_required
def calendar_feed():
    allow(can_view_meetings(current_user))
    return render_template(
        "meetings/feed.html",
        token=calendar.active_calendar_token(db.session(), current_user),
        feed_url=None,
        confirm=ConfirmForm(),
    )


@bp.post("/meetings/calendar/new")
@login_required
def calendar_feed_new():
    allow(can_view_meetings(current_user))
    confirmed()
    secret = calendar.issue_calendar_token(db.session(), current_user)
    # Shown this once: only the secret's digest is kept.
    feed_url = url_for("meetings.calendar_feed_ics", token=secret, _external=True)
    return render_template(
        "meetings/feed.html",
        token=calendar.active_calendar_token(db.session(), current_user),
        feed_url=feed_url,
        confirm=ConfirmForm(),
    )


@bp.post("/meetings/calendar/revoke")
@login_required
def calendar_feed_revoke():
    allow(can_view_meetings(current_user))
    confirmed()
    calendar.revoke_calendar_token(db.session(), current_user)
    flash(_("Your calendar feed is switched off; its address no longer works."), "success")
    return redirect(url_for("meetings.calendar_feed"))


@bp.get("/calendar/<token>.ics")
def calendar_feed_ics(token: str):
    """A user's meetings for a calendar application: the secret in the address is the only key."""
    owner = calendar.feed_owner(db.session(), token)
    if owner is None or not can_view_meetings(owner):
        abort(404)
    return _ics(
        calendar.calendar_for(
            queries.feed_meetings(db.session()), _("Association of Modern Technoparks")
        ),
        "meetings.ics",
    )
