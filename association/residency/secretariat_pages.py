"""The secretariat's pages of the programme: the calls, making and editing one, opening and
closing it, each host park's offer in it, and every submitted application (read on the
application's own page)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from association.domain import DomainError
from association.errors import allow
from association.extensions import db
from association.forms import ConfirmForm, show_beside_field
from association.parks.models import Park
from association.residency import calls, queries
from association.residency.forms import CallForm, host_offer_form
from association.residency.models import HostOffer, ResidencyCall
from association.residency.presenters import benefits
from association.residency.views import secretariat_bp as bp


def _staff() -> None:
    allow(current_user.is_staff)


@bp.get("")
@login_required
def call_list():
    _staff()
    return render_template("residency/secretariat/calls.html", rows=queries.call_list(db.session()))


def _call_form_page(form: CallForm, call: ResidencyCall | None, status: int = 200):
    return render_template("residency/secretariat/call_form.html", form=form, call=call), status


def _refused_on_form(form, refused: DomainError) -> bool:
    """Whether the refusal is the form's to show (bad input or a state the page can explain)."""
    if refused.status in (403, 404):
        return False
    db.session.rollback()
    if not show_beside_field(form, refused):
        flash(refused.message, "danger")
    return True


@bp.route("/calls/new", methods=["GET", "POST"])
@login_required
def call_create():
    _staff()
    form = CallForm()
    if not form.validate_on_submit():
        return _call_form_page(form, None, 400 if form.is_submitted() else 200)
    try:
        call = calls.create_call(db.session(), current_user, **form.values())
    except DomainError as refused:
        if not _refused_on_form(form, refused):
            raise
        return _call_form_page(form, None, refused.status)
    flash(_("The call is saved as a draft. Add its host parks, then open it."), "success")
    return redirect(url_for("residency_secretariat.call_detail", call_id=call.id))


@bp.route("/calls/<int:call_id>/edit", methods=["GET", "POST"])
@login_required
def call_edit(call_id: int):
    _staff()
    call = db.get_or_404(ResidencyCall, call_id)
    form = CallForm(obj=call) if request.method == "GET" else CallForm()
    if not form.validate_on_submit():
        return _call_form_page(form, call, 400 if form.is_submitted() else 200)
    try:
        calls.update_call(db.session(), current_user, call, **form.values())
    except DomainError as refused:
        if not _refused_on_form(form, refused):
            raise
        return _call_form_page(form, db.session.get(ResidencyCall, call_id), refused.status)
    flash(_("The call is saved."), "success")
    return redirect(url_for("residency_secretariat.call_detail", call_id=call_id))


@bp.get("/calls/<int:call_id>")
@login_required
def call_detail(call_id: int):
    _staff()
    call = db.get_or_404(ResidencyCall, call_id)
    return render_template(
        "residency/secretariat/call.html",
        page=queries.call_page(db.session(), call),
        confirm=ConfirmForm(),
        benefits=benefits,
    )


def _call_change(call_id: int, change, message: str):
    _staff()
    call = db.get_or_404(ResidencyCall, call_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        change(db.session(), current_user, call)
    except DomainError as refused:
        if refused.status in (403, 404):
            raise
        db.session.rollback()
        flash(refused.message, "danger")
    else:
        flash(message, "success")
    return redirect(url_for("residency_secretariat.call_detail", call_id=call_id))


@bp.post("/calls/<int:call_id>/open")
@login_required
def call_open(call_id: int):
    return _call_change(
        call_id, calls.open_call, _("The call is open: the programme page shows it.")
    )


@bp.post("/calls/<int:call_id>/close")
@login_required
def call_close(call_id: int):
    return _call_change(
        call_id,
        calls.close_call,
        _("The call is closed: no new applications; decisions and residencies go on."),
    )


def _offer_page(call: ResidencyCall, offer: HostOffer | None, form, status: int = 200):
    return render_template("residency/offer_edit.html", call=call, offer=offer, form=form), status


def _save_offer(call: ResidencyCall, offer: HostOffer | None, form):
    park = db.session.get(Park, form.park.data)
    if park is None:
        form.park.errors = [*form.park.errors, _("Choose the host park.")]
        return _offer_page(call, offer, form, 400)
    try:
        calls.set_host_offer(
            db.session(),
            current_user,
            call,
            park,
            **form.values(),
            translations=form.translations(),
        )
    except DomainError as refused:
        if not _refused_on_form(form, refused):
            raise
        return _offer_page(call, offer, form, refused.status)
    flash(_("The offer of %(park)s is saved.", park=park.name_latin), "success")
    return redirect(url_for("residency_secretariat.call_detail", call_id=call.id))


@bp.route("/calls/<int:call_id>/offers/new", methods=["GET", "POST"])
@login_required
def offer_create(call_id: int):
    _staff()
    call = db.get_or_404(ResidencyCall, call_id)
    form = host_offer_form(None, queries.home_park_choices(db.session()))
    if not form.validate_on_submit():
        return _offer_page(call, None, form, 400 if form.is_submitted() else 200)
    return _save_offer(call, None, form)


@bp.route("/offers/<int:offer_id>", methods=["GET", "POST"])
@login_required
def offer_edit(offer_id: int):
    _staff()
    offer = db.get_or_404(HostOffer, offer_id)
    if request.method == "GET":
        return _offer_page(
            offer.call, offer, host_offer_form(offer, queries.home_park_choices(db.session()))
        )
    form = host_offer_form(None, queries.home_park_choices(db.session()))
    if not form.validate_on_submit():
        return _offer_page(offer.call, offer, form, 400)
    return _save_offer(offer.call, offer, form)


@bp.post("/offers/<int:offer_id>/remove")
@login_required
def offer_remove(offer_id: int):
    _staff()
    offer = db.get_or_404(HostOffer, offer_id)
    call_id, park = offer.call_id, offer.park.name_latin
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        calls.remove_host_offer(db.session(), current_user, offer)
    except DomainError as refused:
        if refused.status in (403, 404):
            raise
        db.session.rollback()
        flash(refused.message, "danger")
    else:
        flash(_("The offer of %(park)s is removed from the call.", park=park), "success")
    return redirect(url_for("residency_secretariat.call_detail", call_id=call_id))
