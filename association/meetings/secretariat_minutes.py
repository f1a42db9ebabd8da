"""The secretariat's pages for minutes: start, edit, circulate, return to draft, approve, put
to a vote, publish and correct. On the blueprint of views.py."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from association.domain import DomainError
from association.extensions import db
from association.meetings import minutes, votes
from association.meetings.forms import MinutesForm, MinutesVoteForm
from association.meetings.models import ApprovalRoute, Minutes, MinutesStatus
from association.meetings.secretariat import manage_page, staff, to_meeting
from association.meetings.views import bp, confirmed, meeting_or_404


def _minutes_by_id(minutes_id: int) -> Minutes:
    return db.get_or_404(Minutes, minutes_id)


@bp.post("/secretariat/meetings/<int:meeting_id>/minutes")
@login_required
def minutes_start(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    staff()
    confirmed()
    started = minutes.start_minutes(db.session(), current_user, meeting)
    return redirect(url_for("meetings.minutes_edit", minutes_id=started.id))


@bp.route("/secretariat/minutes/<int:minutes_id>/edit", methods=["GET", "POST"])
@login_required
def minutes_edit(minutes_id: int):
    draft = _minutes_by_id(minutes_id)
    staff()
    form = MinutesForm(
        body=draft.body_markdown,
        decisions=draft.decisions_markdown,
        document_language=draft.document_language,
    )
    if draft.status != MinutesStatus.DRAFT and not form.is_submitted():
        flash(_("Only a draft can be edited."), "warning")
        return to_meeting(draft.meeting_id, "#minutes")
    if form.validate_on_submit():
        before = (form.body.data or "", form.decisions.data or "")
        try:
            minutes.edit_minutes(
                db.session(),
                current_user,
                draft,
                body=before[0],
                decisions=before[1],
                document_language=form.document_language.data,
            )
        except DomainError as refused:
            flash(refused.message, "danger")
        else:
            if (draft.body_markdown, draft.decisions_markdown) != tuple(
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
            return to_meeting(draft.meeting_id, "#minutes")
    return render_template(
        "meetings/minutes_form.html", form=form, minutes=draft, meeting=draft.meeting
    )


@bp.post("/secretariat/minutes/<int:minutes_id>/vote")
@login_required
def minutes_vote(minutes_id: int):
    circulated = _minutes_by_id(minutes_id)
    staff()
    form = MinutesVoteForm()
    if not form.validate_on_submit():
        return manage_page(circulated.meeting, vote_form=form, status=400)
    initiative = votes.put_minutes_to_vote(
        db.session(), current_user, circulated, days=form.days.data
    )
    flash(
        _("The minutes are put to a vote of the member parks; their delegates are told."), "success"
    )
    return redirect(url_for("voting.initiative_detail", initiative_id=initiative.id))


@bp.post("/secretariat/minutes/<int:minutes_id>/circulate")
@login_required
def minutes_circulate(minutes_id: int):
    draft = _minutes_by_id(minutes_id)
    staff()
    confirmed()
    minutes.circulate_minutes(db.session(), current_user, draft)
    flash(_("The minutes are circulated to the members for reading and comments."), "success")
    return to_meeting(draft.meeting_id, "#minutes")


@bp.post("/secretariat/minutes/<int:minutes_id>/return")
@login_required
def minutes_return(minutes_id: int):
    circulated = _minutes_by_id(minutes_id)
    staff()
    confirmed()
    minutes.return_minutes_to_draft(db.session(), current_user, circulated)
    flash(_("The minutes are back in draft."), "success")
    return to_meeting(circulated.meeting_id, "#minutes")


@bp.post("/secretariat/minutes/<int:minutes_id>/approve")
@login_required
def minutes_approve(minutes_id: int):
    circulated = _minutes_by_id(minutes_id)
    staff()
    confirmed()
    minutes.approve_minutes(db.session(), current_user, circulated, route=ApprovalRoute.SECRETARIAT)
    flash(_("The minutes are approved by the secretariat."), "success")
    return to_meeting(circulated.meeting_id, "#minutes")


@bp.post("/secretariat/minutes/<int:minutes_id>/publish")
@login_required
def minutes_publish(minutes_id: int):
    approved = _minutes_by_id(minutes_id)
    staff()
    confirmed()
    minutes.publish_minutes(db.session(), current_user, approved)
    flash(_("The minutes are published."), "success")
    return to_meeting(approved.meeting_id, "#minutes")


@bp.post("/secretariat/minutes/<int:minutes_id>/correct")
@login_required
def minutes_correct(minutes_id: int):
    published = _minutes_by_id(minutes_id)
    staff()
    confirmed()
    correction = minutes.correct_minutes(db.session(), current_user, published)
    flash(
        _(
            "Version %(n)d is a draft holding the published text: correct it, then circulate it.",
            n=correction.version,
        ),
        "success",
    )
    return redirect(url_for("meetings.minutes_edit", minutes_id=correction.id))
