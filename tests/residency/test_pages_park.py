"""The programme coordinator's page and actions, and one application as its readers see it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from association.residency.decisions import Decision, decide
from association.residency.models import (
    ApplicationStatus,
    ChoiceStatus,
    Residency,
    ResidencyQuestion,
    ResidencyStatus,
    StartupStatus,
)
from tests.factories import login, make_residency_application, make_startup, offer_of


@pytest.fixture
def as_home(client, home_coordinator):
    login(client, home_coordinator)
    return client


@pytest.fixture
def endorsed(session, founder, call, hosts, home_coordinator):
    return make_residency_application(
        session, founder, call, hosts[:2], endorse_by=home_coordinator
    )


def _as(client, user):
    client.post("/logout")
    login(client, user)
    return client


def test_the_park_page_is_for_programme_coordinators(client, member, founder, secretariat):
    login(client, member)
    assert client.get("/residency/park").status_code == 403
    _as(client, founder)
    assert client.get("/residency/park").status_code == 403


def test_the_home_park_confirms_a_startup(as_home, session, home):
    startup, _founder = make_startup(session, home, confirmed=False, name="Steppe AI")
    html = as_home.get("/residency/park").get_data(as_text=True)
    assert "Steppe AI" in html
    assert as_home.post(f"/residency/park/startups/{startup.id}/confirm").status_code == 302
    session.expire_all()
    assert startup.status == StartupStatus.CONFIRMED


def test_declining_a_startup_needs_a_reason(as_home, session, home):
    startup, _founder = make_startup(session, home, confirmed=False)
    response = as_home.post(f"/residency/park/startups/{startup.id}/decline", data={})
    assert response.status_code == 400
    assert "This field is required." in response.get_data(as_text=True)
    response = as_home.post(
        f"/residency/park/startups/{startup.id}/decline",
        data={f"startup-{startup.id}-reason": "Not in our register."},
    )
    assert response.status_code == 302
    session.expire_all()
    assert startup.status == StartupStatus.DECLINED


def test_another_parks_startup_is_not_found(as_home, session, hosts):
    startup, _founder = make_startup(session, hosts[0], confirmed=False)
    assert as_home.post(f"/residency/park/startups/{startup.id}/confirm").status_code == 404


def test_the_dashboard_tells_the_coordinator(as_home, session, home, founder, call, hosts):
    make_startup(session, home, confirmed=False)
    make_residency_application(session, founder, call, hosts[:1])
    html = as_home.get("/dashboard").get_data(as_text=True)
    assert "1 startup asks to be confirmed as your resident" in html
    assert "1 residency application to endorse" in html


def test_the_home_park_endorses_an_application(as_home, session, founder, call, hosts):
    application = make_residency_application(session, founder, call, hosts[:1])
    assert hosts[0].name_latin in as_home.get("/residency/park").get_data(as_text=True)
    response = as_home.post(f"/residency/park/applications/{application.id}/endorse")
    assert response.status_code == 302
    session.expire_all()
    assert application.status == ApplicationStatus.ENDORSED


def test_declining_an_endorsement_with_a_reason(as_home, session, founder, call, hosts):
    application = make_residency_application(session, founder, call, hosts[:1])
    response = as_home.post(
        f"/residency/park/applications/{application.id}/decline",
        data={f"application-{application.id}-reason": "Not in good standing."},
    )
    assert response.status_code == 302
    session.expire_all()
    assert application.status == ApplicationStatus.NOT_ENDORSED


def test_a_host_sees_the_incoming_application_with_its_founders(
    client, session, endorsed, host_coordinators
):
    login(client, host_coordinators[0])
    html = client.get("/residency/park").get_data(as_text=True)
    assert endorsed.startup.name in html
    assert "Aruzhan Test" in html
    assert "1 incoming residency application to decide" in client.get("/dashboard").get_data(
        as_text=True
    )


def test_a_host_asks_and_decides(client, session, endorsed, host_coordinators):
    login(client, host_coordinators[0])
    choice = endorsed.choices[0]
    response = client.post(
        f"/residency/park/choices/{choice.id}/question",
        data={f"question-{choice.id}-question": "When would you arrive?"},
    )
    assert response.status_code == 302
    assert session.scalar(select(ResidencyQuestion)).question == "When would you arrive?"
    response = client.post(
        f"/residency/park/choices/{choice.id}/decide",
        data={f"decision-{choice.id}-decision": "accept"},
    )
    assert response.status_code == 302
    session.expire_all()
    assert choice.status == ChoiceStatus.OFFERED


def test_rejecting_needs_a_reason(client, session, endorsed, host_coordinators):
    login(client, host_coordinators[0])
    choice = endorsed.choices[0]
    response = client.post(
        f"/residency/park/choices/{choice.id}/decide",
        data={f"decision-{choice.id}-decision": "reject"},
    )
    assert response.status_code == 400
    assert "Say why the application is rejected" in response.get_data(as_text=True)
    session.expire_all()
    assert choice.status == ChoiceStatus.UNDER_REVIEW


def test_accepting_beyond_the_last_place_reads_as_a_409(
    client, session, home, call, hosts, home_coordinator, host_coordinators
):
    from association.residency.calls import set_host_offer

    offer = offer_of(call, hosts[0])
    set_host_offer(
        session,
        host_coordinators[0],
        call,
        hosts[0],
        places=1,
        workspace=True,
        visa_support_letter=True,
        mentoring=False,
        accommodation_help=False,
        tax_regime="",
        sectors="",
        description="A desk.",
        conditions="",
        contact_name="Host Contact",
        contact_email="host@example.org",
        contact_phone="",
    )
    applications = []
    for _n in range(2):
        _startup, founder = make_startup(session, home)
        applications.append(
            make_residency_application(
                session, founder, call, hosts[:1], endorse_by=home_coordinator
            )
        )
    decide(session, host_coordinators[0], applications[0].choices[0], Decision.ACCEPT)
    login(client, host_coordinators[0])
    choice = applications[1].choices[0]
    response = client.post(
        f"/residency/park/choices/{choice.id}/decide",
        data={f"decision-{choice.id}-decision": "accept"},
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert 'class="alert alert-danger"' in html
    assert offer.places == 1


def test_the_waitlist_and_the_freed_place(
    client, session, founder, endorsed, hosts, host_coordinators
):
    choice = endorsed.choices[0]
    decide(session, host_coordinators[0], choice, Decision.WAITLIST)
    login(client, host_coordinators[0])
    html = client.get("/residency/park").get_data(as_text=True)
    assert "Offer the freed place" in html
    response = client.post(f"/residency/park/choices/{choice.id}/offer-freed-place")
    assert response.status_code == 302
    session.expire_all()
    assert choice.status == ChoiceStatus.OFFERED


def test_another_host_cannot_decide_on_a_choice_of_its_neighbour(
    client, session, endorsed, host_coordinators
):
    login(client, host_coordinators[2])
    choice = endorsed.choices[0]
    response = client.post(
        f"/residency/park/choices/{choice.id}/decide",
        data={f"decision-{choice.id}-decision": "accept"},
    )
    assert response.status_code == 404


def test_a_host_edits_its_offer(client, session, call, hosts, host_coordinators):
    login(client, host_coordinators[0])
    offer = offer_of(call, hosts[0])
    page = client.get(f"/residency/park/offers/{offer.id}")
    assert page.status_code == 200
    assert "A desk and the residency" in page.get_data(as_text=True)
    response = client.post(
        f"/residency/park/offers/{offer.id}",
        data={
            "places": "5",
            "workspace": "y",
            "mentoring": "y",
            "tax_regime": "Zero tax.",
            "sectors": "Fintech\nAgritech",
            "description": "Desks in Tashkent.",
            "conditions": "",
            "contact_name": "Dilnoza",
            "contact_email": "dilnoza@itpark.example",
            "contact_phone": "",
            "in_uz-description": "Toshkentda ish joylari.",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    session.expire_all()
    assert offer.places == 5
    assert offer.mentoring is True
    assert [t.description for t in offer.translations] == ["Toshkentda ish joylari."]
    assert client.get(f"/residency/park/offers/{offer_of(call, hosts[1]).id}").status_code == 404


def test_a_host_offer_form_error(client, call, hosts, host_coordinators):
    login(client, host_coordinators[0])
    offer = offer_of(call, hosts[0])
    response = client.post(f"/residency/park/offers/{offer.id}", data={"places": "-1"})
    assert response.status_code == 400
    assert "Please correct the fields marked below." in response.get_data(as_text=True)


def test_a_host_checks_in_extends_and_checks_out(
    client, session, founder, endorsed, hosts, host_coordinators
):
    import time_machine

    from association.residency.decisions import accept_offer

    decide(session, host_coordinators[0], endorsed.choices[0], Decision.ACCEPT)
    residency = accept_offer(session, founder, endorsed.choices[0])
    login(client, host_coordinators[0])
    assert residency.number in client.get("/residency/park").get_data(as_text=True)
    assert client.post(f"/residency/park/residencies/{residency.id}/check-in").status_code == 302
    session.expire_all()
    assert residency.status == ResidencyStatus.ACTIVE
    response = client.post(
        f"/residency/park/residencies/{residency.id}/extend",
        data={f"extend-{residency.id}-ends_on": residency.ends_on.isoformat()},
    )
    assert response.status_code == 400  # not later than the current end
    assert "alert-danger" in response.get_data(as_text=True)
    response = client.post(
        f"/residency/park/residencies/{residency.id}/check-out",
        data={f"check_out-{residency.id}-on": ""},
    )
    assert response.status_code == 400
    with time_machine.travel(residency.ends_on, tick=False):
        session.expire_all()
        from association.residency.stays import check_out

        check_out(session, host_coordinators[0], residency, residency.ends_on)
    session.expire_all()
    assert session.get(Residency, residency.id).status == ResidencyStatus.COMPLETED


def test_the_application_page_for_its_readers(
    client, session, endorsed, member, secretariat, home_coordinator, host_coordinators
):
    path = f"/residency/applications/{endorsed.id}"
    for reader in (home_coordinator, host_coordinators[0]):
        _as(client, reader)
        page = client.get(path)
        assert page.status_code == 200
        assert "Aruzhan Test" in page.get_data(as_text=True)
        document = endorsed.documents[0]
        download = client.get(f"{path}/documents/{document.id}")
        assert download.status_code == 200
        assert download.mimetype == "application/pdf"
    for outsider in (member, host_coordinators[2]):
        _as(client, outsider)
        assert client.get(path).status_code == 403
        assert client.get(f"{path}/documents/{endorsed.documents[0].id}").status_code == 403
    _as(client, host_coordinators[0])
    assert client.get("/residency/applications/999999").status_code == 404
    assert client.get(f"{path}/documents/999999").status_code == 404


def test_the_emails_links_lead_to_the_pages_where_one_acts(
    client, session, home, home_coordinator, founder, startup
):
    login(client, home_coordinator)
    response = client.get(f"/residency/startups/{startup.id}")
    assert response.status_code == 302
    assert "/residency/park" in response.headers["Location"]
    _as(client, founder)
    response = client.get(f"/residency/startups/{startup.id}")
    assert response.headers["Location"].endswith("/residency/startup")


def test_no_decision_is_preselected(client, session, endorsed, host_coordinators):
    login(client, host_coordinators[0])
    choice = endorsed.choices[0]
    response = client.post(f"/residency/park/choices/{choice.id}/decide", data={})
    assert response.status_code == 400
    assert "Choose a decision." in response.get_data(as_text=True)
    session.expire_all()
    assert choice.status == ChoiceStatus.UNDER_REVIEW
