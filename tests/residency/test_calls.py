"""Calls and host offers: only the secretariat runs calls; a host states its own offer."""

from __future__ import annotations

from datetime import timedelta

import pytest

from association.database import utcnow
from association.domain import Conflict, Invalid, NotAllowed
from association.residency.calls import (
    close_call,
    create_call,
    open_call,
    remove_host_offer,
    set_host_offer,
    update_call,
)
from association.residency.models import CallStatus, HostOffer, HostOfferTranslation, ResidencyCall
from tests.factories import make_call, offer_of

TODAY = utcnow().date()


def call_fields(**overrides):
    fields = dict(
        title="Digital Nomad 2027, spring",
        applications_open=TODAY,
        applications_close=TODAY + timedelta(days=30),
        earliest_start=TODAY + timedelta(days=40),
        latest_start=TODAY + timedelta(days=100),
        min_months=1,
        max_months=6,
        rules="",
    )
    fields.update(overrides)
    return fields


def offer_fields(**overrides):
    fields = dict(
        places=3,
        workspace=True,
        visa_support_letter=True,
        mentoring=True,
        accommodation_help=False,
        tax_regime="Residents pay no profit tax.",
        sectors="Fintech\n\nAI",
        description="A desk.",
        conditions="Report monthly.",
        contact_name="Host",
        contact_email="host@example.org",
        contact_phone="",
    )
    fields.update(overrides)
    return fields


@pytest.mark.parametrize(
    "overrides",
    [
        {"title": " "},
        {"applications_close": TODAY - timedelta(days=1)},
        {"latest_start": TODAY + timedelta(days=39)},
        {"latest_start": TODAY + timedelta(days=20)},
        {"min_months": 0},
        {"min_months": 4, "max_months": 3},
        {"max_months": 25},
    ],
)
def test_a_call_with_inconsistent_dates_is_refused(session, secretariat, snapshot, overrides):
    before = snapshot(ResidencyCall)
    with pytest.raises(Invalid):
        create_call(session, secretariat, **call_fields(**overrides))
    assert before.unchanged()


def test_only_the_secretariat_creates_opens_and_closes_calls(
    session, secretariat, hosts, host_coordinators, snapshot
):
    coordinator = host_coordinators[0]
    before = snapshot(ResidencyCall)
    with pytest.raises(NotAllowed):
        create_call(session, coordinator, **call_fields())
    assert before.unchanged()
    call = make_call(session, secretariat, hosts[:1], open=False)
    before = snapshot(ResidencyCall)
    with pytest.raises(NotAllowed):
        open_call(session, coordinator, call)
    assert before.unchanged()
    open_call(session, secretariat, call)
    with pytest.raises(NotAllowed):
        close_call(session, coordinator, call)
    close_call(session, secretariat, call)
    assert call.status == CallStatus.CLOSED
    with pytest.raises(Conflict):
        update_call(session, secretariat, call, title="Another")


def test_a_call_without_a_host_offer_does_not_open(session, secretariat, snapshot):
    call = create_call(session, secretariat, **call_fields())
    before = snapshot(ResidencyCall)
    with pytest.raises(Invalid):
        open_call(session, secretariat, call)
    assert before.unchanged()


def test_a_call_whose_window_is_over_does_not_open(session, secretariat, hosts):
    call = make_call(
        session,
        secretariat,
        hosts[:1],
        open=False,
        applications_open=TODAY - timedelta(days=20),
        applications_close=TODAY - timedelta(days=1),
    )
    with pytest.raises(Invalid):
        open_call(session, secretariat, call)


def test_a_host_coordinator_sets_its_own_offer_with_translations(
    session, secretariat, hosts, host_coordinators
):
    call = create_call(session, secretariat, **call_fields())
    offer = set_host_offer(
        session,
        host_coordinators[0],
        call,
        hosts[0],
        **offer_fields(),
        translations={"ru": {"description": "Рабочее место.", "conditions": ""}},
    )
    assert offer.places == 3
    assert offer.sectors == "Fintech\nAI"
    assert [(t.language, t.description) for t in offer.translations] == [("ru", "Рабочее место.")]


def test_a_coordinator_of_another_park_cannot_set_an_offer(
    session, secretariat, hosts, host_coordinators, snapshot
):
    call = create_call(session, secretariat, **call_fields())
    before = snapshot(HostOffer, HostOfferTranslation)
    with pytest.raises(NotAllowed):
        set_host_offer(session, host_coordinators[1], call, hosts[0], **offer_fields())
    assert before.unchanged()


@pytest.mark.parametrize(
    ("overrides", "translations"),
    [
        ({"places": 0}, None),
        ({"contact_email": "nobody"}, None),
        ({}, {"en": {"description": "English is the offer's own text."}}),
        ({}, {"xx": {"description": "?"}}),
    ],
)
def test_offer_refusals_change_nothing(
    session, secretariat, hosts, snapshot, overrides, translations
):
    call = create_call(session, secretariat, **call_fields())
    before = snapshot(HostOffer, HostOfferTranslation)
    with pytest.raises(Invalid):
        set_host_offer(
            session,
            secretariat,
            call,
            hosts[0],
            **offer_fields(**overrides),
            translations=translations,
        )
    assert before.unchanged()


def test_a_suspended_park_cannot_host(session, secretariat, make_park, snapshot):
    from association.parks.models import ParkStatus

    call = create_call(session, secretariat, **call_fields())
    suspended = make_park(status=ParkStatus.SUSPENDED)
    before = snapshot(HostOffer)
    with pytest.raises(Invalid):
        set_host_offer(session, secretariat, call, suspended, **offer_fields())
    assert before.unchanged()


def test_places_cannot_go_below_the_places_held(
    session, secretariat, home, hosts, host_coordinators, home_coordinator, snapshot
):
    from association.residency.decisions import Decision, decide
    from tests.factories import make_residency_application, make_startup

    call = make_call(session, secretariat, hosts[:1], places=2)
    for _ in range(2):
        _startup, founder = make_startup(session, home)
        application = make_residency_application(
            session, founder, call, hosts[:1], endorse_by=home_coordinator
        )
        decide(session, host_coordinators[0], application.choices[0], Decision.ACCEPT)
    before = snapshot(HostOffer)
    with pytest.raises(Conflict):
        set_host_offer(session, secretariat, call, hosts[0], **offer_fields(places=1))
    assert before.unchanged()
    set_host_offer(session, secretariat, call, hosts[0], **offer_fields(places=2))


def test_an_offer_is_removed_only_while_nobody_applied_to_it(
    session, secretariat, home, hosts, host_coordinators, snapshot
):
    from tests.factories import make_residency_application, make_startup

    call = make_call(session, secretariat, hosts[:2])
    remove_host_offer(session, secretariat, offer_of(call, hosts[1]))
    assert [offer.park_id for offer in call.offers] == [hosts[0].id]
    _startup, founder = make_startup(session, home)
    make_residency_application(session, founder, call, hosts[:1], submit=False)
    before = snapshot(HostOffer)
    with pytest.raises(Conflict):
        remove_host_offer(session, secretariat, offer_of(call, hosts[0]))
    assert before.unchanged()
