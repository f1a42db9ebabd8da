"""The secretariat's pages for parks and their users."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from association.auth import second_factor
from association.auth import service as accounts
from association.auth.policy import can_change_roles, can_manage_users
from association.auth.views import fresh_second_factor
from association.domain import DomainError
from association.errors import allow
from association.extensions import db
from association.forms import ConfirmForm, show_beside_field
from association.languages import NAMES
from association.parks import service
from association.parks.forms import (
    STATUS_LABELS,
    DutiesForm,
    InviteUserForm,
    NewParkForm,
    ParkForm,
    ParkStatusForm,
    RoleForm,
)
from association.parks.models import Park, ParkStatus, Role, User
from association.parks.policy import can_manage_parks
from association.parks.presenters import park_status_word, role_word

bp = Blueprint("parks", __name__, url_prefix="/secretariat")
bp.add_app_template_global(park_status_word, "park_status_word")
bp.add_app_template_global(role_word, "role_word")


def _park_or_404(park_id: int) -> Park:
    return db.get_or_404(Park, park_id)


def _user_or_404(user_id: int) -> User:
    return db.get_or_404(User, user_id)


def _park_choices() -> list[tuple[int, str]]:
    parks = db.session.scalars(
        select(Park).where(Park.status != ParkStatus.WITHDRAWN).order_by(Park.name_latin)
    )
    return [(park.id, f"{park.name_latin} ({park.country})") for park in parks]


@bp.get("/parks")
@login_required
def park_list():
    allow(can_manage_parks(current_user))
    status = request.args.get("status", "")
    query = request.args.get("q", "").strip()
    statement = (
        select(Park).options(selectinload(Park.users)).order_by(Park.country, Park.name_latin)
    )
    if status in {s.value for s in ParkStatus}:
        statement = statement.where(Park.status == status)
    if query:
        # Text only: % and _ typed into the box are letters, not wildcards.
        statement = statement.where(
            or_(
                *(
                    column.icontains(query, autoescape=True)
                    for column in (
                        Park.name_latin,
                        Park.name_native,
                        Park.membership_number,
                        Park.city,
                    )
                )
            )
        )
    parks = db.session.scalars(statement).all()
    return render_template(
        "parks/list.html", parks=parks, status=status, query=query, status_labels=STATUS_LABELS
    )


@bp.route("/parks/new", methods=["GET", "POST"])
@login_required
def park_new():
    allow(can_manage_parks(current_user))
    form = NewParkForm()
    if form.validate_on_submit():
        try:
            park = service.create_park(
                db.session(),
                current_user,
                name_latin=form.name_latin.data,
                name_native=form.name_native.data or "",
                country=form.country.data,
                city=form.city.data or "",
                website=form.website.data or "",
                status=ParkStatus(form.status.data),
                member_since=form.member_since.data,
                language=form.language.data or None,
            )
        except DomainError as refused:
            flash(refused.message, "danger")
        else:
            flash(_("%(park)s is created.", park=park.name_latin), "success")
            return redirect(url_for("parks.park_detail", park_id=park.id))
    return render_template("parks/form.html", form=form, park=None)


@bp.get("/parks/<int:park_id>")
@login_required
def park_detail(park_id: int):
    park = _park_or_404(park_id)
    allow(can_manage_parks(current_user))
    status_form = ParkStatusForm(status=park.status)
    return render_template(
        "parks/detail.html",
        park=park,
        status_form=status_form,
        status_labels=STATUS_LABELS,
        country_name=service.country_name(park.country),
    )


@bp.route("/parks/<int:park_id>/edit", methods=["GET", "POST"])
@login_required
def park_edit(park_id: int):
    park = _park_or_404(park_id)
    allow(can_manage_parks(current_user))
    form = ParkForm(obj=park)
    if form.validate_on_submit():
        changes = {name: (getattr(form, name).data or "") for name in service.EDITABLE_FIELDS}
        language_before = park.language
        try:
            service.update_park(db.session(), current_user, park, **changes)
        except DomainError as refused:
            flash(refused.message, "danger")
        else:
            flash(_("The park's details are saved."), "success")
            if park.language != language_before and park.membership_number:
                # Its certificate in force states nothing untrue, so it stays until re-issued.
                flash(
                    _(
                        "The certificate in force keeps the languages it was issued in. Re-issue "
                        "it on the park's page in the directory for one in %(language)s.",
                        language=NAMES.get(park.language, park.language),
                    ),
                    "info",
                )
            return redirect(url_for("parks.park_detail", park_id=park.id))
    return render_template("parks/form.html", form=form, park=park)


@bp.post("/parks/<int:park_id>/status")
@login_required
def park_status(park_id: int):
    park = _park_or_404(park_id)
    allow(can_manage_parks(current_user))
    form = ParkStatusForm()
    if not form.validate_on_submit():
        flash(_("Please choose a status and give the reason."), "danger")
        return redirect(url_for("parks.park_detail", park_id=park.id))
    service.change_park_status(
        db.session(), current_user, park, ParkStatus(form.status.data), form.reason.data
    )
    flash(_("The status is changed."), "success")
    return redirect(url_for("parks.park_detail", park_id=park_id))


# --- users ---------------------------------------------------------------------------

USER_STATES = {"active", "invited", "deactivated"}


@bp.get("/users")
@login_required
def user_list():
    allow(can_manage_users(current_user))
    state = request.args.get("state", "")
    query = request.args.get("q", "").strip()
    statement = select(User).options(selectinload(User.park)).order_by(User.full_name)
    if state == "active":
        statement = statement.where(User.active.is_(True), User.password_hash.is_not(None))
    elif state == "invited":
        statement = statement.where(User.active.is_(True), User.password_hash.is_(None))
    elif state == "deactivated":
        statement = statement.where(User.active.is_(False))
    if query:
        statement = statement.where(
            or_(
                User.full_name.icontains(query, autoescape=True),
                User.email.icontains(query, autoescape=True),
            )
        )
    users = db.session.scalars(statement).all()
    return render_template("parks/users.html", users=users, state=state, query=query)


@bp.route("/users/invite", methods=["GET", "POST"])
@login_required
def user_invite():
    allow(can_manage_users(current_user))
    form = InviteUserForm()
    form.park.choices = _park_choices()
    if request.method == "GET" and request.args.get("park", "").isdigit():
        form.park.data = int(request.args["park"])
    if form.validate_on_submit():
        park = _park_or_404(form.park.data)
        try:
            user, _token = accounts.create_user(
                db.session(),
                current_user,
                email=form.email.data,
                full_name=form.full_name.data,
                title=form.title.data or "",
                park=park,
                delegate=form.delegate.data,
                signatory=form.signatory.data,
                invite=True,
            )
        except DomainError as refused:
            form.email.errors.append(refused.message)
        else:
            flash(_("An invitation is on its way to %(email)s.", email=user.email), "success")
            return redirect(url_for("parks.park_detail", park_id=park.id))
    return render_template("parks/invite.html", form=form)


@bp.get("/users/<int:user_id>")
@login_required
def user_detail(user_id: int):
    user = _user_or_404(user_id)
    allow(can_manage_users(current_user))
    role_form = None
    if can_change_roles(current_user):
        role_form = RoleForm(role=user.role, park=user.park_id or 0)
        role_form.park.choices = [(0, "—")] + _park_choices()
    return _user_page(user, role_form)


def _user_page(user: User, role_form: RoleForm | None, status: int = 200):
    duties = DutiesForm(
        delegate=user.is_delegate,
        signatory=user.is_signatory,
        integration_manager=user.is_integration_manager,
        programme_coordinator=user.is_programme_coordinator,
    )
    # What a change to secretariat or administrator would end, said before it is saved.
    duties_at_stake = accounts.duties_lost_by_role_change(user, Role.SECRETARIAT)
    return render_template(
        "parks/user.html",
        user=user,
        duties=duties,
        role_form=role_form,
        duties_at_stake=duties_at_stake,
        confirm=ConfirmForm(),
    ), status


@bp.post("/users/<int:user_id>/duties")
@login_required
def user_duties(user_id: int):
    user = _user_or_404(user_id)
    allow(can_manage_users(current_user))
    form = DutiesForm()
    if form.validate_on_submit():
        accounts.set_park_duties(
            db.session(),
            current_user,
            user,
            delegate=form.delegate.data,
            signatory=form.signatory.data,
            integration_manager=form.integration_manager.data,
            programme_coordinator=form.programme_coordinator.data,
        )
        flash(_("The duties are saved."), "success")
    return redirect(url_for("parks.user_detail", user_id=user_id))


@bp.post("/users/<int:user_id>/deactivate")
@login_required
def user_deactivate(user_id: int):
    return _set_active(user_id, False)


@bp.post("/users/<int:user_id>/reactivate")
@login_required
def user_reactivate(user_id: int):
    return _set_active(user_id, True)


def _set_active(user_id: int, active: bool):
    user = _user_or_404(user_id)
    allow(can_manage_users(current_user))
    if ConfirmForm().validate_on_submit():
        accounts.set_active(db.session(), current_user, user, active)
        flash(
            _("The account is reactivated.")
            if active
            else _("The account is deactivated; its sessions have ended."),
            "success",
        )
    return redirect(url_for("parks.user_detail", user_id=user_id))


@bp.post("/users/<int:user_id>/reinvite")
@login_required
def user_reinvite(user_id: int):
    user = _user_or_404(user_id)
    allow(can_manage_users(current_user))
    if ConfirmForm().validate_on_submit():
        accounts.reinvite_user(db.session(), current_user, user)
        flash(_("A new invitation is on its way to %(email)s.", email=user.email), "success")
    return redirect(url_for("parks.user_detail", user_id=user_id))


@bp.post("/users/<int:user_id>/role")
@login_required
@fresh_second_factor
def user_role(user_id: int):
    user = _user_or_404(user_id)
    allow(can_change_roles(current_user))
    form = RoleForm()
    form.park.choices = [(0, "—")] + _park_choices()
    if form.validate_on_submit():
        park = db.session.get(Park, form.park.data) if form.park.data else None
        try:
            accounts.change_role(
                db.session(),
                current_user,
                user,
                Role(form.role.data),
                park,
                end_duties=form.end_duties.data,
            )
        except DomainError as refused:
            if not show_beside_field(form, refused):
                raise
            db.session.expire_all()
            return _user_page(user, form, refused.status)
        flash(_("The role is changed."), "success")
    return redirect(url_for("parks.user_detail", user_id=user_id))


@bp.post("/users/<int:user_id>/second-factor/reset")
@login_required
@fresh_second_factor
def user_second_factor_reset(user_id: int):
    user = _user_or_404(user_id)
    allow(can_change_roles(current_user))
    if ConfirmForm().validate_on_submit():
        second_factor.reset_second_factor(db.session(), current_user, user)
        flash(
            _(
                "The second factor is reset: %(name)s sets up a new one at the next sign-in.",
                name=user.full_name,
            ),
            "success",
        )
    return redirect(url_for("parks.user_detail", user_id=user_id))
