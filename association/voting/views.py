"""Initiatives: the public list and page, the ballot, the results export, the secretariat's pages."""

from __future__ import annotations

import csv
import io
import math
from datetime import UTC, datetime, timedelta
from fractions import Fraction
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
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload, selectinload

from association.database import utcnow
from association.domain import DomainError
from association.errors import allow
from association.extensions import db
from association.markdown import render_markdown
from association.parks.models import Park, ParkStatus
from association.voting import policy, service
from association.voting.forms import (
    BALLOT_LABELS,
    KIND_LABELS,
    MAJORITY_LABELS,
    ConfirmForm,
    InitiativeForm,
    OpenNowForm,
    ScheduleForm,
)
from association.voting.models import (
    Attachment,
    Ballot,
    BallotKind,
    ElectorateMember,
    Initiative,
    InitiativeKind,
    InitiativeStatus,
    Majority,
)
from association.voting.rules import ABSTAIN, AGAINST, FOR
from association.web import current_timezone

bp = Blueprint("voting", __name__)

PER_PAGE = 20
STATES = {
    "open": (InitiativeStatus.OPEN,),
    "upcoming": (InitiativeStatus.SCHEDULED,),
    "closed": (InitiativeStatus.CLOSED,),
}
MANAGE_STATES = {
    **STATES,
    "draft": (InitiativeStatus.DRAFT,),
    "cancelled": (InitiativeStatus.CANCELLED,),
}
OUTCOME_LABELS = {"passed": _l("Passed"), "rejected": _l("Rejected"), "no_quorum": _l("No quorum")}


def _initiative_or_404(initiative_id: int) -> Initiative:
    initiative = db.session.get(Initiative, initiative_id)
    if initiative is None or not policy.can_see_initiative(current_user, initiative):
        abort(404)
    return initiative


def _settle_if_due(initiative: Initiative) -> None:
    # A vote past its time closes (or opens) on first access, even if no job ran.
    if service.is_due(initiative):
        service.settle(db.session(), None, initiative)


# --- presentation helpers (words, times) --------------------------------------------------


def choice_labels(initiative: Initiative) -> dict[str, str]:
    if initiative.ballot_kind == BallotKind.OPTIONS:
        labels = {str(option.position): option.label for option in initiative.options}
        labels[ABSTAIN] = _("Abstain")
        return labels
    return {FOR: _("For"), AGAINST: _("Against"), ABSTAIN: _("Abstain")}


def _fraction_words(numerator: int, denominator: int) -> str:
    words = {
        (1, 2): _("one half"),
        (2, 3): _("two-thirds"),
        (3, 4): _("three-quarters"),
        (1, 3): _("one third"),
        (1, 1): _("all"),
        (0, 1): _("none"),
    }
    return words.get((numerator, denominator), f"{numerator}/{denominator}")


def rules_in_words(initiative: Initiative, electorate_size: int | None) -> list[tuple[str, str]]:
    """The frozen rules as the page states them: (rule, plain words)."""
    items = []
    if electorate_size is None:
        items.append(
            (
                _("Electorate"),
                _(
                    "The parks with status member at the moment voting opens; one park, "
                    "one vote, cast by its delegate."
                ),
            )
        )
    else:
        items.append(
            (
                _("Electorate"),
                ngettext(
                    "The %(num)d park that was a member when voting opened; one park, one vote, cast by its delegate.",
                    "The %(num)d parks that were members when voting opened; one park, one vote, cast by its delegate.",
                    electorate_size,
                ),
            )
        )
    if initiative.quorum_numerator == 0:
        items.append((_("Quorum"), _("None: the result stands whatever the turnout.")))
    else:
        words = _(
            "At least %(share)s of the electorate must cast a ballot; abstentions count toward it.",
            share=_fraction_words(initiative.quorum_numerator, initiative.quorum_denominator),
        )
        if electorate_size:
            needed = math.ceil(initiative.quorum * electorate_size)
            words += " " + ngettext("Here: %(num)d ballot.", "Here: %(num)d ballots.", needed)
        items.append((_("Quorum"), words))
    if initiative.ballot_kind == BallotKind.OPTIONS:
        items.append(
            (
                _("Majority"),
                _(
                    "The option with the most votes wins; a tie for first place decides "
                    "nothing (the initiative is rejected)."
                ),
            )
        )
    else:
        majority = {
            Majority.SIMPLE: _("Simple: passed if there are more ballots For than Against."),
            Majority.ABSOLUTE: _(
                "Absolute: passed if more than half of all ballots cast (abstentions included) "
                "are For."
            ),
            Majority.TWO_THIRDS: _(
                "Two-thirds: passed if at least two-thirds of the ballots For or Against are "
                "For; abstentions do not count."
            ),
            Majority.THREE_QUARTERS: _(
                "Three-quarters: passed if at least three-quarters of the ballots For or "
                "Against are For; abstentions do not count."
            ),
            Majority.CONSENSUS: _(
                "Consensus: passed if the quorum is met, at least one park votes For and no "
                "park votes Against."
            ),
        }[Majority(initiative.majority)]
        items.append((_("Majority"), majority))
    items.append(
        (
            _("Secrecy"),
            _("Secret ballot: only the totals are ever published, never how a park voted.")
            if initiative.secret
            else _("Roll-call: each park's choice is published when voting closes."),
        )
    )
    items.append(
        (
            _("Changes"),
            _("A park may change its vote until voting closes; its latest choice counts.")
            if initiative.changes_allowed
            else _("A ballot cannot be changed once cast."),
        )
    )
    return items


def time_left(until: datetime, now: datetime) -> str:
    seconds = max(0, int((until - now).total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return _("%(days)d d %(hours)d h", days=days, hours=hours)
    if hours:
        return _("%(hours)d h %(minutes)d min", hours=hours, minutes=minutes)
    return _("%(minutes)d min", minutes=max(minutes, 1) if seconds else 0)


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


def _listing(states: dict, default: str, endpoint: str, template_flags: dict):
    state = request.args.get("state", default)
    if state not in states:
        state = default
    kind = request.args.get("kind", "")
    if kind not in {k.value for k in InitiativeKind}:
        kind = ""
    page_number = request.args.get("page", 1, type=int)

    due = db.session.scalars(
        select(Initiative)
        .where(
            ((Initiative.status == InitiativeStatus.SCHEDULED) & (Initiative.opens_at <= utcnow()))
            | ((Initiative.status == InitiativeStatus.OPEN) & (Initiative.closes_at <= utcnow()))
        )
        .limit(PER_PAGE)
    ).all()
    for initiative in due:
        _settle_if_due(initiative)

    counts_query = select(Initiative.status, func.count()).where(
        Initiative.status.in_([s for group in states.values() for s in group])
    )
    if kind:
        counts_query = counts_query.where(Initiative.kind == kind)
    counts = dict(db.session.execute(counts_query.group_by(Initiative.status)).all())
    tab_counts = {name: sum(counts.get(s, 0) for s in group) for name, group in states.items()}

    statement = (
        select(Initiative)
        .where(Initiative.status.in_(states[state]))
        .options(joinedload(Initiative.result), joinedload(Initiative.proposer_park))
    )
    if kind:
        statement = statement.where(Initiative.kind == kind)
    order = {
        "open": (Initiative.closes_at.asc(), Initiative.id),
        "upcoming": (Initiative.opens_at.asc(), Initiative.id),
        "closed": (Initiative.closed_at.desc(), Initiative.id.desc()),
    }.get(state, (Initiative.updated_at.desc(), Initiative.id.desc()))
    page = db.paginate(
        statement.order_by(*order), page=page_number, per_page=PER_PAGE, error_out=False, count=True
    )
    return render_template(
        "voting/list.html",
        page=page,
        state=state,
        kind=kind,
        states=list(states),
        tab_counts=tab_counts,
        kind_labels=KIND_LABELS,
        outcome_labels=OUTCOME_LABELS,
        endpoint=endpoint,
        now=utcnow(),
        time_left=time_left,
        **template_flags,
    )


@bp.get("/initiatives")
def initiative_list():
    return _listing(STATES, "open", "voting.initiative_list", {"manage": False})


def _detail_context(initiative: Initiative, error: str | None = None) -> dict:
    now = utcnow()
    signed_in = policy.can_read_details(current_user)
    rows, electorate_size, my_ballot, in_electorate = [], None, None, False
    if initiative.status in (InitiativeStatus.OPEN, InitiativeStatus.CLOSED) and signed_in:
        # One query: the electorate, each park's ballot (if any).
        rows = db.session.execute(
            select(
                Park.id,
                Park.name_latin,
                Park.membership_number,
                Park.status,
                Ballot.choice,
                Ballot.receipt_code,
                Ballot.updated_at,
            )
            .select_from(ElectorateMember)
            .join(Park, Park.id == ElectorateMember.park_id)
            .outerjoin(
                Ballot,
                and_(
                    Ballot.initiative_id == ElectorateMember.initiative_id,
                    Ballot.park_id == ElectorateMember.park_id,
                ),
            )
            .where(ElectorateMember.initiative_id == initiative.id)
            .order_by(Park.name_latin)
        ).all()
        electorate_size = len(rows)
        park_id = getattr(current_user, "park_id", None)
        for row in rows:
            if row.id == park_id:
                in_electorate = True
                my_ballot = row if row.receipt_code else None
    elif (
        initiative.status in (InitiativeStatus.OPEN, InitiativeStatus.CLOSED) and initiative.result
    ):
        electorate_size = initiative.result.electorate_size
    voted = [row for row in rows if row.receipt_code]
    may_vote = (
        initiative.status == InitiativeStatus.OPEN
        and in_electorate
        and policy.is_delegate_of_voting_park(current_user)
        and (my_ballot is None or initiative.changes_allowed)
    )
    manage = policy.can_manage_initiatives(current_user)
    context = dict(
        initiative=initiative,
        body=render_markdown(initiative.body_markdown) if signed_in else None,
        signed_in=signed_in,
        rows=rows,
        voted=voted,
        electorate_size=electorate_size,
        my_ballot=my_ballot,
        in_electorate=in_electorate,
        may_vote=may_vote,
        error=error,
        labels=choice_labels(initiative),
        rules=rules_in_words(initiative, electorate_size),
        result=initiative.result,
        outcome_labels=OUTCOME_LABELS,
        kind_labels=KIND_LABELS,
        now=now,
        time_left=time_left(initiative.closes_at, now) if initiative.closes_at else "",
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


def _load_for_page(initiative_id: int) -> Initiative:
    initiative = db.session.scalar(
        select(Initiative)
        .where(Initiative.id == initiative_id)
        .options(
            joinedload(Initiative.result),
            joinedload(Initiative.proposer_park),
            selectinload(Initiative.options),
            selectinload(Initiative.attachments),
        )
    )
    if initiative is None or not policy.can_see_initiative(current_user, initiative):
        abort(404)
    return initiative


@bp.get("/initiatives/<int:initiative_id>")
def initiative_detail(initiative_id: int):
    initiative = _load_for_page(initiative_id)
    if service.is_due(initiative):
        _settle_if_due(initiative)
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
        service.cast_ballot(db.session(), current_user, initiative_id, choice)
    except DomainError as refused:
        # Drafts are not hidden here: a ballot on one gets the plain refusal (409), not a 404.
        initiative = db.get_or_404(Initiative, initiative_id)
        if not policy.can_see_initiative(current_user, initiative):
            return render_template(
                "errors/error.html",
                status=refused.status,
                title=_("Your ballot was not recorded"),
                message=refused.message,
            ), refused.status
        _settle_if_due(initiative)  # a ballot after closes_at closes the vote, even if no job ran
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


def _csv_cell(value) -> str:
    # A cell starting like a formula would run in a spreadsheet: keep it text.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@bp.get("/initiatives/<int:initiative_id>/results.csv")
@login_required
def results_csv(initiative_id: int):
    initiative = _load_for_page(initiative_id)
    _settle_if_due(initiative)
    result = initiative.result
    if result is None:
        abort(409, description=_("The results are published when voting closes."))
    labels = choice_labels(initiative)
    buffer = io.StringIO()
    out = csv.writer(buffer)
    rows = [
        ("initiative", initiative.id, initiative.title),
        ("outcome", result.outcome),
        ("reason", result.reason),
        ("electorate", result.electorate_size),
        ("ballots_cast", result.ballots_cast),
        ("turnout_percent", f"{float(result.turnout) * 100:.1f}"),
        ("closed_at_utc", result.closed_at.isoformat()),
        *([("winner", labels.get(result.winner, result.winner))] if result.winner else []),
        *(
            [("digest_hmac_sha256" if result.digest_key else "digest_sha256", result.digest)]
            if result.digest_published
            else []
        ),
        (),
        ("choice", "votes"),
        *[(labels.get(choice, choice), n) for choice, n in result.tallies.items()],
        (),
    ]
    ballots = db.session.execute(
        select(Park.name_latin, Park.membership_number, Ballot.choice, Ballot.receipt_code)
        .join(Park, Park.id == Ballot.park_id)
        .where(Ballot.initiative_id == initiative.id)
        .order_by(Park.name_latin if not initiative.secret else Ballot.receipt_code)
    ).all()
    if initiative.secret:
        rows += [("receipt",)] + [(b.receipt_code,) for b in ballots]
    else:
        rows += [("park", "membership_number", "choice", "receipt")] + [
            (b.name_latin, b.membership_number, labels.get(b.choice, b.choice), b.receipt_code)
            for b in ballots
        ]
    for row in rows:
        out.writerow([_csv_cell(cell) for cell in row])
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f"attachment; filename=initiative-{initiative.id}-results.csv"
        },
    )


@bp.get("/initiatives/<int:initiative_id>/attachments/<int:attachment_id>")
@login_required
def attachment(initiative_id: int, attachment_id: int):
    initiative = _initiative_or_404(initiative_id)
    found = db.session.get(Attachment, attachment_id)
    if found is None or found.initiative_id != initiative.id:
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
    return _listing(MANAGE_STATES, "draft", "voting.manage_list", {"manage": True})


def _proposer_choices() -> list[tuple[int, str]]:
    parks = db.session.scalars(
        select(Park).where(Park.status != ParkStatus.WITHDRAWN).order_by(Park.name_latin)
    )
    return [(0, _("The secretariat"))] + [(park.id, park.name_latin) for park in parks]


def _form_fields(form: InitiativeForm) -> dict:
    numerator, denominator = (int(part) for part in form.quorum.data.split("/"))
    return dict(
        title=form.title.data,
        summary=(form.summary.data or "").strip(),
        body_markdown=form.body_markdown.data or "",
        kind=form.kind.data,
        proposer_park=db.session.get(Park, form.proposer.data) if form.proposer.data else None,
        ballot_kind=form.ballot_kind.data,
        options=(form.options.data or "").splitlines(),
        quorum=Fraction(numerator, denominator),
        majority=form.majority.data,
        secret=form.secret.data,
        changes_allowed=form.changes_allowed.data,
    )


def _save_attachments(form: InitiativeForm, initiative: Initiative) -> None:
    for upload in form.attachments.data or []:
        if upload and getattr(upload, "filename", ""):
            service.add_attachment(
                db.session(), current_user, initiative, upload.filename, upload.read()
            )


@bp.route("/secretariat/initiatives/new", methods=["GET", "POST"])
@login_required
def initiative_new():
    allow(policy.can_manage_initiatives(current_user))
    form = InitiativeForm()
    form.proposer.choices = _proposer_choices()
    if form.validate_on_submit():
        try:
            initiative = service.create_initiative(db.session(), current_user, **_form_fields(form))
            _save_attachments(form, initiative)
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
        )
    else:
        form = InitiativeForm()
    form.proposer.choices = _proposer_choices()
    if form.validate_on_submit():
        try:
            service.update_initiative(db.session(), current_user, initiative, **_form_fields(form))
            _save_attachments(form, initiative)
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
    service.schedule_initiative(
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
    service.open_vote(
        db.session(), current_user, initiative, closes_at=_to_utc(form.closes_at.data)
    )
    flash(_("Voting is open. The delegates of the member parks have been told."), "success")
    return _back(initiative_id)


@bp.post("/secretariat/initiatives/<int:initiative_id>/close")
@login_required
def initiative_close(initiative_id: int):
    initiative = _initiative_or_404(initiative_id)
    allow(policy.can_manage_initiatives(current_user))
    if ConfirmForm().validate_on_submit():
        service.close_vote(db.session(), current_user, initiative)
        flash(_("Voting is closed and the result is published."), "success")
    return _back(initiative_id)


@bp.post("/secretariat/initiatives/<int:initiative_id>/cancel")
@login_required
def initiative_cancel(initiative_id: int):
    initiative = _initiative_or_404(initiative_id)
    allow(policy.can_manage_initiatives(current_user))
    if ConfirmForm().validate_on_submit():
        service.cancel_initiative(db.session(), current_user, initiative)
        flash(_("The initiative is cancelled."), "success")
    return _back(initiative_id)


@bp.post("/secretariat/initiatives/<int:initiative_id>/attachments/<int:attachment_id>/remove")
@login_required
def attachment_remove(initiative_id: int, attachment_id: int):
    initiative = _initiative_or_404(initiative_id)
    allow(policy.can_manage_initiatives(current_user))
    found = db.session.get(Attachment, attachment_id)
    if found is None or found.initiative_id != initiative.id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        service.remove_attachment(db.session(), current_user, found)
        flash(_("The attachment is removed."), "success")
    return redirect(url_for("voting.initiative_edit", initiative_id=initiative_id), code=303)
