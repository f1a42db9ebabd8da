"""The webhook pages: the endpoints a user may manage, adding one (its secret shown once), and
each endpoint's recent deliveries with its buttons (test, re-enable, remove)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from association.domain import DomainError
from association.errors import allow
from association.extensions import db
from association.forms import ConfirmForm, show_beside_field
from association.webhooks import queries, service
from association.webhooks.forms import EndpointForm, RemoveEndpointForm
from association.webhooks.models import WebhookEndpoint
from association.webhooks.policy import can_manage_endpoint, can_manage_webhooks
from association.webhooks.presenters import DELIVERY_STATES, event_sentence

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")


def _form(*, empty: bool = False) -> EndpointForm:
    # Empty after an endpoint is added: the page then shows the new one, not its address again.
    form = EndpointForm(formdata=None) if empty else EndpointForm()
    if current_user.is_staff:
        form.park.choices = [(0, _("The association (receives what the secretariat reads)"))]
        form.park.choices += queries.park_choices(db.session())
    else:
        del form.park  # an integration manager registers for their own park
    return form


def _list_page(form: EndpointForm, *, secret: str | None = None, created=None, status=200):
    endpoints = queries.endpoints_for(db.session(), current_user)
    return render_template(
        "webhooks/list.html",
        endpoints=endpoints,
        form=form,
        secret=secret,
        created=created,
    ), status


@bp.get("")
@login_required
def endpoint_list():
    allow(can_manage_webhooks(current_user))
    return _list_page(_form())


@bp.post("")
@login_required
def endpoint_create():
    allow(can_manage_webhooks(current_user))
    form = _form()
    if not form.validate_on_submit():
        return _list_page(form, status=400)
    park_id = form.park.data if "park" in form else None
    try:
        endpoint, secret = service.register_endpoint(
            db.session(),
            current_user,
            url=form.url.data,
            events=form.events.data or [],
            park_id=park_id or None,
        )
    except DomainError as refused:
        if not show_beside_field(form, refused):
            raise
        return _list_page(form, status=refused.status)
    # Rendered, not redirected: the secret is shown on this answer once and kept nowhere else
    # in the clear (not even in the session cookie).
    return _list_page(_form(empty=True), secret=secret, created=endpoint, status=201)


def _endpoint_or_404(endpoint_id: int) -> WebhookEndpoint:
    endpoint = db.get_or_404(WebhookEndpoint, endpoint_id)
    allow(can_manage_endpoint(current_user, endpoint))
    return endpoint


@bp.get("/<int:endpoint_id>")
@login_required
def endpoint_detail(endpoint_id: int):
    endpoint = _endpoint_or_404(endpoint_id)
    return render_template(
        "webhooks/detail.html",
        endpoint=endpoint,
        deliveries=queries.recent_deliveries(db.session(), endpoint),
        states=DELIVERY_STATES,
        event_sentence=event_sentence,
        confirm=ConfirmForm(),
        remove_form=RemoveEndpointForm(),
    )


@bp.post("/<int:endpoint_id>/test")
@login_required
def endpoint_test(endpoint_id: int):
    endpoint = _endpoint_or_404(endpoint_id)
    if ConfirmForm().validate_on_submit():
        service.send_test_event(db.session(), current_user, endpoint)
        flash(_("A test event is queued: it is sent within a minute."), "success")
    return redirect(url_for("webhooks.endpoint_detail", endpoint_id=endpoint_id))


@bp.post("/<int:endpoint_id>/reenable")
@login_required
def endpoint_reenable(endpoint_id: int):
    endpoint = _endpoint_or_404(endpoint_id)
    if ConfirmForm().validate_on_submit():
        service.reenable_endpoint(db.session(), current_user, endpoint)
        flash(_("The endpoint is enabled again."), "success")
    return redirect(url_for("webhooks.endpoint_detail", endpoint_id=endpoint_id))


@bp.post("/<int:endpoint_id>/remove")
@login_required
def endpoint_remove(endpoint_id: int):
    endpoint = _endpoint_or_404(endpoint_id)
    form = RemoveEndpointForm()
    if not form.validate_on_submit():
        flash(_("Tick the box to confirm that the endpoint is to be removed."), "warning")
        return redirect(url_for("webhooks.endpoint_detail", endpoint_id=endpoint_id))
    service.remove_endpoint(db.session(), current_user, endpoint)
    flash(_("The endpoint is removed: nothing more is sent there."), "success")
    return redirect(url_for("webhooks.endpoint_list"))
