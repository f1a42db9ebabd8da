"""Meetings for everyone signed in, and the secretariat's pages to run them."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime as babel_format_datetime
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from association.database import utcnow
from association.domain import DomainError
from association.errors import allow
from association.extensions import db
from association.markdown import render_markdown

# Imported here so that its describer for /verify/<code> is registered with the blueprint.
from association.meetings import minutes_pdf as documents
from association.meetings import service, votes
from association.meetings.calendar import calendar_for
from association.meetings.forms import (
    ATTENDANCE_LABELS,
    KIND_LABELS,
    LINK_LABELS,
    AgendaItemForm,
    AttendanceForm,
    CancelForm,
    CommentForm,
    ConfirmForm,
    MeetingEditForm,
    MeetingForm,
    MinutesForm,
    MinutesVoteForm,
    RescheduleForm,
)
from association.meetings.models import (
    AgendaItem,
    ApprovalRoute,
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Minutes,
    MinutesStatus,
)
from association.meetings.policy import (
    TAKING_PART,
    can_comment_on_minutes,
    can_manage_meetings,
    can_read_minutes,
    can_view_meetings,
)
from association.memoranda.models import Memorandum
from association.parks.models import Park
from association.voting.models import Initiative, InitiativeStatus
from association.voting.votes import is_due, settle

bp = Blueprint("meetings", __name__)


bp.add_app_template_filter(render_markdown, "markdown")


@bp.app_template_filter("in_zone")
def in_zone_filter(value: datetime | None, zone: str, format: str = "medium") -> str:
    """A UTC time in a named zone (the meeting's own), with the zone named."""
    if value is None:
        return ""
    return f"{babel_format_datetime(value, format, tzinfo=ZoneInfo(zone), locale=get_locale())} ({zone})"


def _meeting_or_404(meeting_id: int) -> Meeting:
    return db.get_or_404(Meeting, meeting_id)


def _minutes_or_404(meeting: Meeting, version: int) -> Minutes:
    for minutes in meeting.minutes_versions:
        if minutes.version == version:
            return minutes
    abort(404)


def _confirmed() -> None:
    # A button that changes something carries only the CSRF token; a forged one is refused.
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


# --- for everyone signed in -------------------------------------------------------------


def _readable_minutes(meeting: Meeting) -> list[Minutes]:
    return [m for m in meeting.minutes_versions if can_read_minutes(current_user, m)]


@bp.get("/meetings")
@login_required
def meeting_list():
    allow(can_view_meetings(current_user))
    now = utcnow()
    meetings = db.session.scalars(select(Meeting).order_by(Meeting.starts_at)).all()
    upcoming = [m for m in meetings if m.ends_at >= now and m.status != MeetingStatus.HELD]
    past = [m for m in reversed(meetings) if m not in upcoming]
    return render_template(
        "meetings/list.html",
        upcoming=upcoming,
        past=past,
        kind_labels=KIND_LABELS,
        has_feed=service.active_calendar_token(db.session(), current_user) is not None,
    )


@bp.get("/meetings/<int:meeting_id>")
@login_required
def meeting_detail(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    allow(can_view_meetings(current_user))
    attendances = sorted(
        meeting.attendances, key=lambda a: (a.park_status != "member", a.park.name_latin)
    )
    return render_template(
        "meetings/detail.html",
        meeting=meeting,
        kind_labels=KIND_LABELS,
        attendances=attendances,
        attendance_labels=ATTENDANCE_LABELS,
        link_labels=LINK_LABELS,
        quorum=service.quorum(meeting),
        versions=_readable_minutes(meeting),
        current=service.current_published(meeting),
        linked=votes.agenda_links(db.session(), meeting.agenda),
        minutes_votes=_minutes_votes(meeting),
    )


def _minutes_votes(meeting: Meeting) -> dict[int, Initiative]:
    """The latest minutes-approval vote of each version; a vote past its closing time closes
    now (on first access, as the voting pages do), so the page never shows a stale "voting"."""
    found = votes.minutes_votes(db.session(), meeting)
    if any(is_due(initiative) for initiative in found.values()):
        for initiative in found.values():
            if is_due(initiative):
                settle(db.session(), None, initiative)
        found = votes.minutes_votes(db.session(), meeting)
    return found


@bp.get("/meetings/<int:meeting_id>.ics")
@login_required
def meeting_ics(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    allow(can_view_meetings(current_user))
    return _ics(calendar_for([meeting], meeting.title), f"meeting-{meeting.id}.ics")


@bp.get("/meetings/<int:meeting_id>/minutes/<int:version>")
@login_required
def minutes_detail(meeting_id: int, version: int):
    meeting = _meeting_or_404(meeting_id)
    minutes = _minutes_or_404(meeting, version)
    allow(can_read_minutes(current_user, minutes))
    service.mark_minutes_read(db.session(), current_user, minutes)
    comment_form = CommentForm() if can_comment_on_minutes(current_user, minutes) else None
    return render_template(
        "meetings/minutes.html",
        meeting=meeting,
        minutes=minutes,
        comment_form=comment_form,
        kind_labels=KIND_LABELS,
        newer=[m for m in _readable_minutes(meeting) if m.version > version],
        vote=_minutes_votes(meeting).get(minutes.id),
    )


@bp.post("/meetings/<int:meeting_id>/minutes/<int:version>/comments")
@login_required
def minutes_comment(meeting_id: int, version: int):
    meeting = _meeting_or_404(meeting_id)
    minutes = _minutes_or_404(meeting, version)
    allow(can_read_minutes(current_user, minutes))
    form = CommentForm()
    if form.validate_on_submit():
        service.comment_on_minutes(db.session(), current_user, minutes, form.text.data)
        flash(_("Thank you: your comment is with the secretariat and the members."), "success")
    else:
        flash(_("Please write your comment (at most 4,000 characters)."), "danger")
    return redirect(
        url_for("meetings.minutes_detail", meeting_id=meeting.id, version=version) + "#comments"
    )


def _send_document(minutes: Minutes):
    return documents.send_minutes_document(minutes)


@bp.get("/meetings/<int:meeting_id>/minutes.pdf")
@login_required
def minutes_pdf(meeting_id: int):
    """The current published minutes (after a correction: the corrected version)."""
    meeting = _meeting_or_404(meeting_id)
    allow(can_view_meetings(current_user))
    current = service.current_published(meeting)
    if current is None or current.document_id is None:
        abort(404)
    return _send_document(current)


@bp.get("/meetings/<int:meeting_id>/minutes/<int:version>.pdf")
@login_required
def minutes_version_pdf(meeting_id: int, version: int):
    """An earlier published version, kept readable after a correction."""
    meeting = _meeting_or_404(meeting_id)
    minutes = _minutes_or_404(meeting, version)
    allow(can_read_minutes(current_user, minutes))
    if minutes.status != MinutesStatus.PUBLISHED or minutes.document_id is None:
        abort(404)
    return _send_document(minutes)


# --- the personal calendar feed ----------------------------------------------------------


@bp.get("/meetings/calendar")
@login_required
def calendar_feed():
    allow(can_view_meetings(current_user))
    return render_template(
        "meetings/feed.html",
        token=service.active_calendar_token(db.session(), current_user),
        feed_url=None,
        confirm=ConfirmForm(),
    )


@bp.post("/meetings/calendar/new")
@login_required
def calendar_feed_new():
    allow(can_view_meetings(current_user))
    _confirmed()
    secret = service.issue_calendar_token(db.session(), current_user)
    # Shown this once: only the secret's digest is kept.
    feed_url = url_for("meetings.calendar_feed_ics", token=secret, _external=True)
    return render_template(
        "meetings/feed.html",
        token=service.active_calendar_token(db.session(), current_user),
        feed_url=feed_url,
        confirm=ConfirmForm(),
    )


@bp.post("/meetings/calendar/revoke")
@login_required
def calendar_feed_revoke():
    allow(can_view_meetings(current_user))
    _confirmed()
    service.revoke_calendar_token(db.session(), current_user)
    flash(_("Your calendar feed is switched off; its address no longer works."), "success")
    return redirect(url_for("meetings.calendar_feed"))


@bp.get("/calendar/<token>.ics")
def calendar_feed_ics(token: str):
    """A user's meetings for a calendar application: the secret in the address is the only key."""
    owner = service.feed_owner(db.session(), token)
    if owner is None or not can_view_meetings(owner):
        abort(404)
    meetings = db.session.scalars(
        select(Meeting).options(selectinload(Meeting.agenda)).order_by(Meeting.starts_at)
    ).all()
    return _ics(calendar_for(meetings, _("Association of Modern Technoparks")), "meetings.ics")


# --- the secretariat ----------------------------------------------------------------------


def _staff() -> None:
    allow(can_manage_meetings(current_user))


@bp.get("/secretariat/meetings")
@login_required
def manage_list():
    _staff()
    meetings = db.session.scalars(select(Meeting).order_by(Meeting.starts_at.desc())).all()
    return render_template("meetings/manage_list.html", meetings=meetings, kind_labels=KIND_LABELS)


@bp.route("/secretariat/meetings/new", methods=["GET", "POST"])
@login_required
def manage_new():
    _staff()
    form = MeetingForm()
    if request.method == "GET":
        form.timezone.data = current_user.timezone
    if form.validate_on_submit():
        try:
            zone = service.check_zone(form.timezone.data)
            meeting = service.create_meeting(
                db.session(),
                current_user,
                kind=MeetingKind(form.kind.data),
                title=form.title.data,
                starts_at=service.in_zone(form.starts_at.data, zone),
                ends_at=service.in_zone(form.ends_at.data, zone),
                timezone=zone,
                place=form.place.data or "",
                online_url=form.online_url.data or "",
            )
        except DomainError as refused:
            flash(refused.message, "danger")
        else:
            flash(_("The meeting is scheduled and the members are told."), "success")
            return redirect(url_for("meetings.manage_detail", meeting_id=meeting.id))
    return render_template(
        "meetings/form.html", form=form, meeting=None, heading=_("Schedule a meeting")
    )


@bp.get("/secretariat/meetings/<int:meeting_id>")
@login_required
def manage_detail(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    _staff()
    return _manage_page(meeting)


def _manage_page(meeting: Meeting, *, vote_form: MinutesVoteForm | None = None, status: int = 200):
    return render_template(
        "meetings/manage.html",
        meeting=meeting,
        kind_labels=KIND_LABELS,
        link_labels=LINK_LABELS,
        attendance_labels=ATTENDANCE_LABELS,
        quorum=service.quorum(meeting),
        agenda_form=_agenda_form(None) if meeting.status == MeetingStatus.SCHEDULED else None,
        cancel_form=CancelForm(),
        confirm=ConfirmForm(),
        now=utcnow(),
        statuses=MinutesStatus,
        in_progress=service._in_progress(meeting),
        current=service.current_published(meeting),
        linked=votes.agenda_links(db.session(), meeting.agenda),
        minutes_votes=_minutes_votes(meeting),
        vote_form=vote_form or MinutesVoteForm(formdata=None),
    ), status


def _local(value: datetime, zone: str) -> datetime:
    return value.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


@bp.route("/secretariat/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def manage_edit(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    _staff()
    form = MeetingEditForm(obj=meeting)
    if form.validate_on_submit():
        try:
            service.update_meeting(
                db.session(),
                current_user,
                meeting,
                kind=MeetingKind(form.kind.data),
                title=form.title.data,
                timezone=form.timezone.data,
                place=form.place.data or "",
                online_url=form.online_url.data or "",
            )
        except DomainError as refused:
            flash(refused.message, "danger")
        else:
            flash(_("The meeting's details are saved."), "success")
            return redirect(url_for("meetings.manage_detail", meeting_id=meeting.id))
    return render_template(
        "meetings/form.html", form=form, meeting=meeting, heading=_("Edit the meeting")
    )


@bp.route("/secretariat/meetings/<int:meeting_id>/reschedule", methods=["GET", "POST"])
@login_required
def manage_reschedule(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    _staff()
    form = RescheduleForm()
    if request.method == "GET":
        form.starts_at.data = _local(meeting.starts_at, meeting.timezone)
        form.ends_at.data = _local(meeting.ends_at, meeting.timezone)
    if form.validate_on_submit():
        try:
            service.reschedule_meeting(
                db.session(),
                current_user,
                meeting,
                starts_at=service.in_zone(form.starts_at.data, meeting.timezone),
                ends_at=service.in_zone(form.ends_at.data, meeting.timezone),
                reason=form.reason.data or "",
            )
        except DomainError as refused:
            flash(refused.message, "danger")
        else:
            flash(_("The meeting is rescheduled and the members are told."), "success")
            return redirect(url_for("meetings.manage_detail", meeting_id=meeting.id))
    return render_template(
        "meetings/form.html",
        form=form,
        meeting=meeting,
        heading=_("Reschedule the meeting"),
        note=_("Times in %(zone)s, the meeting's zone.", zone=meeting.timezone),
    )


@bp.post("/secretariat/meetings/<int:meeting_id>/cancel")
@login_required
def manage_cancel(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    _staff()
    form = CancelForm()
    if not form.validate_on_submit():
        flash(_("Please give the reason for cancelling."), "danger")
        return redirect(url_for("meetings.manage_detail", meeting_id=meeting.id))
    service.cancel_meeting(db.session(), current_user, meeting, form.reason.data)
    flash(_("The meeting is cancelled and the members are told."), "success")
    return redirect(url_for("meetings.manage_detail", meeting_id=meeting.id))


@bp.post("/secretariat/meetings/<int:meeting_id>/held")
@login_required
def manage_held(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    _staff()
    _confirmed()
    service.mark_held(db.session(), current_user, meeting)
    flash(_("The meeting is marked as held; its agenda is now fixed."), "success")
    return redirect(url_for("meetings.manage_detail", meeting_id=meeting.id))


# --- agenda

INITIATIVE_STATUS_LABELS = {
    InitiativeStatus.DRAFT: _l("draft"),
    InitiativeStatus.SCHEDULED: _l("scheduled"),
    InitiativeStatus.OPEN: _l("voting open"),
    InitiativeStatus.CLOSED: _l("closed"),
    InitiativeStatus.CANCELLED: _l("cancelled"),
}


def _agenda_form(item: AgendaItem | None) -> AgendaItemForm:
    """The agenda item form, its link a choice among the initiatives that exist (not cancelled,
    newest first); an item's current link stays on offer whatever became of it."""
    form = (
        AgendaItemForm(obj=item)
        if item is not None and request.method == "GET"
        else AgendaItemForm()
    )
    rows = db.session.execute(
        select(Initiative.id, Initiative.title, Initiative.status)
        .where(Initiative.status != InitiativeStatus.CANCELLED)
        .order_by(Initiative.created_at.desc(), Initiative.id.desc())
    ).all()
    choices = [("", str(_("Nothing")))]
    choices += [
        (
            f"initiative:{row.id}",
            f"{row.title} ({INITIATIVE_STATUS_LABELS.get(row.status, row.status)})",
        )
        for row in rows
    ]
    memoranda = db.session.execute(
        select(Memorandum.id, Memorandum.title, Memorandum.registry_number).order_by(
            Memorandum.id.desc()
        )
    ).all()
    choices += [
        (
            f"memorandum:{row.id}",
            f"{_('Memorandum')}: {row.title}"
            + (f" ({row.registry_number})" if row.registry_number else ""),
        )
        for row in memoranda
    ]
    if item is not None and item.linked_type:
        current = f"{item.linked_type}:{item.linked_id}"
        if current not in {value for value, _label in choices}:
            choices.append(
                (
                    current,
                    f"{LINK_LABELS.get(item.linked_type, item.linked_type)} #{item.linked_id}",
                )
            )
        if request.method == "GET":
            form.link.data = current
    form.link.choices = choices
    return form


@bp.post("/secretariat/meetings/<int:meeting_id>/agenda")
@login_required
def agenda_add(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    _staff()
    form = _agenda_form(None)
    if not form.validate_on_submit():
        flash(" ".join(str(error) for errors in form.errors.values() for error in errors), "danger")
        return redirect(url_for("meetings.manage_detail", meeting_id=meeting.id) + "#agenda")
    linked_type, linked_id = form.linked()
    service.add_agenda_item(
        db.session(),
        current_user,
        meeting,
        title=form.title.data,
        presenter=form.presenter.data or "",
        notes=form.notes.data or "",
        linked_type=linked_type,
        linked_id=linked_id,
    )
    flash(_("The item is added to the agenda."), "success")
    return redirect(url_for("meetings.manage_detail", meeting_id=meeting.id) + "#agenda")


def _item_or_404(meeting: Meeting, item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        abort(404)
    return item


@bp.route(
    "/secretariat/meetings/<int:meeting_id>/agenda/<int:item_id>/edit", methods=["GET", "POST"]
)
@login_required
def agenda_edit(meeting_id: int, item_id: int):
    meeting = _meeting_or_404(meeting_id)
    item = _item_or_404(meeting, item_id)
    _staff()
    form = _agenda_form(item)
    if form.validate_on_submit():
        linked_type, linked_id = form.linked()
        try:
            service.update_agenda_item(
                db.session(),
                current_user,
                item,
                title=form.title.data,
                presenter=form.presenter.data or "",
                notes=form.notes.data or "",
                linked_type=linked_type,
                linked_id=linked_id,
            )
        except DomainError as refused:
            flash(refused.message, "danger")
        else:
            flash(_("The agenda item is saved."), "success")
            return redirect(url_for("meetings.manage_detail", meeting_id=meeting.id) + "#agenda")
    return render_template(
        "meetings/form.html", form=form, meeting=meeting, heading=_("Edit an agenda item")
    )


@bp.post("/secretariat/meetings/<int:meeting_id>/agenda/<int:item_id>/up")
@login_required
def agenda_up(meeting_id: int, item_id: int):
    return _agenda_change(meeting_id, item_id, "up")


@bp.post("/secretariat/meetings/<int:meeting_id>/agenda/<int:item_id>/down")
@login_required
def agenda_down(meeting_id: int, item_id: int):
    return _agenda_change(meeting_id, item_id, "down")


@bp.post("/secretariat/meetings/<int:meeting_id>/agenda/<int:item_id>/remove")
@login_required
def agenda_remove(meeting_id: int, item_id: int):
    return _agenda_change(meeting_id, item_id, "remove")


def _agenda_change(meeting_id: int, item_id: int, action: str):
    meeting = _meeting_or_404(meeting_id)
    item = _item_or_404(meeting, item_id)
    _staff()
    _confirmed()
    if action == "remove":
        service.remove_agenda_item(db.session(), current_user, item)
        flash(_("The item is removed from the agenda."), "success")
    else:
        service.move_agenda_item(db.session(), current_user, item, -1 if action == "up" else 1)
    return redirect(url_for("meetings.manage_detail", meeting_id=meeting.id) + "#agenda")


# --- attendance


def _attendance_parks() -> list[Park]:
    return list(
        db.session.scalars(
            select(Park)
            .where(Park.status.in_(TAKING_PART))
            .options(selectinload(Park.users))
            .order_by(Park.status, Park.name_latin)
        )
    )


@bp.route("/secretariat/meetings/<int:meeting_id>/attendance", methods=["GET", "POST"])
@login_required
def attendance(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    _staff()
    parks = _attendance_parks()
    recorded: dict[int, Attendance] = {a.park_id: a for a in meeting.attendances}
    form = AttendanceForm()
    if request.method == "GET":
        for park in parks:
            existing = recorded.get(park.id)
            form.rows.append_entry(
                {
                    "park_id": str(park.id),
                    "status": existing.status if existing else AttendanceStatus.ABSENT.value,
                    "represented_by": existing.representative if existing else "",
                }
            )
    elif form.validate_on_submit():
        entries = []
        for row in form.rows:
            park_id = row.park_id.data or ""
            park = db.session.get(Park, int(park_id)) if park_id.isdigit() else None
            if park is None:
                abort(400)
            name = (row.represented_by.data or "").strip()
            # A name that is one of the park's users links to the account; anything else is kept as written.
            user = (
                next((u for u in park.users if u.full_name.casefold() == name.casefold()), None)
                if name
                else None
            )
            entries.append(
                service.AttendanceEntry(
                    park=park,
                    status=AttendanceStatus(row.status.data),
                    represented_by=name,
                    represented_by_user=user,
                )
            )
        try:
            service.record_attendance(db.session(), current_user, meeting, entries)
        except DomainError as refused:
            flash(refused.message, "danger")
        else:
            flash(_("The attendance is saved."), "success")
            return redirect(
                url_for("meetings.manage_detail", meeting_id=meeting.id) + "#attendance"
            )
    by_id = {park.id: park for park in db.session.scalars(select(Park)).all()}
    rows = [
        (row, by_id.get(int(row.park_id.data)) if (row.park_id.data or "").isdigit() else None)
        for row in form.rows
    ]
    return render_template("meetings/attendance.html", meeting=meeting, form=form, rows=rows)


# --- minutes


def _minutes_by_id(minutes_id: int) -> Minutes:
    return db.get_or_404(Minutes, minutes_id)


@bp.post("/secretariat/meetings/<int:meeting_id>/minutes")
@login_required
def minutes_start(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    _staff()
    _confirmed()
    minutes = service.start_minutes(db.session(), current_user, meeting)
    return redirect(url_for("meetings.minutes_edit", minutes_id=minutes.id))


@bp.route("/secretariat/minutes/<int:minutes_id>/edit", methods=["GET", "POST"])
@login_required
def minutes_edit(minutes_id: int):
    minutes = _minutes_by_id(minutes_id)
    _staff()
    if minutes.status != MinutesStatus.DRAFT and request.method == "GET":
        flash(_("Only a draft can be edited."), "warning")
        return redirect(
            url_for("meetings.manage_detail", meeting_id=minutes.meeting_id) + "#minutes"
        )
    form = MinutesForm(body=minutes.body_markdown, decisions=minutes.decisions_markdown)
    if form.validate_on_submit():
        before = (form.body.data or "", form.decisions.data or "")
        try:
            service.edit_minutes(
                db.session(), current_user, minutes, body=before[0], decisions=before[1]
            )
        except DomainError as refused:
            flash(refused.message, "danger")
        else:
            if (minutes.body_markdown, minutes.decisions_markdown) != tuple(
                t.replace("\r\n", "\n").strip() for t in before
            ):
                flash(
                    _(
                        "The draft is saved. Unsafe markup (scripts, frames, event handlers, script links) was removed."
                    ),
                    "warning",
                )
            else:
                flash(_("The draft is saved."), "success")
            return redirect(
                url_for("meetings.manage_detail", meeting_id=minutes.meeting_id) + "#minutes"
            )
    return render_template(
        "meetings/minutes_form.html", form=form, minutes=minutes, meeting=minutes.meeting
    )


@bp.post("/secretariat/minutes/<int:minutes_id>/vote")
@login_required
def minutes_vote(minutes_id: int):
    minutes = _minutes_by_id(minutes_id)
    _staff()
    form = MinutesVoteForm()
    if not form.validate_on_submit():
        return _manage_page(minutes.meeting, vote_form=form, status=400)
    initiative = votes.put_minutes_to_vote(db.session(), current_user, minutes, days=form.days.data)
    flash(
        _("The minutes are put to a vote of the member parks; their delegates are told."), "success"
    )
    return redirect(url_for("voting.initiative_detail", initiative_id=initiative.id))


MINUTES_ACTIONS = {
    "circulate": (
        service.circulate_minutes,
        _l("The minutes are circulated to the members for reading and comments."),
    ),
    "return": (service.return_minutes_to_draft, _l("The minutes are back in draft.")),
    "publish": (service.publish_minutes, _l("The minutes are published.")),
}


def _minutes_route(action: str):
    def view(minutes_id: int):
        return _minutes_action(minutes_id, action)

    view.__name__ = f"minutes_{action}"
    bp.post(f"/secretariat/minutes/<int:minutes_id>/{action}")(login_required(view))


def _minutes_action(minutes_id: int, action: str):
    minutes = _minutes_by_id(minutes_id)
    _staff()
    _confirmed()
    target = url_for("meetings.manage_detail", meeting_id=minutes.meeting_id) + "#minutes"
    if action == "approve":
        service.approve_minutes(
            db.session(), current_user, minutes, route=ApprovalRoute.SECRETARIAT
        )
        flash(_("The minutes are approved by the secretariat."), "success")
    elif action == "correct":
        correction = service.correct_minutes(db.session(), current_user, minutes)
        flash(
            _(
                "Version %(n)d is a draft holding the published text: correct it, then circulate it.",
                n=correction.version,
            ),
            "success",
        )
        return redirect(url_for("meetings.minutes_edit", minutes_id=correction.id))
    else:
        function, message = MINUTES_ACTIONS[action]
        function(db.session(), current_user, minutes)
        flash(str(message), "success")
    return redirect(target)


for _action in ("circulate", "return", "approve", "publish", "correct"):
    _minutes_route(_action)
