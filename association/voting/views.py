"""Initiatives: the public list and page, the ballot, the results export, the secretariat's pages.

Each view loads its objects (404), checks permission (403), then makes one domain call or one
query and renders. A GET changes nothing but through votes.settle_on_read: a vote past its time
opens or closes when its page is read."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from association.database import utcnow
from association.domain import DomainError, Invalid
from association.errors import allow
from association.extensions import db
from association.forms import ConfirmForm
from association.markdown import render_markdown
from association.voting import ballots, initiatives, policy, presenters, queries, votes
from association.voting.forms import (
    BALLOT_LABELS,
    KIND_LABELS,
    MAJORITY_LABELS,
    CloseVoteForm,
    InitiativeForm,
    OpenNowForm,
    ScheduleForm,
)
from association.voting.models import Initiative, InitiativeStatus
from association.web import current_timezone

bp = Blueprint("voting", __name__)


def _initiative_or_404(initiative_id: int) -> Initiative:
    initiative = queries.initiative(db.session(), initiative_id)
    if initiative is None or not policy.can_see_initiative(current_user, initiative):
        abort(404)
    return initiative


def _load_for_page(initiative_id: int) -> Initiative:
    initiative = queries.initiative_for_page(db.session(), initiative_id)
    if initiative is None or not policy.can_see_initiative(current_user, initiative):
        abort(404)
    return initiative


# --- times typed in the viewer's zone ----------------------------------------------------


def _to_utc(value: datetime | None) -> datetime | None:
    """A time typed in the viewer's zone, as aware UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=ZoneInfo(current_timezone())).astimezone(UTC)


def _to_local(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.astimezone(ZoneInfo(current_timezone())).replace(tzinfo=None)


# --- the public pages -----------------------------------------------------------------------


def _listing(states: dict, default: str, endpoint: str, manage: bool) -> str:
    votes.settle_on_read(db.session(), limit=queries.PER_PAGE)
    found = queries.listing(
        db.session(),
        states,
        default,
        state=request.args.get("state", default),
        kind=request.args.get("kind", ""),
        page=request.args.get("page", 1, type=int),
    )
    return render_template(
        "voting/list.html",
        page=found.page,
        state=found.state,
        kind=found.kind,
        states=found.states,
        tab_counts=found.tab_counts,
        kind_labels=KIND_LABELS,
        outcome_labels=presenters.OUTCOME_LABELS,
        endpoint=endpoint,
        now=utcnow(),
        time_left=presenters.time_left,
        manage=manage,
    )


@bp.get("/initiatives")
def initiative_list():
    return _listing(queries.STATES, "open", "voting.initiative_list", manage=False)


def _detail_context(initiative: Initiative, error: str | None = None) -> dict[str, Any]:
    now = utcnow()
    signed_in = policy.can_read_details(current_user)
    turnout = queries.turnout(db.session(), initiative, current_user)
    manage = policy.can_manage_initiatives(current_user)
    context = dict(
        initiative=initiative,
        body=render_markdown(initiative.body_markdown) if signed_in else None,
        signed_in=signed_in,
        rows=turnout.rows,
        voted=turnout.voted,
        electorate_size=turnout.electorate_size,
        my_ballot=turnout.my_ballot,
        in_electorate=turnout.in_electorate,
        may_vote=turnout.may_vote,
        error=error,
        labels=presenters.choice_labels(initiative),
        rules=presenters.rules_in_words(initiative, turnout.electorate_size),
        result=initiative.result,
        outcome_labels=presenters.OUTCOME_LABELS,
        kind_labels=KIND_LABELS,
        now=now,
        time_left=presenters.time_left(initiative.closes_at, now) if initiative.closes_at else "",
        manage=manage,
        confirm=ConfirmForm(),
        ballot_labels=BALLOT_LABELS,
        majority_labels=MAJORITY_LABELS,
    )
    if manage and initiative.status in (InitiativeStatus.DRAFT, InitiativeStatus.SCHEDULED):
        default_close = initiative.closes_at or (now + timedelta(days=7))
        context["schedule_form"] = ScheduleForm(
            opens_at=_to_local(initiative.opens_at or now + timedelta(days=1)),
            closes_at=_to_local(default_close if default_close > now else now + timedelta(days=7)),
        )
        context["open_form"] = OpenNowForm(
            closes_at=_to_local(default_close if default_close > now else now + timedelta(days=7))
        )
    return context


@bp.get("/initiatives/<int:initiative_id>")
def initiative_detail(initiative_id: int):
    initiative = _load_for_page(initiative_id)
    if votes.settle_on_read(db.session(), initiative):
        initiative = _load_for_page(initiative_id)
    return render_template("voting/detail.html", **_detail_context(initiative))


@bp.post("/initiatives/<int:initiative_id>/vote")
@login_required
def vote(initiative_id: int):
    # One field, read as it is: CSRFProtect has checked the token of every POST, and
    # cast_ballot refuses any choice that is not on the ballot, in plain words. (A form
    # class would only repeat those checks, at a cost to the busiest endpoint.)
    choice = request.form.get("choice", "")
    try:
        # The park is always the user's own; anything else in the form is ignored. The
        # initiative goes by id: cast_ballot reads it under the lock, so the view does not.
        ballots.cast_ballot(db.session(), current_user, initiative_id, choice)
    except DomainError as refused:
        # Drafts are not hidden here: a ballot on one gets the plain refusal (409), not a 404.
        initiative = queries.initiative(db.session(), initiative_id)
        if initiative is None:
            abort(404)
        if not policy.can_see_initiative(current_user, initiative):
            return render_template(
                "errors/error.html",
                status=refused.status,
                title=_("Your ballot was not recorded"),
                message=refused.message,
            ), refused.status
        # A ballot after closes_at closes the vote, even if no job ran.
        votes.settle_on_read(db.session(), initiative)
        initiative = _load_for_page(initiative_id)
        return render_template(
            "voting/detail.html", **_detail_context(initiative, error=refused.message)
        ), refused.status
    # The page says the ballot is recorded and shows the choice and receipt, read from the
    # database; no flash message, so the session cookie is not rewritten on every ballot.
    return redirect(
        url_for("voting.initiative_detail", initiative_id=initiative_id, _anchor="your-ballot"),
        code=303,
    )


@bp.get("/initiatives/<int:initiative_id>/results.csv")
@login_required
def results_csv(initiative_id: int):
    initiative = _load_for_page(initiative_id)
    votes.settle_on_read(db.session(), initiative)
    result = initiative.result
    if result is None:
        abort(409, description=_("The results are published when voting closes."))
    text = presenters.results_csv(
        initiative, result, queries.result_ballots(db.session(), initiative)
    )
    return Response(
        text,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f"attachment; filename=initiative-{initiative.id}-results.csv"
        },
    )


@bp.get("/initiatives/<int:initiative_id>/attachments/<int:attachment_id>")
@login_required
def attachment(initiative_id: int, attachment_id: int):
    initiative = _initiative_or_404(initiative_id)
    found = queries.attachment(db.session(), initiative, attachment_id)
    if found is None:
        abort(404)
    response = send_file(
        io.BytesIO(found.content),
        mimetype=found.content_type,
        as_attachment=True,
        download_name=found.filename,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- the secretariat's pages ----------------------------------------------------------------


@bp.get("/secretariat/initiatives")
@login_required
def manage_list():
    allow(policy.can_manage_initiatives(current_user))
    return _listing(queries.MANAGE_STATES, "draft", "voting.manage_list", manage=True)


def _proposer_choices() -> list[tuple[int, str]]:
    parks = queries.proposer_parks(db.session())
    return [(0, _("The secretariat"))] + [(park.id, park.name_latin) for park in parks]


def _form_fields(form: InitiativeForm) -> dict:
    numerator, denominator = (int(part) for part in form.quorum.data.split("/"))
    return dict(
        title=form.title.data,
        summary=(form.summary.data or "").strip(),
        body_markdown=form.body_markdown.data or "",
        kind=form.kind.data,
        proposer_park=queries.park(db.session(), form.proposer.data)
        if form.proposer.data
        else None,
        ballot_kind=form.ballot_kind.data,
        options=(form.options.data or "").splitlines(),
        quorum=Fraction(numerator, denominator),
        majority=form.majority.data,
        secret=form.secret.data,
        changes_allowed=form.changes_allowed.data,
        translations=form.translations(),
    )


def _uploads(form: InitiativeForm) -> list[tuple[str, bytes]]:
    """The files chosen in the form, as (filename, content)."""
    return [
        (upload.filename, upload.read())
        for upload in form.attachments.data or []
        if upload and getattr(upload, "filename", "")
    ]


@bp.route("/secretariat/initiatives/new", methods=["GET", "POST"])
@login_required
def initiative_new():
    allow(policy.can_manage_initiatives(current_user))
    form = InitiativeForm()
    form.proposer.choices = _proposer_choices()
    if form.validate_on_submit():
        try:
            initiative = initiatives.create_initiative(
                db.session(),
                current_user,
                attachments=_uploads(form),
                **_form_fields(form),
            )
        except DomainError as refused:
            flash(refused.message, "danger")
        else:
            flash(_("The draft is saved. Schedule it or open voting when it is ready."), "success")
            return redirect(url_for("voting.initiative_detail", initiative_id=initiative.id))
    return render_template("voting/form.html", form=form, initiative=None)


@bp.route("/secretariat/initiatives/<int:initiative_id>/edit", methods=["GET", "POST"])
@login_required
def initiative_edit(initiative_id: int):
    initiative = _initiative_or_404(initiative_id)
    allow(policy.can_manage_initiatives(current_user))
    if request.method == "GET":
        form = InitiativeForm(
            obj=initiative,
            proposer=initiative.proposer_park_id or 0,
            quorum=f"{initiative.quorum_numerator}/{initiative.quorum_denominator}",
            options="\n".join(option.label for option in initiative.options),
            **InitiativeForm.filled(
                {
                    t.language: {"title": t.title, "summary": t.summary}
                    for t in initiative.translations
                }
            ),
        )
    else:
        form = InitiativeForm()
    form.proposer.choices = _proposer_choices()
    if form.validate_on_submit():
        try:
            initiatives.update_initiative(
                db.session(),
                current_user,
                initiative,
                attachments=_uploads(form),
                **_form_fields(form),
            )
        except DomainError as refused:
            flash(refused.message, "danger")
        else:
            flash(_("The initiative is saved."), "success")
            return redirect(url_for("voting.initiative_detail", initiative_id=initiative.id))
    return render_template("voting/form.html", form=form, initiative=initiative)


def _back(initiative_id: int):
    return redirect(url_for("voting.initiative_detail", initiative_id=initiative_id), code=303)


@bp.post("/secretariat/initiatives/<int:initiative_id>/schedule")
@login_required
def initiative_schedule(initiative_id: int):
    initiative = _initiative_or_404(initiative_id)
    allow(policy.can_manage_initiatives(current_user))
    form = ScheduleForm()
    if not form.validate_on_submit():
        flash(_("Please give the time voting opens and the time it closes."), "danger")
        return _back(initiative_id)
    initiatives.schedule_initiative(
        db.session(),
        current_user,
        initiative,
        _to_utc(form.opens_at.data),
        _to_utc(form.closes_at.data),
    )
    flash(_("Voting is scheduled."), "success")
    return _back(initiative_id)


@bp.post("/secretariat/initiatives/<int:initiative_id>/open")
@login_required
def initiative_open(initiative_id: int):
    initiative = _initiative_or_404(initiative_id)
    allow(policy.can_manage_initiatives(current_user))
    form = OpenNowForm()
    if not form.validate_on_submit():
        flash(_("Please say when voting closes."), "danger")
        return _back(initiative_id)
    votes.open_vote(db.session(), current_user, initiative, closes_at=_to_utc(form.closes_at.data))
    flash(_("Voting is open. The delegates of the member parks have been told."), "success")
    return _back(initiative_id)


@bp.route("/secretariat/initiatives/<int:initiative_id>/close", methods=["GET", "POST"])
@login_required
def initiative_close(initiative_id: int):
    """Closing by hand is final: a page says what it does (and asks why, if early) first."""
    initiative = _load_for_page(initiative_id)
    allow(policy.can_manage_initiatives(current_user))
    if votes.settle_on_read(db.session(), initiative):
        initiative = _load_for_page(initiative_id)
    if initiative.status != InitiativeStatus.OPEN:
        flash(_("This vote is not open: there is nothing to close."), "warning")
        return _back(initiative_id)
    form = CloseVoteForm()
    error, status = None, 200
    if form.validate_on_submit():
        try:
            votes.close_vote(db.session(), current_user, initiative, reason=form.reason.data or "")
        except DomainError as refused:
            status = refused.status
            if isinstance(refused, Invalid):  # the reason: said beside its field
                form.reason.errors = [refused.message]
            else:
                error = refused.message
        else:
            flash(_("Voting is closed and the result is published."), "success")
            return _back(initiative_id)
    now = utcnow()
    turnout = queries.turnout(db.session(), initiative, current_user)
    return render_template(
        "voting/close.html",
        initiative=initiative,
        form=form,
        error=error,
        early=votes.closes_early(initiative, now),
        voted=len(turnout.voted),
        electorate_size=turnout.electorate_size or 0,
        time_left=presenters.time_left(initiative.closes_at, now) if initiative.closes_at else "",
        secret=initiative.secret,
    ), status


@bp.post("/secretariat/initiatives/<int:initiative_id>/cancel")
@login_required
def initiative_cancel(initiative_id: int):
    initiative = _initiative_or_404(initiative_id)
    allow(policy.can_manage_initiatives(current_user))
    if ConfirmForm().validate_on_submit():
        initiatives.cancel_initiative(db.session(), current_user, initiative)
        flash(_("The initiative is cancelled."), "success")
    return _back(initiative_id)


@bp.post("/secretariat/initiatives/<int:initiative_id>/attachments/<int:attachment_id>/remove")
@login_required
def attachment_remove(initiative_id: int, attachment_id: int):
    initiative = _initiative_or_404(initiative_id)
    allow(policy.can_manage_initiatives(current_user))
    found = queries.attachment(db.session(), initiative, attachment_id)
    if found is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        initiatives.remove_attachment(db.session(), current_user, found)
        flash(_("The attachment is removed."), "success")
    return redirect(url_for("voting.initiative_edit", initiative_id=initiative_id), code=303)
