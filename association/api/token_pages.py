"""The account's API tokens page, `/account/tokens`: the user's tokens, making one (its secret
shown this once) and revoking one."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from association.api.forms import TokenForm
from association.api.personal_tokens import (
    create_token,
    may_carry_vote,
    revoke_token,
    why_no_new_token,
)
from association.api.presenters import STATUS_BADGES, token_status_word
from association.api.queries import tokens_of
from association.database import utcnow
from association.domain import Conflict, DomainError
from association.extensions import db
from association.forms import ConfirmForm, show_beside_field
from association.site import setting

bp = Blueprint("tokens", __name__)


def _form(**kwargs) -> TokenForm:
    return TokenForm(
        may_vote=may_carry_vote(current_user),
        max_days=int(setting("API_TOKEN_MAX_DAYS")),
        days=int(setting("API_TOKEN_DEFAULT_DAYS")),
        **kwargs,
    )


def _page(form: TokenForm, *, secret: str | None = None, made=None, status: int = 200) -> Response:
    response = make_response(
        render_template(
            "api/tokens.html",
            form=form,
            tokens=tokens_of(db.session(), current_user),
            now=utcnow(),
            secret=secret,
            made=made,
            why_not=why_no_new_token(
                current_user, second_factor_passed=current_user.second_factor_passed
            ),
            revoke=ConfirmForm(),
            status_word=token_status_word,
            status_badge=STATUS_BADGES,
        ),
        status,
    )
    # The page may hold a secret: no cache keeps it, whatever the defaults become.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/account/tokens")
@login_required
def token_list():
    return _page(_form())


@bp.post("/account/tokens")
@login_required
def token_create():
    form = _form()
    if not form.validate_on_submit():
        return _page(form)
    try:
        token, secret = create_token(
            db.session(),
            current_user,
            name=form.name.data or "",
            scopes=form.scopes.data or [],
            days=form.days.data or 0,
            second_factor_passed=current_user.second_factor_passed,
        )
    except DomainError as refused:
        if not show_beside_field(form, refused):
            raise
        return _page(form, status=refused.status)
    # Rendered, not redirected: the secret is never put in a flash message or the session
    # cookie. A reload of the list afterwards shows it no more.
    return _page(_form(formdata=None), secret=secret, made=token)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def token_revoke(token_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        token = revoke_token(db.session(), current_user, token_id)
    except Conflict as refused:  # a second click, or a page left open elsewhere
        flash(refused.message, "warning")
    else:
        flash(_("The token %(name)s is revoked: it no longer works.", name=token.name), "success")
    return redirect(url_for("tokens.token_list"))
