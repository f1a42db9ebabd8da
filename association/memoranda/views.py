"""Memoranda pages: the register, one memorandum, signing, comparing revisions, and the
secretariat's drafting, circulation and issuing pages under /secretariat/memoranda."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from association.auth.views import fresh_second_factor
from association.domain import DomainError
from association.errors import allow
from association.extensions import db, limiter
from association.markdown import render_markdown
from association.memoranda import policy, service
from association.memoranda.diff import compare
from association.memoranda.forms import (
    CompareForm,
    DeclineForm,
    MemberPartyForm,
    MemorandumForm,
    OutsideDeclineForm,
    OutsidePartyForm,
    OutsideSignForm,
    SignForm,
    TerminateForm,
)
from association.memoranda.models import (
    LANGUAGE_ORDER,
    TEXT_LANGUAGES,
    Memorandum,
    MemorandumStatus,
    Party,
    Revision,
)
from association.parks.models import Park, ParkStatus

bp = Blueprint("memoranda", __name__)

STATUS_LABELS = {
    MemorandumStatus.DRAFT: _l("draft"),
    MemorandumStatus.CIRCULATING: _l("out for signature"),
    MemorandumStatus.DECLINED: _l("declined"),
    MemorandumStatus.SIGNED: _l("signed by all, to be issued"),
    MemorandumStatus.IN_FORCE: _l("in force"),
    MemorandumStatus.TERMINATED: _l("terminated"),
}


def _memorandum_or_404(memorandum_id: int) -> Memorandum:
    return db.get_or_404(Memorandum, memorandum_id)


def _readable(memorandum_id: int) -> Memorandum:
    memorandum = _memorandum_or_404(memorandum_id)
    if not policy.can_read(current_user, memorandum):
        if not current_user.is_authenticated:
            abort(404)  # a visitor learns nothing about unpublished memoranda
        abort(403)
    return memorandum


def _client() -> tuple[str, str]:
    return request.remote_addr or "", request.user_agent.string[:300]


def _visible_statement():
    statement = (
        select(Memorandum)
        .options(selectinload(Memorandum.parties).selectinload(Party.park))
        .order_by(Memorandum.id.desc())
    )
    if policy.can_manage_memoranda(current_user):
        return statement
    public = Memorandum.public.is_(True) & Memorandum.status.in_(list(policy.ISSUED_STATES))
    if current_user.is_authenticated and current_user.park_id is not None:
        own = Memorandum.parties.any(Party.park_id == current_user.park_id) & (
            Memorandum.status != MemorandumStatus.DRAFT
        )
        return statement.where(or_(public, own))
    return statement.where(public)


@bp.app_template_global()
def memorandum_status_label(status) -> str:
    return str(STATUS_LABELS.get(status, status))


@bp.app_template_filter("memo_markdown")
def memo_markdown(text: str):
    return render_markdown(text)


# --- the register and one memorandum --------------------------------------------------


@bp.get("/memoranda")
def register():
    status = request.args.get("status", "")
    statement = _visible_statement()
    if status in {s.value for s in MemorandumStatus}:
        statement = statement.where(Memorandum.status == status)
    memoranda = db.session.scalars(statement).all()
    return render_template(
        "memoranda/register.html", memoranda=memoranda, status=status, statuses=STATUS_LABELS
    )


@bp.get("/secretariat/memoranda")
@login_required
def secretariat_register():
    allow(policy.can_manage_memoranda(current_user))
    return redirect(url_for("memoranda.register"))


def _shown_revision(memorandum: Memorandum) -> Revision | None:
    """Staff read the latest revision; the parties read the text that was circulated last."""
    if policy.can_manage_memoranda(current_user):
        return memorandum.latest_revision
    last = memorandum.last_circulation
    return last.revision if last is not None else None


@bp.get("/memoranda/<int:memorandum_id>")
def detail(memorandum_id: int):
    memorandum = _readable(memorandum_id)
    staff = policy.can_manage_memoranda(current_user)
    circulation = memorandum.last_circulation
    revisions = (
        memorandum.revisions
        if staff
        else sorted({c.revision for c in memorandum.circulations}, key=lambda r: r.number)
    )
    return render_template(
        "memoranda/detail.html",
        memorandum=memorandum,
        staff=staff,
        circulation=circulation,
        revision=_shown_revision(memorandum),
        revisions=revisions,
        my_party=policy.party_of(current_user, memorandum),
        events=service.audit_events(db.session(), memorandum) if staff else [],
        amended_by=service.amended_by(memorandum),
        clause=service.authentic_clause,
        terminate_form=TerminateForm(),
        can_download=policy.can_download(current_user, memorandum),
    )


@bp.get("/memoranda/<int:memorandum_id>.pdf")
def download(memorandum_id: int):
    memorandum = _readable(memorandum_id)
    if memorandum.document is None:
        abort(404)
    from association.documents.views import send_stored

    return send_stored(memorandum.document)


@bp.get("/memoranda/<int:memorandum_id>/compare")
def compare_form(memorandum_id: int):
    memorandum = _readable(memorandum_id)
    form = CompareForm(request.args)
    if not form.validate():
        abort(400)
    return redirect(
        url_for(
            "memoranda.compare_revisions", memorandum_id=memorandum.id, a=form.a.data, b=form.b.data
        )
    )


@bp.get("/memoranda/<int:memorandum_id>/revisions/<int:a>/compare/<int:b>")
def compare_revisions(memorandum_id: int, a: int, b: int):
    memorandum = _readable(memorandum_id)
    by_number = {revision.number: revision for revision in memorandum.revisions}
    if a not in by_number or b not in by_number:
        abort(404)
    if not policy.can_manage_memoranda(current_user):
        circulated = {c.revision.number for c in memorandum.circulations}
        allow(a in circulated and b in circulated)
    old, new = by_number[a], by_number[b]
    languages = [code for code in LANGUAGE_ORDER if old.text_in(code) or new.text_in(code)]
    comparisons = [
        (TEXT_LANGUAGES[code], compare(old.text_in(code), new.text_in(code))) for code in languages
    ]
    title = compare(old.title, new.title)
    place = compare(old.place, new.place)
    return render_template(
        "memoranda/compare.html",
        memorandum=memorandum,
        old=old,
        new=new,
        comparisons=comparisons,
        title_diff=title,
        place_diff=place,
    )


# --- signing by a member park -----------------------------------------------------------


def _sign_limit() -> str:
    return "20 per minute"


@bp.route("/memoranda/<int:memorandum_id>/sign", methods=["GET", "POST"])
@limiter.limit(
    _sign_limit, methods=["POST"], deduct_when=lambda response: response.status_code != 302
)
@login_required
def sign(memorandum_id: int):
    memorandum = _memorandum_or_404(memorandum_id)
    party = policy.party_of(current_user, memorandum)
    sign_form = SignForm(prefix="sign")
    decline_form = DeclineForm(prefix="decline")
    error, status = None, 200
    if request.method == "POST":
        try:
            if sign_form.submit.data:
                signature = service.sign(
                    db.session(),
                    current_user,
                    memorandum,
                    party_id=_int(sign_form.party.data),
                    circulation_id=_int(sign_form.circulation.data),
                    full_name=sign_form.full_name.data or "",
                    title=sign_form.title.data or "",
                    consent=bool(sign_form.consent.data),
                    password=sign_form.password.data or "",
                    ip=_client()[0],
                    user_agent=_client()[1],
                )
                flash(
                    _("You signed for %(party)s. Thank you.", party=signature.party.name), "success"
                )
                return redirect(url_for("memoranda.detail", memorandum_id=memorandum.id))
            if decline_form.submit.data:
                service.decline(
                    db.session(),
                    current_user,
                    memorandum,
                    party_id=_int(decline_form.party.data),
                    circulation_id=_int(decline_form.circulation.data),
                    reason=decline_form.reason.data or "",
                )
                flash(
                    _(
                        "You declined for %(party)s. The secretariat has been told.",
                        party=party.name if party else "",
                    ),
                    "warning",
                )
                return redirect(url_for("memoranda.detail", memorandum_id=memorandum.id))
            abort(400)
        except DomainError as refused:
            db.session.expire_all()
            error, status = refused.message, refused.status
    if party is None:
        if error:
            return render_template(
                "errors/error.html", status=status, title=_("Not signed"), message=error
            ), status
        abort(403, _("You do not represent a party to this memorandum."))
    circulation = memorandum.current_circulation
    may_sign = policy.can_sign_for(current_user, party)
    signature = circulation.signature_of(party) if circulation else None
    if circulation is not None and may_sign and signature is None and request.method == "GET":
        service.note_sign_page_opened(db.session(), current_user, circulation, party)
    if circulation is not None:
        for form in (sign_form, decline_form):
            form.circulation.data, form.party.data = str(circulation.id), str(party.id)
        if request.method == "GET":
            sign_form.full_name.data = current_user.full_name
            sign_form.title.data = current_user.title
    return render_template(
        "memoranda/sign.html",
        memorandum=memorandum,
        party=party,
        circulation=circulation,
        signature=signature,
        may_sign=may_sign,
        sign_form=sign_form,
        decline_form=decline_form,
        error=error,
        clause=service.authentic_clause,
    ), status


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- signing by an outside organisation -------------------------------------------------


@bp.route("/memoranda/sign/<token>", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def outside_sign(token: str):
    try:
        link = service.find_outside_link(db.session(), token)
    except DomainError as refused:
        return render_template("memoranda/outside_sign.html", link=None, error=refused.message), 410
    sign_form = OutsideSignForm(prefix="sign")
    decline_form = OutsideDeclineForm(prefix="decline")
    error, status = None, 200
    if request.method == "POST":
        try:
            if request.form.get("send_code"):
                service.send_outside_code(db.session(), token)
                flash(
                    _(
                        "A confirmation code is on its way to %(email)s.",
                        email=link.party.signatory_email,
                    ),
                    "info",
                )
                return redirect(url_for("memoranda.outside_sign", token=token))
            if sign_form.submit.data:
                service.sign_outside(
                    db.session(),
                    token,
                    code=sign_form.code.data or "",
                    full_name=sign_form.full_name.data or "",
                    title=sign_form.title.data or "",
                    consent=bool(sign_form.consent.data),
                    ip=_client()[0],
                    user_agent=_client()[1],
                )
                return render_template("memoranda/outside_done.html", signed=True)
            if decline_form.submit.data:
                service.decline_outside(
                    db.session(),
                    token,
                    code=decline_form.code.data or "",
                    reason=decline_form.reason.data or "",
                )
                return render_template("memoranda/outside_done.html", signed=False)
            abort(400)
        except DomainError as refused:
            db.session.expire_all()
            error, status = refused.message, refused.status
            try:
                link = service.find_outside_link(db.session(), token)
            except DomainError as gone:
                return render_template(
                    "memoranda/outside_sign.html", link=None, error=gone.message
                ), 410
    elif link.circulation.signature_of(link.party) is None:
        service.note_sign_page_opened(db.session(), None, link.circulation, link.party)
    if request.method == "GET":
        sign_form.full_name.data = link.party.signatory_name
        sign_form.title.data = link.party.signatory_title
    return render_template(
        "memoranda/outside_sign.html",
        link=link,
        memorandum=link.party.memorandum,
        circulation=link.circulation,
        sign_form=sign_form,
        decline_form=decline_form,
        error=error,
        clause=service.authentic_clause,
    ), status


# --- the secretariat's pages -----------------------------------------------------------


def _staff_only() -> None:
    allow(policy.can_manage_memoranda(current_user))


@bp.route("/secretariat/memoranda/new", methods=["GET", "POST"])
@login_required
def new():
    _staff_only()
    form = MemorandumForm()
    form.submit.label.text = _("Create the draft")
    if form.validate_on_submit():
        try:
            memorandum = service.create_memorandum(
                db.session(),
                current_user,
                title=form.title.data,
                place=form.place.data or "",
                texts=form.texts(),
                public=form.public.data,
                note=form.note.data or "",
            )
        except DomainError as refused:
            flash(refused.message, "danger")
        else:
            flash(_("The draft is saved as revision 1. Now add the parties."), "success")
            return redirect(url_for("memoranda.parties", memorandum_id=memorandum.id))
    return render_template("memoranda/form.html", form=form, memorandum=None)


@bp.route("/secretariat/memoranda/<int:memorandum_id>/edit", methods=["GET", "POST"])
@login_required
def edit(memorandum_id: int):
    memorandum = _memorandum_or_404(memorandum_id)
    _staff_only()
    latest = memorandum.latest_revision
    form = MemorandumForm()
    if request.method == "GET":
        form.title.data, form.place.data, form.public.data = (
            latest.title,
            latest.place,
            memorandum.public,
        )
        form.base_number.data = str(latest.number)
        for text in latest.texts:
            getattr(form, f"text_{text.language}").data = text.body
    if form.validate_on_submit():
        try:
            if form.public.data != memorandum.public:
                service.set_public(db.session(), current_user, memorandum, form.public.data)
            revision = service.save_revision(
                db.session(),
                current_user,
                memorandum,
                title=form.title.data,
                place=form.place.data or "",
                texts=form.texts(),
                note=form.note.data or "",
                base_number=_int(form.base_number.data),
            )
        except DomainError as refused:
            flash(refused.message, "danger")
            if refused.status == 409:
                return render_template("memoranda/form.html", form=form, memorandum=memorandum), 409
        else:
            flash(_("Saved as revision %(number)d.", number=revision.number), "success")
            return redirect(url_for("memoranda.detail", memorandum_id=memorandum.id))
    return render_template("memoranda/form.html", form=form, memorandum=memorandum)


@bp.get("/secretariat/memoranda/<int:memorandum_id>/parties")
@login_required
def parties(memorandum_id: int):
    memorandum = _memorandum_or_404(memorandum_id)
    _staff_only()
    member_form = MemberPartyForm(prefix="member")
    taken = {party.park_id for party in memorandum.parties}
    member_form.park.choices = [
        (park.id, f"{park.name_latin} ({park.country})")
        for park in db.session.scalars(
            select(Park)
            .where(Park.status.in_([ParkStatus.MEMBER, ParkStatus.OBSERVER]))
            .order_by(Park.name_latin)
        )
        if park.id not in taken
    ]
    return render_template(
        "memoranda/parties.html",
        memorandum=memorandum,
        member_form=member_form,
        outside_form=OutsidePartyForm(prefix="outside"),
    )


@bp.post("/secretariat/memoranda/<int:memorandum_id>/parties/member")
@login_required
def add_member_party(memorandum_id: int):
    memorandum = _memorandum_or_404(memorandum_id)
    _staff_only()
    park = db.session.get(Park, _int(request.form.get("member-park")) or 0)
    if park is None:
        flash(_("Please choose a park."), "danger")
    else:
        _run(
            lambda: service.add_member_party(db.session(), current_user, memorandum, park),
            _("%(park)s is a party.", park=park.name_latin),
        )
    return redirect(url_for("memoranda.parties", memorandum_id=memorandum.id))


@bp.post("/secretariat/memoranda/<int:memorandum_id>/parties/outside")
@login_required
def add_outside_party(memorandum_id: int):
    memorandum = _memorandum_or_404(memorandum_id)
    _staff_only()
    form = OutsidePartyForm(prefix="outside")
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "danger")
    else:
        _run(
            lambda: service.add_outside_party(
                db.session(),
                current_user,
                memorandum,
                name=form.name.data,
                country=form.country.data,
                signatory_name=form.signatory_name.data,
                signatory_title=form.signatory_title.data or "",
                signatory_email=form.signatory_email.data,
            ),
            _("%(name)s is a party.", name=form.name.data),
        )
    return redirect(url_for("memoranda.parties", memorandum_id=memorandum.id))


def _party_or_404(memorandum: Memorandum, party_id: int) -> Party:
    party = db.session.get(Party, party_id)
    if party is None or party.memorandum_id != memorandum.id:
        abort(404)
    return party


@bp.post("/secretariat/memoranda/<int:memorandum_id>/parties/<int:party_id>/remove")
@login_required
def remove_party(memorandum_id: int, party_id: int):
    memorandum = _memorandum_or_404(memorandum_id)
    party = _party_or_404(memorandum, party_id)
    _staff_only()
    _run(
        lambda: service.remove_party(db.session(), current_user, party), _("The party is removed.")
    )
    return redirect(url_for("memoranda.parties", memorandum_id=memorandum.id))


@bp.post("/secretariat/memoranda/<int:memorandum_id>/parties/<int:party_id>/resend")
@login_required
def resend_link(memorandum_id: int, party_id: int):
    memorandum = _memorandum_or_404(memorandum_id)
    party = _party_or_404(memorandum, party_id)
    _staff_only()
    _run(
        lambda: service.resend_outside_link(db.session(), current_user, party),
        _("A new signing link is on its way to %(email)s.", email=party.signatory_email),
    )
    return redirect(url_for("memoranda.detail", memorandum_id=memorandum.id))


def _run(action, success: str) -> bool:
    try:
        action()
    except DomainError as refused:
        flash(refused.message, "danger")
        return False
    flash(success, "success")
    return True


@bp.post("/secretariat/memoranda/<int:memorandum_id>/circulate")
@login_required
def circulate(memorandum_id: int):
    memorandum = _memorandum_or_404(memorandum_id)
    _staff_only()
    _run(
        lambda: service.circulate(db.session(), current_user, memorandum),
        _(
            "Revision %(number)d is out for signature; the signatories have been e-mailed.",
            number=memorandum.latest_revision.number,
        ),
    )
    return redirect(url_for("memoranda.detail", memorandum_id=memorandum.id))


@bp.post("/secretariat/memoranda/<int:memorandum_id>/withdraw")
@login_required
def withdraw(memorandum_id: int):
    memorandum = _memorandum_or_404(memorandum_id)
    _staff_only()
    _run(
        lambda: service.withdraw_circulation(db.session(), current_user, memorandum),
        _("The circulation is withdrawn; the parties have been told."),
    )
    return redirect(url_for("memoranda.detail", memorandum_id=memorandum.id))


@bp.post("/secretariat/memoranda/<int:memorandum_id>/issue")
@login_required
@fresh_second_factor
def issue(memorandum_id: int):
    memorandum = _memorandum_or_404(memorandum_id)
    _staff_only()
    if _run(
        lambda: service.issue_memorandum(db.session(), current_user, memorandum),
        _("The memorandum is issued."),
    ):
        flash(_("Registry number %(number)s.", number=memorandum.registry_number), "info")
    return redirect(url_for("memoranda.detail", memorandum_id=memorandum.id))


@bp.post("/secretariat/memoranda/<int:memorandum_id>/terminate")
@login_required
@fresh_second_factor
def terminate(memorandum_id: int):
    memorandum = _memorandum_or_404(memorandum_id)
    _staff_only()
    form = TerminateForm()
    if not form.validate_on_submit():
        flash(_("Please give the date of termination and its reason."), "danger")
    else:
        _run(
            lambda: service.terminate(
                db.session(), current_user, memorandum, on=form.on.data, reason=form.reason.data
            ),
            _("The memorandum is terminated."),
        )
    return redirect(url_for("memoranda.detail", memorandum_id=memorandum.id))


@bp.post("/secretariat/memoranda/<int:memorandum_id>/amend")
@login_required
def amend(memorandum_id: int):
    memorandum = _memorandum_or_404(memorandum_id)
    _staff_only()
    try:
        amendment = service.amend(db.session(), current_user, memorandum)
    except DomainError as refused:
        flash(refused.message, "danger")
        return redirect(url_for("memoranda.detail", memorandum_id=memorandum.id))
    flash(
        _("A draft amendment is created from the text in force. Edit it, then circulate it."),
        "success",
    )
    return redirect(url_for("memoranda.edit", memorandum_id=amendment.id))
