"""The secretariat's pages of the programme: calls, host offers, every application, and the
programme coordinator's duty on a park user's page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from association.residency.models import CallStatus, HostOffer, ResidencyCall
from tests.factories import login, make_call, make_residency_application, offer_of


@pytest.fixture
def as_staff(client, secretariat):
    login(client, secretariat)
    return client


def _call_form(**changes):
    today = date.today()
    data = {
        "title": "Digital Nomad 2027, spring",
        "applications_open": today.isoformat(),
        "applications_close": (today + timedelta(days=30)).isoformat(),
        "earliest_start": (today + timedelta(days=40)).isoformat(),
        "latest_start": (today + timedelta(days=100)).isoformat(),
        "min_months": "1",
        "max_months": "6",
        "rules": "Apply **early**.",
    }
    data.update(changes)
    return data


def test_the_secretariat_makes_opens_and_closes_a_call(as_staff, session, hosts):
    assert as_staff.get("/secretariat/residency/calls/new").status_code == 200
    response = as_staff.post("/secretariat/residency/calls/new", data=_call_form())
    assert response.status_code == 302
    call = session.scalar(select(ResidencyCall))
    assert call.status == CallStatus.DRAFT
    response = as_staff.post(
        f"/secretariat/residency/calls/{call.id}/offers/new",
        data={
            "park": str(hosts[0].id),
            "places": "3",
            "workspace": "y",
            "visa_support_letter": "y",
            "description": "Desks in Tashkent.",
            "contact_name": "Dilnoza",
            "contact_email": "dilnoza@itpark.example",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert session.scalar(select(HostOffer)).places == 3
    assert as_staff.post(f"/secretariat/residency/calls/{call.id}/open").status_code == 302
    session.expire_all()
    assert call.status == CallStatus.OPEN
    assert "Digital Nomad 2027, spring" in as_staff.get("/residency").get_data(as_text=True)
    assert as_staff.post(f"/secretariat/residency/calls/{call.id}/close").status_code == 302
    session.expire_all()
    assert call.status == CallStatus.CLOSED


def test_the_call_form_says_what_is_wrong(as_staff, session):
    today = date.today()
    response = as_staff.post(
        "/secretariat/residency/calls/new",
        data=_call_form(
            title="",
            applications_close=(today - timedelta(days=1)).isoformat(),
            max_months="0",
        ),
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Applications cannot close before they open." in html
    assert session.scalar(select(ResidencyCall)) is None


def test_the_secretariat_edits_a_call_and_an_offer(as_staff, session, call, hosts):
    page = as_staff.get(f"/secretariat/residency/calls/{call.id}/edit")
    assert call.title in page.get_data(as_text=True)
    response = as_staff.post(
        f"/secretariat/residency/calls/{call.id}/edit",
        data=_call_form(
            title="Renamed call",
            applications_open=call.applications_open.isoformat(),
            applications_close=call.applications_close.isoformat(),
            earliest_start=call.earliest_start.isoformat(),
            latest_start=call.latest_start.isoformat(),
        ),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    session.expire_all()
    assert call.title == "Renamed call"
    offer = offer_of(call, hosts[1])
    assert as_staff.get(f"/secretariat/residency/offers/{offer.id}").status_code == 200


def test_opening_twice_is_said_plainly(as_staff, call):
    response = as_staff.post(f"/secretariat/residency/calls/{call.id}/open", follow_redirects=True)
    assert response.status_code == 200
    assert "alert-danger" in response.get_data(as_text=True)


def test_the_call_page_lists_every_submitted_application(as_staff, session, founder, call, hosts):
    application = make_residency_application(session, founder, call, hosts[:1])
    html = as_staff.get(f"/secretariat/residency/calls/{call.id}").get_data(as_text=True)
    assert application.startup.name in html
    page = as_staff.get(f"/residency/applications/{application.id}")
    assert page.status_code == 200
    assert "Aruzhan Test" in page.get_data(as_text=True)


def test_the_list_of_calls(as_staff, call):
    html = as_staff.get("/secretariat/residency").get_data(as_text=True)
    assert call.title in html


@pytest.mark.parametrize(
    "path",
    ["/secretariat/residency", "/secretariat/residency/calls/new"],
)
def test_members_and_startups_are_refused(client, member, founder, path):
    login(client, member)
    assert client.get(path).status_code == 403
    client.post("/logout")
    login(client, founder)
    assert client.get(path).status_code == 403


def test_unknown_calls_and_offers_are_not_found(as_staff):
    assert as_staff.get("/secretariat/residency/calls/999999").status_code == 404
    assert as_staff.get("/secretariat/residency/offers/999999").status_code == 404


def test_the_secretariat_gives_the_programme_coordinators_duty(as_staff, session, member):
    page = as_staff.get(f"/secretariat/users/{member.id}").get_data(as_text=True)
    assert "Programme coordinator" in page
    as_staff.post(f"/secretariat/users/{member.id}/duties", data={"programme_coordinator": "y"})
    session.expire_all()
    assert member.is_programme_coordinator
    assert "programme coordinator" in as_staff.get("/secretariat/users").get_data(as_text=True)


def test_a_second_call_in_draft_is_not_public(client, session, secretariat, hosts):
    make_call(session, secretariat, hosts, title="Not yet", open=False)
    assert "Not yet" not in client.get("/residency").get_data(as_text=True)
