"""Parks as the secretariat manages them: creation, profile, status and its history."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from urllib.parse import urlparse

import pycountry
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from association.audit.log import record
from association.database import utcnow
from association.domain import Conflict, Invalid, NotAllowed, state_change
from association.languages import for_country, offered
from association.parks.models import Park, ParkStatus, ParkStatusChange, User
from association.parks.policy import can_manage_parks
from association.parks.presenters import park_status_word
from association.site import site_url
from association.webhooks.service import announce, iso

# The statuses an admitted park has; each of them has a membership number.
ADMITTED = (ParkStatus.MEMBER, ParkStatus.OBSERVER)


def country_name(code: str) -> str:
    """The country's name in the reader's language (CLDR's, through Babel), else ISO 3166's."""
    locale = get_locale()
    if locale is not None and code in locale.territories:
        return locale.territories[code]
    country = pycountry.countries.get(alpha_2=code)
    return country.name if country else code


def country_choices() -> list[tuple[str, str]]:
    """Every ISO 3166 country by its name in the reader's language, in that order."""
    return [("", "—")] + sorted(
        ((c.alpha_2, country_name(c.alpha_2)) for c in pycountry.countries),
        key=lambda pair: pair[1].casefold(),
    )


def member_countries(session: Session) -> list[str]:
    """The admitted parks' countries, those with most parks first (the time-zone menu's order)."""
    parks = func.count(Park.id)
    rows = session.execute(
        select(Park.country)
        .where(Park.status.in_(ADMITTED))
        .group_by(Park.country)
        .order_by(parks.desc(), Park.country)
    )
    return [country for (country,) in rows]


def check_country(code: str) -> str:
    code = (code or "").strip().upper()
    if pycountry.countries.get(alpha_2=code) is None:
        raise Invalid(_("%(code)s is not an ISO 3166 country code.", code=code or "—"))
    return code


def check_language(code: str) -> str:
    if offered(code) is None:
        raise Invalid(_("This language is not offered."), field="language")
    return code


def check_website(url: str) -> str:
    url = (url or "").strip()
    if not url:
        return ""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise Invalid(_("A website address starts with http:// or https://."))
    return url


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:70] or "park"


def _unique_slug(session: Session, name: str) -> str:
    base = slugify(name)
    slug, n = base, 2
    while session.scalar(select(Park.id).where(Park.slug == slug)) is not None:
        slug, n = f"{base}-{n}", n + 1
    return slug


def next_membership_number(session: Session, country: str) -> str:
    """`AMT-<country>-<nnnn>`, numbered in order of admission across the association.

    Parks are never deleted and numbers never change, so a number is never reused; the
    caller runs inside a state change, so two admissions cannot take the same number.
    """
    count = (
        session.scalar(
            select(func.count()).select_from(Park).where(Park.membership_number.is_not(None))
        )
        or 0
    )
    return f"AMT-{country}-{count + 1:04d}"


def _require(actor: User | None) -> None:
    # actor None: the command line, run by the machine's operator.
    if actor is not None and not can_manage_parks(actor):
        raise NotAllowed(_("Only the secretariat manages parks."))


def _admit(session: Session, park: Park, since: date | None) -> None:
    if park.membership_number is None:
        park.membership_number = next_membership_number(session, park.country)
    if park.member_since is None:
        park.member_since = since or utcnow().date()


def _is_admission(previous: ParkStatus | None, status: ParkStatus) -> bool:
    """Whether a park entering `status` from `previous` is admitted: a new park, a withdrawn
    one re-admitted, or an observer admitted as a member. Lifting a suspension is not."""
    if status not in ADMITTED:
        return False
    return previous in (None, ParkStatus.WITHDRAWN) or (
        previous == ParkStatus.OBSERVER and status == ParkStatus.MEMBER
    )


def _announce_admission(session: Session, park: Park) -> None:
    # Here, where every admission passes (an approved application, an admission vote, a park
    # the secretariat adds or re-admits), so that none of them goes unannounced.
    announce(session, "member.admitted", public_park_data(park))


@state_change
def create_park(
    session: Session,
    actor: User | None,
    *,
    name_latin: str,
    name_native: str = "",
    country: str,
    city: str = "",
    website: str = "",
    status: ParkStatus = ParkStatus.MEMBER,
    member_since: date | None = None,
    reason: str = "",
    language: str | None = None,
) -> Park:
    """A new park; a member or observer gets its membership number and member-since date.
    Its default language is `language`, else its country's."""
    _require(actor)
    if not name_latin.strip():
        raise Invalid(_("Please give the park's name in Latin script."))
    status = ParkStatus(status)
    park = Park(
        slug=_unique_slug(session, name_latin),
        name_latin=name_latin.strip(),
        name_native=name_native.strip(),
        country=check_country(country),
        city=city.strip(),
        website=check_website(website),
        status=status,
        language=check_language(language) if language else for_country(country),
    )
    if status in ADMITTED:
        _admit(session, park, member_since)
    session.add(park)
    session.add(
        ParkStatusChange(
            park=park,
            from_status=None,
            to_status=status,
            reason=reason or "created",
            changed_by=actor,
        )
    )
    session.flush()
    record(
        session,
        "park.created",
        actor=actor,
        subject=park,
        details={
            "slug": park.slug,
            "status": status.value,
            "membership_number": park.membership_number,
        },
    )
    if _is_admission(None, status):
        _announce_admission(session, park)
    return park


EDITABLE_FIELDS = ("name_latin", "name_native", "country", "city", "website", "language")


@state_change
def update_park(session: Session, actor: User | None, park: Park, **changes: str) -> Park:
    """Change a park's names, address and default language; the slug (a stable address) stays."""
    _require(actor)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise Invalid(
            _("These fields cannot be changed here: %(fields)s", fields=", ".join(sorted(unknown)))
        )
    if "country" in changes:
        changes["country"] = check_country(changes["country"])
    if "website" in changes:
        changes["website"] = check_website(changes["website"])
    if "language" in changes:
        changes["language"] = check_language(changes["language"])
    if "name_latin" in changes and not changes["name_latin"].strip():
        raise Invalid(_("Please give the park's name in Latin script."))
    before, after = {}, {}
    for field, value in changes.items():
        value = value.strip()
        if getattr(park, field) != value:
            before[field], after[field] = getattr(park, field), value
            setattr(park, field, value)
    if after:
        record(
            session,
            "park.updated",
            actor=actor,
            subject=park,
            details={"before": before, "after": after},
        )
    _reissue_certificate_if_needed(session, actor, park)
    return park


@state_change
def change_park_status(
    session: Session, actor: User | None, park: Park, status: ParkStatus, reason: str
) -> Park:
    """Move a park to another status, with a reason; the change is kept in the park's history.

    A park admitted for the first time (to member or observer) gets its membership number.
    Withdrawn parks' users can no longer sign in.
    """
    _require(actor)
    status = ParkStatus(status)
    if not reason.strip():
        raise Invalid(_("Please give the reason for the change."))
    if park.status == status:
        raise Conflict(
            _(
                "%(park)s is already %(status)s.",
                park=park.name_latin,
                status=park_status_word(status),
            )
        )
    if status in ADMITTED:
        _admit(session, park, None)
    session.add(
        ParkStatusChange(
            park=park,
            from_status=park.status,
            to_status=status,
            reason=reason.strip(),
            changed_by=actor,
        )
    )
    record(
        session,
        "park.status_changed",
        actor=actor,
        subject=park,
        details={"from": str(park.status), "to": status.value, "reason": reason.strip()},
    )
    previous, park.status = park.status, status
    announce(
        session,
        "park.status_changed",
        {
            **public_park_data(park),
            "from": str(previous),
            "to": status.value,
            "changed_at": iso(utcnow()),
        },
    )
    if _is_admission(ParkStatus(previous), status):
        _announce_admission(session, park)
    _reissue_certificate_if_needed(session, actor, park)
    return park


def public_park_data(park: Park) -> dict:
    """A park as the public directory shows it, for the parks' platforms (webhooks)."""
    return {
        "id": park.id,
        "slug": park.slug,
        "name_latin": park.name_latin,
        "name_native": park.name_native,
        "country": park.country,
        "city": park.city,
        "website": park.website,
        "status": str(park.status),
        "membership_number": park.membership_number,
        "member_since": park.member_since.isoformat() if park.member_since else None,
        "url": site_url(f"/members/{park.slug}"),
    }


def _reissue_certificate_if_needed(session: Session, actor: User | None, park: Park) -> None:
    # A certificate that now states a wrong name or category is replaced (imported here:
    # membership builds on parks).
    from association.membership.documents import reissue_certificate_if_needed

    reissue_certificate_if_needed(session, park, actor=actor)
