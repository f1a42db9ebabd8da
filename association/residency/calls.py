"""Calls of the programme and their host offers. The secretariat creates, opens and closes a
call; each host park (its programme coordinator, or the secretariat) states its offer and its
places. Places never go below the places already held by offers made in the call."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from association.audit.log import record
from association.content_languages import TranslatedField, check_translations, set_translations
from association.database import utcnow
from association.domain import Conflict, Invalid, NotFound, state_change
from association.history import stating_time
from association.parks.models import Park, User
from association.residency import policy
from association.residency.models import (
    HOLDS_A_PLACE,
    CallStatus,
    HostChoice,
    HostOffer,
    HostOfferTranslation,
    ResidencyCall,
)
from association.residency.words import status_label

# A residency lasts at most this many months, whatever a call says.
LONGEST_MONTHS = 24
OFFER_TRANSLATED_FIELDS = (
    TranslatedField("description", _l("Description"), single_line=False),
    TranslatedField("conditions", _l("Conditions"), single_line=False),
)
Translations = Mapping[str, Mapping[str, str | None]]
_CALL_FIELDS = (
    "title",
    "applications_open",
    "applications_close",
    "earliest_start",
    "latest_start",
    "min_months",
    "max_months",
    "rules",
)


def _check_call(call: ResidencyCall) -> None:
    """A call's own consistency: a title, a window, a start period and a length that fit."""
    if not (call.title or "").strip():
        raise Invalid(_("Please give the call's title."), field="title")
    if call.applications_close < call.applications_open:
        raise Invalid(_("Applications cannot close before they open."), field="applications_close")
    if call.latest_start < call.earliest_start:
        raise Invalid(
            _("The latest start cannot be before the earliest start."), field="latest_start"
        )
    if call.latest_start < call.applications_close:
        raise Invalid(
            _(
                "A residency must be able to start after applications close: the latest start is before that."
            ),
            field="latest_start",
        )
    if not 1 <= call.min_months <= call.max_months <= LONGEST_MONTHS:
        raise Invalid(
            _(
                "A residency lasts between 1 and %(most)d months, and its shortest length "
                "cannot be longer than its longest.",
                most=LONGEST_MONTHS,
            ),
            field="min_months",
        )


def _call_details(call: ResidencyCall) -> dict:
    return {
        name: value.isoformat() if isinstance(value, date) else value
        for name in _CALL_FIELDS
        if name != "rules"
        for value in [getattr(call, name)]
    }


@state_change
def create_call(
    session: Session,
    staff: User | None,
    *,
    title: str,
    applications_open: date,
    applications_close: date,
    earliest_start: date,
    latest_start: date,
    min_months: int,
    max_months: int,
    rules: str = "",
    now: datetime | None = None,
) -> ResidencyCall:
    """A draft call (not public until opened), its dates consistent. `now` is when it was
    created, when that was before it is recorded (association.history)."""
    policy.require_staff(staff)
    call = ResidencyCall(
        title=(title or "").strip(),
        status=CallStatus.DRAFT,
        applications_open=applications_open,
        applications_close=applications_close,
        earliest_start=earliest_start,
        latest_start=latest_start,
        min_months=min_months,
        max_months=max_months,
        rules=(rules or "").strip(),
        created_at=now or utcnow(),
    )
    _check_call(call)
    session.add(call)
    session.flush()
    record(
        session,
        "residency.call_created",
        actor=staff,
        subject=call,
        details=stating_time(_call_details(call), now),
    )
    return call


@state_change
def update_call(
    session: Session,
    staff: User | None,
    call: ResidencyCall,
    *,
    title: str | None = None,
    applications_open: date | None = None,
    applications_close: date | None = None,
    earliest_start: date | None = None,
    latest_start: date | None = None,
    min_months: int | None = None,
    max_months: int | None = None,
    rules: str | None = None,
) -> ResidencyCall:
    """Change a draft or open call's fields (a field not given stays as it is); a closed call
    is kept as it was."""
    policy.require_staff(staff)
    if call.status == CallStatus.CLOSED:
        raise Conflict(_("A closed call cannot be changed."))
    given = {
        "title": title.strip() if title is not None else None,
        "applications_open": applications_open,
        "applications_close": applications_close,
        "earliest_start": earliest_start,
        "latest_start": latest_start,
        "min_months": min_months,
        "max_months": max_months,
        "rules": rules.strip() if rules is not None else None,
    }
    before = _call_details(call)
    changed = []
    for name, value in given.items():
        if value is not None and getattr(call, name) != value:
            setattr(call, name, value)
            changed.append(name)
    _check_call(call)
    if changed:
        record(
            session,
            "residency.call_changed",
            actor=staff,
            subject=call,
            details={"changed": changed, "before": before, "after": _call_details(call)},
        )
    return call


def places_held(session: Session, offer: HostOffer) -> int:
    """How many of the offer's places are held now (an offer standing, or taken). Counted
    inside the state change, so that no other change moves it until this one commits."""
    return (
        session.scalar(
            select(func.count())
            .select_from(HostChoice)
            .where(HostChoice.offer_id == offer.id, HostChoice.status.in_(HOLDS_A_PLACE))
        )
        or 0
    )


@state_change
def set_host_offer(
    session: Session,
    actor: User | None,
    call: ResidencyCall,
    park: Park,
    *,
    places: int,
    workspace: bool,
    visa_support_letter: bool,
    mentoring: bool,
    accommodation_help: bool,
    tax_regime: str,
    sectors: str,
    description: str,
    conditions: str,
    contact_name: str,
    contact_email: str,
    contact_phone: str,
    translations: dict[str, dict[str, str]] | None = None,
    now: datetime | None = None,
) -> HostOffer:
    """Make or change `park`'s offer in the call (by its programme coordinator or the
    secretariat). Places never fall below those already held; a closed call's offers stay.
    `now` is when, when that was before it is recorded (association.history)."""
    policy.require_coordinator(actor, park)
    if call.status == CallStatus.CLOSED:
        raise Conflict(_("The call is closed: its host offers can no longer change."))
    if park.status not in policy.TAKING_PART:
        raise Invalid(
            _(
                "%(park)s does not take part in the programme now: it cannot host.",
                park=park.name_latin,
            )
        )
    if places < 1:
        raise Invalid(_("A host offers at least one place."), field="places")
    contact_email = (contact_email or "").strip().lower()
    if contact_email and "@" not in contact_email:
        raise Invalid(_("Please give a valid e-mail address."), field="contact_email")
    checked = check_translations(translations or {}, OFFER_TRANSLATED_FIELDS)
    offer = session.scalar(
        select(HostOffer).where(HostOffer.call_id == call.id, HostOffer.park_id == park.id)
    )
    created = offer is None
    if offer is None:
        offer = HostOffer(call=call, park=park, places=places)
        session.add(offer)
    else:
        held = places_held(session, offer)
        if places < held:
            raise Conflict(
                _(
                    "%(held)d places are already held by offers to startups: the offer cannot "
                    "have fewer.",
                    held=held,
                ),
                field="places",
            )
    values = {
        "places": places,
        "workspace": bool(workspace),
        "visa_support_letter": bool(visa_support_letter),
        "mentoring": bool(mentoring),
        "accommodation_help": bool(accommodation_help),
        "tax_regime": (tax_regime or "").strip(),
        "sectors": "\n".join(
            line.strip()
            for line in (sectors or "").replace("\r\n", "\n").split("\n")
            if line.strip()
        ),
        "description": (description or "").strip(),
        "conditions": (conditions or "").strip(),
        "contact_name": (contact_name or "").strip(),
        "contact_email": contact_email,
        "contact_phone": (contact_phone or "").strip(),
    }
    changed = [name for name, value in values.items() if created or getattr(offer, name) != value]
    for name, value in values.items():
        setattr(offer, name, value)
    translated = set_translations(offer.translations, checked, HostOfferTranslation)
    if changed or translated:
        offer.updated_at = now or utcnow()
        session.flush()
        details: dict = {"park": park.slug, "places": places, "changed": changed}
        if translated:
            details["translations"] = translated
        record(
            session,
            "residency.offer_created" if created else "residency.offer_changed",
            actor=actor,
            subject=call,
            details=stating_time(details, now),
        )
    return offer


@state_change
def remove_host_offer(session: Session, staff: User | None, offer: HostOffer) -> None:
    """Take a host out of a call (the secretariat, or the host's coordinator), only while no
    startup has applied to it."""
    if offer is None:
        raise NotFound(_("There is no such offer."))
    call, park = offer.call, offer.park
    policy.require_coordinator(staff, park)
    if call.status == CallStatus.CLOSED:
        raise Conflict(_("The call is closed: its host offers can no longer change."))
    applied = session.scalar(
        select(func.count()).select_from(HostChoice).where(HostChoice.offer_id == offer.id)
    )
    if applied:
        raise Conflict(
            _(
                "Startups have applied to %(park)s in this call: its offer cannot be removed.",
                park=park.name_latin,
            )
        )
    for translation in list(offer.translations):
        session.delete(translation)
    session.delete(offer)
    record(
        session, "residency.offer_removed", actor=staff, subject=call, details={"park": park.slug}
    )


@state_change
def open_call(
    session: Session, staff: User | None, call: ResidencyCall, now: datetime | None = None
) -> ResidencyCall:
    """Publish a draft call: it needs at least one host offer and a window not yet over (on
    `now`, when it was opened before it is recorded: association.history)."""
    policy.require_staff(staff)
    if call.status != CallStatus.DRAFT:
        raise Conflict(
            _(
                "Only a draft call can be opened; this one is %(status)s.",
                status=status_label("call", call.status),
            )
        )
    _check_call(call)
    if call.applications_close < (now or utcnow()).date():
        raise Invalid(
            _("The call's application window is already over."), field="applications_close"
        )
    if not call.offers:
        raise Invalid(_("A call needs at least one host park's offer before it opens."))
    call.status = CallStatus.OPEN
    call.opened_at = now or utcnow()
    record(
        session,
        "residency.call_opened",
        actor=staff,
        subject=call,
        details=stating_time({"hosts": [offer.park.slug for offer in call.offers]}, now),
    )
    return call


@state_change
def close_call(
    session: Session, staff: User | None, call: ResidencyCall, now: datetime | None = None
) -> ResidencyCall:
    """No new applications; what was submitted goes on to its decisions and residencies.
    `now` is when, when that was before it is recorded (association.history)."""
    policy.require_staff(staff)
    if call.status != CallStatus.OPEN:
        raise Conflict(
            _(
                "Only an open call can be closed; this one is %(status)s.",
                status=status_label("call", call.status),
            )
        )
    call.status = CallStatus.CLOSED
    call.closed_at = now or utcnow()
    record(
        session,
        "residency.call_closed",
        actor=staff,
        subject=call,
        details=stating_time({}, now),
    )
    return call
