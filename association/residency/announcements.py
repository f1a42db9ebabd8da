"""What the parks' platforms are told of the programme (webhooks): an application endorsed,
a host's decision, a residency begun. Only the parks concerned (the home park and the hosts
in question) and the secretariat receive them, and never the founders' personal data: what
every receiving park reads on its pages."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from association.residency.models import HostChoice, Residency, ResidencyApplication
from association.site import site_url
from association.webhooks.service import announce, iso, only_parks


def application_data(application: ResidencyApplication) -> dict[str, Any]:
    startup = application.startup
    return {
        "id": application.id,
        "call": {"id": application.call_id, "title": application.call.title},
        "startup": {"id": startup.id, "name": startup.name, "home_park": startup.home_park.slug},
        "status": str(application.status),
        "starts_on": application.starts_on.isoformat() if application.starts_on else None,
        "ends_on": application.ends_on.isoformat() if application.ends_on else None,
        "url": site_url(f"/residency/applications/{application.id}"),
    }


def announce_endorsed(session: Session, application: ResidencyApplication) -> None:
    data = application_data(application)
    data["endorsed_at"] = iso(application.endorsed_at)
    data["hosts"] = [
        {"park": choice.offer.park.slug, "preference": choice.preference}
        for choice in application.choices
    ]
    parks = [application.startup.home_park_id, *(c.offer.park_id for c in application.choices)]
    announce(session, "residency.application_endorsed", data, audience=only_parks(parks))


def announce_decided(session: Session, choice: HostChoice) -> None:
    """A host's decision, told to the home park and that host (not the other hosts)."""
    application = choice.application
    data = application_data(application)
    data["decision"] = {
        "host": choice.offer.park.slug,
        "status": str(choice.status),
        "decided_at": iso(choice.decided_at),
        "offer_expires_on": choice.offer_expires_on.isoformat()
        if choice.offer_expires_on
        else None,
    }
    parks = [application.startup.home_park_id, choice.offer.park_id]
    announce(session, "residency.decided", data, audience=only_parks(parks))


def announce_started(session: Session, residency: Residency) -> None:
    data = {
        "id": residency.id,
        "number": residency.number,
        "startup": {"id": residency.startup_id, "name": residency.startup.name},
        "home_park": residency.home_park.slug,
        "host_park": residency.host_park.slug,
        "starts_on": residency.starts_on.isoformat(),
        "ends_on": residency.ends_on.isoformat(),
        "checked_in_at": iso(residency.checked_in_at),
        "url": site_url(f"/residency/residencies/{residency.id}"),
    }
    announce(
        session,
        "residency.started",
        data,
        audience=only_parks([residency.home_park_id, residency.host_park_id]),
    )
