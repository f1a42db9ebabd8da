"""The public programme page and a startup's registration."""

from __future__ import annotations

from sqlalchemy import select

from association.parks.models import ParkStatus, Role, User
from association.residency.models import Startup, StartupStatus
from association.residency.startups import set_listed_publicly
from tests.factories import PASSWORD, make_call, make_residency_application


def test_programme_page_shows_the_open_call_its_hosts_and_places_left(client, call, hosts):
    page = client.get("/residency")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert call.title in html
    for host in hosts:
        assert host.name_latin in html
    assert "2 places left" in html
    assert "Visa support letter" in html
    assert "No corporate income tax for residents." in html
    assert "Register a startup" in html


def test_programme_page_renders_the_rules_as_markdown(client, session, secretariat, hosts):
    make_call(session, secretariat, hosts, rules="Read **this** first.")
    html = client.get("/residency").get_data(as_text=True)
    assert "<strong>this</strong>" in html


def test_programme_page_without_an_open_call_says_when_the_last_ran(
    client, session, secretariat, hosts
):
    from association.residency.calls import close_call

    last = make_call(session, secretariat, hosts, title="Digital Nomad 2026, autumn")
    close_call(session, secretariat, last)
    html = client.get("/residency").get_data(as_text=True)
    assert "No call of the programme is open at the moment." in html
    assert "Digital Nomad 2026, autumn" in html


def test_programme_page_without_any_call(client):
    html = client.get("/residency").get_data(as_text=True)
    assert "The first call will be announced here." in html


def test_offer_text_is_shown_in_the_readers_language(client, session, secretariat, call, hosts):
    from association.residency.calls import set_host_offer

    offer = call.offers[0]
    set_host_offer(
        session,
        secretariat,
        call,
        offer.park,
        places=2,
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
        translations={"tr": {"description": "Bir masa.", "conditions": ""}},
    )
    assert "Bir masa." in client.get("/residency?lang=tr").get_data(as_text=True)
    assert "Bir masa." not in client.get("/residency?lang=en").get_data(as_text=True)


def test_startups_in_residency_are_named_only_when_they_opt_in(
    client, session, founder, startup, call, hosts, home_coordinator, host_coordinators
):
    from association.residency.decisions import Decision, accept_offer, decide
    from association.residency.stays import check_in

    application = make_residency_application(
        session, founder, call, hosts[:1], endorse_by=home_coordinator
    )
    decide(session, host_coordinators[0], application.choices[0], Decision.ACCEPT)
    residency = accept_offer(session, founder, application.choices[0])
    check_in(session, host_coordinators[0], residency)
    assert startup.name not in client.get("/residency").get_data(as_text=True)
    set_listed_publicly(session, founder, startup, True)
    assert startup.name in client.get("/residency").get_data(as_text=True)


def _registration(home, **changes):
    data = {
        "name": "Nomad Labs",
        "home_park": str(home.id),
        "registration_number": "AH-2024-0113",
        "website": "https://nomadlabs.example",
        "sector": "Fintech",
        "description": "Payments for freelancers.",
        "founder_name": "Aruzhan Sadykova",
        "founder_email": "aruzhan@nomadlabs.example",
        "password": PASSWORD,
        "confirm": PASSWORD,
    }
    data.update(changes)
    return data


def test_registration_makes_a_pending_startup_and_says_the_home_park_confirms(
    client, session, home, home_coordinator
):
    response = client.post("/residency/register", data=_registration(home))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/residency/register/done")
    page = client.get("/residency/register/done").get_data(as_text=True)
    assert "Astana Hub must now confirm that Nomad Labs is its resident" in page
    startup = session.scalar(select(Startup).where(Startup.name == "Nomad Labs"))
    assert startup.status == StartupStatus.PENDING
    founder = session.scalar(select(User).where(User.startup_id == startup.id))
    assert founder.role == Role.STARTUP


def test_registration_lists_only_parks_taking_part(client, make_park, home):
    make_park("Suspended Park", status=ParkStatus.SUSPENDED)
    html = client.get("/residency/register").get_data(as_text=True)
    assert "Astana Hub" in html
    assert "Suspended Park" not in html


def test_registration_form_errors_are_shown_beside_the_fields(client, home):
    response = client.post(
        "/residency/register",
        data=_registration(home, name="", confirm="something else", founder_email="nope"),
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Please correct the fields marked below." in html
    assert "The two passwords are not the same." in html
    assert 'aria-invalid="true"' in html


def test_registration_number_taken_at_the_home_park_is_said_beside_the_field(
    client, session, home, startup
):
    response = client.post(
        "/residency/register",
        data=_registration(home, registration_number=startup.registration_number),
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "is already registered" in html


def test_registration_without_a_home_park_is_refused(client, home):
    response = client.post("/residency/register", data=_registration(home, home_park="0"))
    assert response.status_code == 200
    assert "Choose the park the company is resident at." in response.get_data(as_text=True)


def test_registration_done_page_without_a_registration_goes_back_to_the_form(client):
    response = client.get("/residency/register/done")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/residency/register")


def test_registration_is_rate_limited(client, app, home, home_coordinator):
    app.config["APPLICATION_RATE_LIMIT"] = "2 per hour"
    for n in range(2):
        response = client.post(
            "/residency/register",
            data=_registration(
                home, registration_number=f"N-{n}", founder_email=f"f{n}@nomad.example"
            ),
        )
        assert response.status_code == 302
    response = client.post(
        "/residency/register",
        data=_registration(home, registration_number="N-9", founder_email="f9@nomad.example"),
    )
    assert response.status_code == 429
    assert "Too many startups were registered" in response.get_data(as_text=True)


def test_a_signed_in_user_is_not_offered_a_second_account(client, member):
    from tests.factories import login

    login(client, member)
    html = client.get("/residency/register").get_data(as_text=True)
    assert "sign out first" in html
