"""The secretariat's pages to run meetings: schedule, edit and cancel them, their agenda and
attendance. On the blueprint of views.py; the minutes' pages are in secretariat_minutes.py."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from association.database import utcnow
from association.domain import DomainError, Invalid
from association.errors import allow
from association.extensions import db
from association.forms import ConfirmForm
from association.meetings import agenda, minutes, queries, scheduling
from association.meetings.attendance import AttendanceEntry, record_attendance
from association.meetings.forms import (
    ATTENDANCE_LABELS,
    KIND_LABELS,
    LINK_LABELS,
    AgendaItemForm,
    AttendanceForm,
    CancelForm,
    MeetingEditForm,
    MeetingForm,
    MinutesVoteForm,
    PastMeetingForm,
    RescheduleForm,
)
from association.meetings.models import (
    AgendaItem,
    AttendanceStatus,
    Meeting,
    MeetingKind,
    MeetingStatus,
    MinutesStatus,
)
from association.meetings.policy import can_manage_meetings
from association.meetings.presenters import link_choices, wall_clock
from association.meetings.views import bp, confirmed, meeting_or_404


def staff() -> None:
    allow(can_manage_meetings(current_user))


def to_meeting(meeting_id: int, anchor: str = ""):
    """Back to the secretariat's page of the meeting, at `anchor` (e.g. "#agenda")."""
    return redirect(url_for("meetings.manage_detail", meeting_id=meeting_id) + anchor)


@bp.get("/secretariat/meetings")
@login_required
def manage_list():
    staff()
    return render_template(
        "meetings/manage_list.html",
        meetings=queries.manage_list(db.session()),
        kind_labels=KIND_LABELS,
    )


def new_meeting_fields(form: MeetingForm | PastMeetingForm) -> dict:
    """What a new meeting's form says, its times read in the zone it names (raises
    DomainError for an unknown zone)."""
    zone = scheduling.check_zone(form.timezone.data)
    return {
        "kind": MeetingKind(form.kind.data),
        "title": form.title.data,
        "starts_at": scheduling.in_zone(form.starts_at.data, zone),
        "ends_at": scheduling.in_zone(form.ends_at.data, zone),
        "timezone": zone,
        "place": form.place.data or "",
        "online_url": form.online_url.data or "",
        "translations": form.translations(),
    }


@bp.route("/secretariat/meetings/new", methods=["GET", "POST"])
@login_required
def manage_new():
    staff()
    form = MeetingForm()
    if not form.is_submitted():
        form.timezone.data = current_user.timezone
    if form.validate_on_submit():
        try:
            meeting = scheduling.create_meeting(
                db.session(), current_user, **new_meeting_fields(form)
            )
        except DomainError as refused:
            flash(refused.message, "danger")
        else:
            flash(_("The meeting is scheduled and the members are told."), "success")
            return to_meeting(meeting.id)
    return render_template(
        "meetings/form.html",
        form=form,
        meeting=None,
        heading=_("Schedule a meeting"),
        offer_past=True,
    )


@bp.route("/secretariat/meetings/record", methods=["GET", "POST"])
@login_required
def manage_record_past():
    staff()
    form = PastMeetingForm()
    if not form.is_submitted():
        form.timezone.data = current_user.timezone
    if form.validate_on_submit():
        try:
            meeting = scheduling.record_past_meeting(
                db.session(),
                current_user,
                **new_meeting_fields(form),
                agenda=(form.agenda.data or "").splitlines(),
            )
        except DomainError as refused:
            flash(refused.message, "danger")
        else:
            flash(
                _("The meeting is recorded as held. Record the attendance and write the minutes."),
                "success",
            )
            return to_meeting(meeting.id)
    return render_template(
        "meetings/form.html",
        form=form,
        meeting=None,
        heading=_("Record a past meeting"),
        note=_(
            "For a meeting that already took place and was not scheduled here: it is recorded "
            "as held, marked as recorded afterwards by you, and nobody is e-mailed."
        ),
    )


@bp.get("/secretariat/meetings/<int:meeting_id>")
@login_required
def manage_detail(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    staff()
    return manage_page(meeting)


def manage_page(
    meeting: Meeting,
    *,
    vote_form: MinutesVoteForm | None = None,
    agenda_form: AgendaItemForm | None = None,
    status: int = 200,
):
    # A minutes vote past its closing time closes on first access, as on the members' page.
    minutes.close_due_votes(db.session(), meeting)
    if agenda_form is None and meeting.status == MeetingStatus.SCHEDULED:
        agenda_form = _agenda_form(None)
    # "Add an item" stays open after an item is added (?adding=1) or refused, for the next one.
    adding = agenda_form is not None and (
        any(field.errors for field in agenda_form) or request.args.get("adding") == "1"
    )
    if adding and agenda_form is not None:
        agenda_form.title.render_kw = {"autofocus": True}
    return render_template(
        "meetings/manage.html",
        meeting=meeting,
        kind_labels=KIND_LABELS,
        link_labels=LINK_LABELS,
        attendance_labels=ATTENDANCE_LABELS,
        agenda_form=agenda_form,
        adding=adding,
        cancel_form=CancelForm(),
        confirm=ConfirmForm(),
        now=utcnow(),
        statuses=MinutesStatus,
        has_text=minutes.has_text,
        vote_form=vote_form or MinutesVoteForm(formdata=None),
        **queries.manage_page(db.session(), meeting),
    ), status


@bp.route("/secretariat/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def manage_edit(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    staff()
    form = MeetingEditForm(
        obj=meeting,
        **MeetingEditForm.filled({t.language: {"title": t.title} for t in meeting.translations}),
    )
    if form.validate_on_submit():
        try:
            scheduling.update_meeting(
                db.session(),
                current_user,
                meeting,
                kind=MeetingKind(form.kind.data),
                title=form.title.data,
                timezone=form.timezone.data,
                place=form.place.data or "",
                online_url=form.online_url.data or "",
                translations=form.translations(),
            )
        except DomainError as refused:
            flash(refused.message, "danger")
        else:
            flash(_("The meeting's details are saved."), "success")
            return to_meeting(meeting.id)
    return render_template(
        "meetings/form.html", form=form, meeting=meeting, heading=_("Edit the meeting")
    )


@bp.route("/secretariat/meetings/<int:meeting_id>/reschedule", methods=["GET", "POST"])
@login_required
def manage_reschedule(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    staff()
    form = RescheduleForm()
    if not form.is_submitted():
        form.starts_at.data = wall_clock(meeting.starts_at, meeting.timezone)
        form.ends_at.data = wall_clock(meeting.ends_at, meeting.timezone)
    if form.validate_on_submit():
        try:
            scheduling.reschedule_meeting(
                db.session(),
                current_user,
                meeting,
                starts_at=scheduling.in_zone(form.starts_at.data, meeting.timezone),
                ends_at=scheduling.in_zone(form.ends_at.data, meeting.timezone),
                reason=form.reason.data or "",
            )
        except DomainError as refused:
            flash(refused.message, "danger")
        else:
            flash(_("The meeting is rescheduled and the members are told."), "success")
            return to_meeting(meeting.id)
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
    meeting = meeting_or_404(meeting_id)
    staff()
    form = CancelForm()
    if not form.validate_on_submit():
        flash(_("Please give the reason for cancelling."), "danger")
        return to_meeting(meeting.id)
    scheduling.cancel_meeting(db.session(), current_user, meeting, form.reason.data)
    flash(_("The meeting is cancelled and the members are told."), "success")
    return to_meeting(meeting.id)


@bp.post("/secretariat/meetings/<int:meeting_id>/held")
@login_required
def manage_held(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    staff()
    confirmed()
    scheduling.mark_held(db.session(), current_user, meeting)
    flash(_("The meeting is marked as held; its agenda is now fixed."), "success")
    return to_meeting(meeting.id)


# --- agenda


def _agenda_form(item: AgendaItem | None) -> AgendaItemForm:
    """The agenda item form, its link a choice among the initiatives and memoranda that exist."""
    form = AgendaItemForm()
    if item is not None and not form.is_submitted():
        form = AgendaItemForm(obj=item)
        if item.linked_type:
            form.link.data = f"{item.linked_type}:{item.linked_id}"
    form.link.choices = link_choices(queries.link_targets(db.session()), item)
    return form


@bp.post("/secretariat/meetings/<int:meeting_id>/agenda")
@login_required
def agenda_add(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    staff()
    form = _agenda_form(None)
    if not form.validate_on_submit():
        return manage_page(meeting, agenda_form=form, status=400)
    linked_type, linked_id = form.linked()
    try:
        agenda.add_agenda_item(
            db.session(),
            current_user,
            meeting,
            title=form.title.data,
            presenter=form.presenter.data or "",
            notes=form.notes.data or "",
            linked_type=linked_type,
            linked_id=linked_id,
        )
    except Invalid as refused:  # what the item links to: said beside that field
        form.link.errors = [refused.message]
        return manage_page(meeting, agenda_form=form, status=refused.status)
    flash(_("The item is added to the agenda. Add the next one below."), "success")
    # No #fragment: browsers skip autofocus on a page addressed with one.
    return redirect(url_for("meetings.manage_detail", meeting_id=meeting.id, adding=1))


def _item_or_404(meeting: Meeting, item_id: int) -> AgendaItem:
    return db.first_or_404(
        select(AgendaItem).where(AgendaItem.id == item_id, AgendaItem.meeting_id == meeting.id)
    )


@bp.route(
    "/secretariat/meetings/<int:meeting_id>/agenda/<int:item_id>/edit", methods=["GET", "POST"]
)
@login_required
def agenda_edit(meeting_id: int, item_id: int):
    meeting = meeting_or_404(meeting_id)
    item = _item_or_404(meeting, item_id)
    staff()
    form = _agenda_form(item)
    if form.validate_on_submit():
        linked_type, linked_id = form.linked()
        try:
            agenda.update_agenda_item(
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
            return to_meeting(meeting.id, "#agenda")
    return render_template(
        "meetings/form.html", form=form, meeting=meeting, heading=_("Edit an agenda item")
    )


@bp.post("/secretariat/meetings/<int:meeting_id>/agenda/<int:item_id>/up")
@login_required
def agenda_up(meeting_id: int, item_id: int):
    meeting = meeting_or_404(meeting_id)
    item = _item_or_404(meeting, item_id)
    staff()
    confirmed()
    agenda.move_agenda_item(db.session(), current_user, item, -1)
    return to_meeting(meeting.id, "#agenda")


@bp.post("/secretariat/meetings/<int:meeting_id>/agenda/<int:item_id>/down")
@login_required
def agenda_down(meeting_id: int, item_id: int):
    meeting = meeting_or_404(meeting_id)
    item = _item_or_404(meeting, item_id)
    staff()
    confirmed()
    agenda.move_agenda_item(db.session(), current_user, item, 1)
    return to_meeting(meeting.id, "#agenda")


@bp.post("/secretariat/meetings/<int:meeting_id>/agenda/<int:item_id>/remove")
@login_required
def agenda_remove(meeting_id: int, item_id: int):
    meeting = meeting_or_404(meeting_id)
    item = _item_or_404(meeting, item_id)
    staff()
    confirmed()
    agenda.remove_agenda_item(db.session(), current_user, item)
    flash(_("The item is removed from the agenda."), "success")
    return to_meeting(meeting.id, "#agenda")


# --- attendance


@bp.route("/secretariat/meetings/<int:meeting_id>/attendance", methods=["GET", "POST"])
@login_required
def attendance(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    staff()
    form = AttendanceForm()
    if not form.is_submitted():
        recorded = {a.park_id: a for a in meeting.attendances}
        for park in queries.attendance_parks(db.session()):
            existing = recorded.get(park.id)
            form.rows.append_entry(
                {
                    "park_id": str(park.id),
                    "status": existing.status if existing else AttendanceStatus.ABSENT.value,
                    "represented_by": existing.representative if existing else "",
                }
            )
    elif form.validate_on_submit():
        if not all((row.park_id.data or "").isdigit() for row in form.rows):
            raise Invalid(_("The attendance form names a park by something other than its number."))
        entries = [
            AttendanceEntry(
                park_id=int(row.park_id.data),
                status=AttendanceStatus(row.status.data),
                represented_by=(row.represented_by.data or "").strip(),
            )
            for row in form.rows
        ]
        try:
            record_attendance(db.session(), current_user, meeting, entries)
        except DomainError as refused:
            flash(refused.message, "danger")
        else:
            flash(_("The attendance is saved."), "success")
            return to_meeting(meeting.id, "#attendance")
    ids = [int(row.park_id.data) for row in form.rows if (row.park_id.data or "").isdigit()]
    by_id = queries.parks_by_id(db.session(), ids)
    rows = [
        (row, by_id.get(int(row.park_id.data)) if (row.park_id.data or "").isdigit() else None)
        for row in form.rows
    ]
    return render_template("meetings/attendance.html", meeting=meeting, form=form, rows=rows)
