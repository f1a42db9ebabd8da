"""The secretariat's memoranda pages under /secretariat/memoranda, on the memoranda
blueprint: drafting, parties, circulation, issuing, termination and amendment. Each POST
calls one domain function with the whole form."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from association.auth.views import fresh_second_factor
from association.domain import DomainError
from association.errors import allow
from association.extensions import db
from association.memoranda import circulation, drafting, issuing, outside, policy, queries
from association.memoranda.forms import (
    MemberPartyForm,
    MemorandumForm,
    OutsidePartyForm,
    TerminateForm,
)
from association.memoranda.models import Memorandum, Party
from association.memoranda.views import as_int, bp, memorandum_or_404
from association.parks.models import Park


def _staff_only() -> None:
    allow(policy.can_manage_memoranda(current_user))


def _managed(memorandum_id: int) -> Memorandum:
    """The memorandum (404 when there is none), for the secretariat only (403)."""
    memorandum = memorandum_or_404(memorandum_id)
    _staff_only()
    return memorandum


def _party_or_404(memorandum: Memorandum, party_id: int) -> Party:
    return db.first_or_404(
        select(Party).where(Party.id == party_id, Party.memorandum_id == memorandum.id)
    )


def _back_to(memorandum: Memorandum, page: str = "memoranda.detail"):
    return redirect(url_for(page, memorandum_id=memorandum.id))


@bp.get("/secretariat/memoranda")
@login_required
def secretariat_register():
    _staff_only()
    return redirect(url_for("memoranda.register"))


@bp.route("/secretariat/memoranda/new", methods=["GET", "POST"])
@login_required
def new():
    _staff_only()
    form = MemorandumForm()
    form.submit.label.text = _("Create the draft")
    if form.validate_on_submit():
        try:
            memorandum = drafting.create_memorandum(
                db.session(),
                current_user,
                title=form.title.data or "",
                place=form.place.data or "",
                texts=form.texts(),
                titles=form.titles(),
                public=bool(form.public.data),
                note=form.note.data or "",
                document_language=form.document_language.data,
            )
        except DomainError as refused:
            flash(refused.message, "danger")
        else:
            flash(_("The draft is saved as revision 1. Now add the parties."), "success")
            return _back_to(memorandum, "memoranda.parties")
    return render_template("memoranda/form.html", form=form, memorandum=None)


@bp.route("/secretariat/memoranda/<int:memorandum_id>/edit", methods=["GET", "POST"])
@login_required
def edit(memorandum_id: int):
    memorandum = _managed(memorandum_id)
    latest = memorandum.latest_revision
    form = MemorandumForm()
    if not form.is_submitted() and latest is not None:
        form.title.data, form.place.data, form.public.data = (
            latest.title,
            latest.place,
            memorandum.public,
        )
        form.document_language.data = memorandum.document_language
        form.base_number.data = str(latest.number)
        for text in latest.texts:
            getattr(form, f"text_{text.language}").data = text.body
            if text.language != "en" and text.heading != latest.title:
                getattr(form, f"title_{text.language}").data = text.heading
    if form.validate_on_submit():
        public_before, language_before = memorandum.public, memorandum.document_language
        try:
            revision = drafting.save_revision(
                db.session(),
                current_user,
                memorandum,
                title=form.title.data or "",
                place=form.place.data or "",
                texts=form.texts(),
                titles=form.titles(),
                note=form.note.data or "",
                base_number=as_int(form.base_number.data),
                public=bool(form.public.data),
                document_language=form.document_language.data,
            )
        except DomainError as refused:
            flash(refused.message, "danger")
            if refused.status == 409:
                return render_template("memoranda/form.html", form=form, memorandum=memorandum), 409
        else:
            if latest is not None and revision.id == latest.id:
                if memorandum.public != public_before:
                    flash(_("The visibility is saved; the text is unchanged."), "success")
                if memorandum.document_language != language_before:
                    flash(_("The language of the PDF is saved; the text is unchanged."), "success")
            else:
                flash(_("Saved as revision %(number)d.", number=revision.number), "success")
            return _back_to(memorandum)
    return render_template("memoranda/form.html", form=form, memorandum=memorandum)


@bp.get("/secretariat/memoranda/<int:memorandum_id>/parties")
@login_required
def parties(memorandum_id: int):
    memorandum = _managed(memorandum_id)
    member_form = MemberPartyForm(prefix="member")
    member_form.park.choices = queries.candidate_parks(db.session(), memorandum)
    return render_template(
        "memoranda/parties.html",
        memorandum=memorandum,
        member_form=member_form,
        outside_form=OutsidePartyForm(prefix="outside"),
    )


@bp.post("/secretariat/memoranda/<int:memorandum_id>/parties/member")
@login_required
def add_member_party(memorandum_id: int):
    memorandum = _managed(memorandum_id)
    park_id = MemberPartyForm(prefix="member").park.data
    park = db.session.get(Park, park_id) if park_id else None
    if park is None:
        flash(_("Please choose a park."), "danger")
        return _back_to(memorandum, "memoranda.parties")
    try:
        drafting.add_member_party(db.session(), current_user, memorandum, park)
    except DomainError as refused:
        flash(refused.message, "danger")
    else:
        flash(_("%(park)s is a party.", park=park.name_latin), "success")
    return _back_to(memorandum, "memoranda.parties")


@bp.post("/secretariat/memoranda/<int:memorandum_id>/parties/outside")
@login_required
def add_outside_party(memorandum_id: int):
    memorandum = _managed(memorandum_id)
    form = OutsidePartyForm(prefix="outside")
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "danger")
        return _back_to(memorandum, "memoranda.parties")
    try:
        drafting.add_outside_party(
            db.session(),
            current_user,
            memorandum,
            name=form.name.data or "",
            country=form.country.data or "",
            signatory_name=form.signatory_name.data or "",
            signatory_title=form.signatory_title.data or "",
            signatory_email=form.signatory_email.data or "",
        )
    except DomainError as refused:
        flash(refused.message, "danger")
    else:
        flash(_("%(name)s is a party.", name=form.name.data), "success")
    return _back_to(memorandum, "memoranda.parties")


@bp.post("/secretariat/memoranda/<int:memorandum_id>/parties/<int:party_id>/remove")
@login_required
def remove_party(memorandum_id: int, party_id: int):
    memorandum = memorandum_or_404(memorandum_id)
    party = _party_or_404(memorandum, party_id)
    _staff_only()
    try:
        drafting.remove_party(db.session(), current_user, party)
    except DomainError as refused:
        flash(refused.message, "danger")
    else:
        flash(_("The party is removed."), "success")
    return _back_to(memorandum, "memoranda.parties")


@bp.post("/secretariat/memoranda/<int:memorandum_id>/parties/<int:party_id>/resend")
@login_required
def resend_link(memorandum_id: int, party_id: int):
    memorandum = memorandum_or_404(memorandum_id)
    party = _party_or_404(memorandum, party_id)
    _staff_only()
    try:
        outside.resend_outside_link(db.session(), current_user, party)
    except DomainError as refused:
        flash(refused.message, "danger")
    else:
        flash(
            _("A new signing link is on its way to %(email)s.", email=party.signatory_email),
            "success",
        )
    return _back_to(memorandum)


@bp.post("/secretariat/memoranda/<int:memorandum_id>/circulate")
@login_required
def circulate(memorandum_id: int):
    memorandum = _managed(memorandum_id)
    try:
        circulated = circulation.circulate(db.session(), current_user, memorandum)
    except DomainError as refused:
        flash(refused.message, "danger")
    else:
        flash(
            _(
                "Revision %(number)d is out for signature; the signatories have been e-mailed.",
                number=circulated.revision.number,
            ),
            "success",
        )
    return _back_to(memorandum)


@bp.post("/secretariat/memoranda/<int:memorandum_id>/withdraw")
@login_required
def withdraw(memorandum_id: int):
    memorandum = _managed(memorandum_id)
    try:
        circulation.withdraw_circulation(db.session(), current_user, memorandum)
    except DomainError as refused:
        flash(refused.message, "danger")
    else:
        flash(_("The circulation is withdrawn; the parties have been told."), "success")
    return _back_to(memorandum)


@bp.post("/secretariat/memoranda/<int:memorandum_id>/issue")
@login_required
@fresh_second_factor
def issue(memorandum_id: int):
    memorandum = _managed(memorandum_id)
    try:
        issuing.issue_memorandum(db.session(), current_user, memorandum)
    except DomainError as refused:
        flash(refused.message, "danger")
    else:
        flash(_("The memorandum is issued."), "success")
        flash(_("Registry number %(number)s.", number=memorandum.registry_number), "info")
    return _back_to(memorandum)


@bp.post("/secretariat/memoranda/<int:memorandum_id>/terminate")
@login_required
@fresh_second_factor
def terminate(memorandum_id: int):
    memorandum = _managed(memorandum_id)
    form = TerminateForm()
    if not form.validate_on_submit() or form.on.data is None:
        flash(_("Please give the date of termination and its reason."), "danger")
        return _back_to(memorandum)
    try:
        issuing.terminate(
            db.session(), current_user, memorandum, on=form.on.data, reason=form.reason.data or ""
        )
    except DomainError as refused:
        flash(refused.message, "danger")
    else:
        flash(_("The memorandum is terminated."), "success")
    return _back_to(memorandum)


@bp.post("/secretariat/memoranda/<int:memorandum_id>/amend")
@login_required
def amend(memorandum_id: int):
    memorandum = _managed(memorandum_id)
    try:
        amendment = issuing.amend(db.session(), current_user, memorandum)
    except DomainError as refused:
        flash(refused.message, "danger")
        return _back_to(memorandum)
    flash(
        _("A draft amendment is created from the text in force. Edit it, then circulate it."),
        "success",
    )
    return _back_to(amendment, "memoranda.edit")
