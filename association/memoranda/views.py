"""Memoranda pages for members and the public: the register, one memorandum, comparing
revisions, and signing (by a member park's signatory, or by an outside signatory through
the e-mailed link). The secretariat's pages, on the same blueprint, are in secretariat.py."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from association.documents.views import send_stored
from association.domain import DomainError
from association.errors import allow
from association.extensions import db, limiter
from association.forms import show_beside_field
from association.history import happened_at, recorded_later
from association.memoranda import policy, queries
from association.memoranda.circulation import note_sign_page_opened
from association.memoranda.forms import (
    CompareForm,
    DeclineForm,
    OutsideDeclineForm,
    OutsideSignForm,
    SignForm,
    TerminateForm,
)
from association.memoranda.models import Memorandum
from association.memoranda.outside import find_outside_link, send_outside_code
from association.memoranda.presenters import (
    STATUS_LABELS,
    circulation_end_label,
    event_sentence,
    memo_markdown,
    memorandum_status_label,
)
from association.memoranda.signing import (
    decline,
    decline_outside,
    sign_outside,
)
from association.memoranda.signing import sign as sign_memorandum
from association.memoranda.texts import authentic_clause

bp = Blueprint("memoranda", __name__)
bp.add_app_template_global(memorandum_status_label, "memorandum_status_label")
bp.add_app_template_global(circulation_end_label, "circulation_end_label")
bp.add_app_template_filter(memo_markdown, "memo_markdown")
bp.add_app_template_global(event_sentence, "memorandum_event_sentence")
# Events recorded after they happened (association.history) show when they happened.
bp.add_app_template_global(happened_at, "event_happened_at")
bp.add_app_template_global(recorded_later, "event_recorded_later")


def memorandum_or_404(memorandum_id: int) -> Memorandum:
    """The memorandum with what its pages read, or 404."""
    memorandum = queries.load_memorandum(db.session(), memorandum_id)
    if memorandum is None:
        abort(404)
    return memorandum


def _readable(memorandum_id: int) -> Memorandum:
    memorandum = memorandum_or_404(memorandum_id)
    if not policy.can_read(current_user, memorandum):
        if not current_user.is_authenticated:
            abort(404)  # a visitor learns nothing about unpublished memoranda
        abort(403)
    return memorandum


def as_int(value: str | int | None) -> int | None:
    """A form's id field as a number, or None when it is not one."""
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def _client() -> tuple[str, str]:
    return request.remote_addr or "", request.user_agent.string[:300]


# --- the register and one memorandum --------------------------------------------------


@bp.get("/memoranda")
def register():
    status = request.args.get("status", "")
    memoranda = queries.register_page(db.session(), current_user, status)
    return render_template(
        "memoranda/register.html", memoranda=memoranda, status=status, statuses=STATUS_LABELS
    )


@bp.get("/memoranda/<int:memorandum_id>")
def detail(memorandum_id: int):
    memorandum = _readable(memorandum_id)
    return render_template(
        "memoranda/detail.html",
        **queries.memorandum_page(db.session(), current_user, memorandum),
        clause=authentic_clause,
        terminate_form=TerminateForm(),
    )


@bp.get("/memoranda/<int:memorandum_id>.pdf")
def download(memorandum_id: int):
    memorandum = _readable(memorandum_id)
    if memorandum.document is None:
        abort(404)
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
    revisions = queries.revisions_to_compare(memorandum, a, b)
    if revisions is None:
        abort(404)
    allow(queries.may_compare(current_user, memorandum, a, b))
    return render_template(
        "memoranda/compare.html", **queries.comparison_page(memorandum, *revisions)
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
    """POST signs or declines; GET shows the text and changes one thing only: it records,
    once, that the party's signatory opened it (note_sign_page_opened)."""
    memorandum = memorandum_or_404(memorandum_id)
    party = policy.party_of(current_user, memorandum)
    sign_form = SignForm(prefix="sign")
    decline_form = DeclineForm(prefix="decline")
    error, status = None, 200
    if request.method == "POST":
        try:
            if sign_form.submit.data:
                signature = sign_memorandum(
                    db.session(),
                    current_user,
                    memorandum,
                    party_id=as_int(sign_form.party.data),
                    circulation_id=as_int(sign_form.circulation.data),
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
                decline(
                    db.session(),
                    current_user,
                    memorandum,
                    party_id=as_int(decline_form.party.data),
                    circulation_id=as_int(decline_form.circulation.data),
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
            status = refused.status
            # Beside its field when it names one of the signing form's; at the top otherwise.
            if not show_beside_field(sign_form, refused):
                error = refused.message
    if party is None:
        if error:
            return render_template(
                "errors/error.html", status=status, title=_("Not signed"), message=error
            ), status
        abort(403, _("You do not represent a party to this memorandum."))
    circulation = memorandum.current_circulation
    may_sign = policy.can_sign_for(current_user, party)
    existing = circulation.signature_of(party) if circulation else None
    if circulation is not None and may_sign and existing is None and request.method == "GET":
        note_sign_page_opened(db.session(), current_user, circulation, party)
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
        signature=existing,
        may_sign=may_sign,
        sign_form=sign_form,
        decline_form=decline_form,
        error=error,
        clause=authentic_clause,
    ), status


# --- signing by an outside organisation -------------------------------------------------


@bp.route("/memoranda/sign/<token>", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def outside_sign(token: str):
    """POST sends a code, signs or declines; GET shows the text and changes one thing only:
    it records, once, that the outside signatory opened it (note_sign_page_opened)."""
    try:
        link = find_outside_link(db.session(), token)
    except DomainError as refused:
        return render_template("memoranda/outside_sign.html", link=None, error=refused.message), 410
    sign_form = OutsideSignForm(prefix="sign")
    decline_form = OutsideDeclineForm(prefix="decline")
    error, status = None, 200
    if request.method == "POST":
        try:
            if request.form.get("send_code"):
                send_outside_code(db.session(), token)
                flash(
                    _(
                        "A confirmation code is on its way to %(email)s.",
                        email=link.party.signatory_email,
                    ),
                    "info",
                )
                return redirect(url_for("memoranda.outside_sign", token=token))
            if sign_form.submit.data:
                sign_outside(
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
                decline_outside(
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
                link = find_outside_link(db.session(), token)
            except DomainError as gone:
                return render_template(
                    "memoranda/outside_sign.html", link=None, error=gone.message
                ), 410
    elif link.circulation.signature_of(link.party) is None:
        note_sign_page_opened(db.session(), None, link.circulation, link.party)
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
        clause=authentic_clause,
    ), status
