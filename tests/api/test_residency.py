# ruff: noqa: F811 -- the fixtures are imported from the residency tests' conftest
"""The residency programme through the API: calls and their host offers for everyone; an
application for exactly those its page is shown to (the startup, its home park's coordinator,
the hosts' coordinators once endorsed, the secretariat), and 404 for anyone else; the
founders' personal data only where the page shows them and never after retention; residencies
in full for their readers and by their public fields for the rest; cursor pages and ETags."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from association.residency import policy, queries
from association.residency.calls import close_call, set_host_offer
from association.residency.decisions import Decision, accept_offer, decide
from association.residency.models import ResidencyApplication
from association.residency.retention import remove_expired_founders
from association.residency.startups import set_listed_publicly
from association.residency.stays import check_in
from tests.factories import (
    bearer,
    make_call,
    make_coordinator,
    make_residency_application,
    make_startup,
)
from tests.residency.conftest import (  # noqa: F401 (fixtures)
    call,
    founder,
    home,
    home_coordinator,
    host_coordinators,
    hosts,
    startup,
    startup_and_founder,
)


@pytest.fixture
def people(
    session, secretariat, make_park, make_user, home, founder, home_coordinator, host_coordinators
):
    """Each reader of the programme. The first host is listed on the applications, the third
    is not; the home park's reader has no coordinator's duty."""
    other = make_park("Other Park", country="TJ")
    return {
        "startup": founder,
        "home coordinator": home_coordinator,
        "host coordinator": host_coordinators[0],
        "unlisted host coordinator": host_coordinators[2],
        "home park reader": make_user(park=home, email="reader@astanahub.example"),
        "other park coordinator": make_coordinator(session, secretariat, other),
        "secretariat": secretariat,
    }


@pytest.fixture
def readers(session, people):
    """Each API reader's Authorization header (none for the visitor). A startup's account
    makes no API token (association.api.personal_tokens): it reads on its pages, and the
    queries' agreement with the policy for it is tested below without the API."""
    headers = {name: bearer(session, user) for name, user in people.items() if name != "startup"}
    return {**headers, "visitor": {}}


@pytest.fixture
def submitted(session, founder, call, hosts):
    """Submitted to the home park, to the first two hosts: not endorsed yet."""
    return make_residency_application(session, founder, call, hosts[:2])


def _ids(answer, key="applications") -> list:
    assert answer.status_code == 200, answer.get_json()
    return [row["id"] for row in answer.get_json()[key]]


def _sees(client, headers, application) -> bool:
    answer = client.get(f"/api/v1/residency/applications/{application.id}", headers=headers)
    assert answer.status_code in (200, 404), answer.get_json()
    listed = application.id in _ids(client.get("/api/v1/residency/applications", headers=headers))
    assert listed == (answer.status_code == 200)  # the list and the detail agree
    return answer.status_code == 200


# --- calls ----------------------------------------------------------------------------------


def test_a_visitor_lists_open_and_closed_calls_but_no_draft(client, session, secretariat, hosts):
    closed = close_call(session, secretariat, make_call(session, secretariat, hosts[:1]))
    opened = make_call(session, secretariat, hosts[:1], title="Spring")
    draft = make_call(session, secretariat, hosts[:1], open=False, title="Autumn")
    listed = client.get("/api/v1/residency/calls").get_json()["calls"]
    assert [(c["id"], c["status"]) for c in listed] == [(opened.id, "open"), (closed.id, "closed")]
    assert client.get(f"/api/v1/residency/calls/{draft.id}").status_code == 404
    assert client.get(f"/api/v1/residency/calls/{opened.id}").status_code == 200
    assert client.get(f"/api/v1/residency/calls/{closed.id}").status_code == 200
    headers = bearer(session, secretariat)
    assert client.get(f"/api/v1/residency/calls/{draft.id}", headers=headers).status_code == 200
    staff = client.get("/api/v1/residency/calls", headers=headers).get_json()["calls"]
    assert [c["id"] for c in staff] == [draft.id, opened.id, closed.id]
    only_open = client.get("/api/v1/residency/calls?status=open", headers=headers).get_json()
    assert [c["id"] for c in only_open["calls"]] == [opened.id]


def test_a_call_shows_each_host_offer_with_its_places_left(
    client, session, call, hosts, founder, home_coordinator, host_coordinators
):
    application = make_residency_application(
        session, founder, call, hosts[:1], endorse_by=home_coordinator
    )
    decide(session, host_coordinators[0], application.choices[0], Decision.ACCEPT)
    answer = client.get(f"/api/v1/residency/calls/{call.id}")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["title"] == call.title
    assert body["rules_markdown"] == "The programme's rules."
    offers = {o["park"]["name"]: o for o in body["offers"]}
    assert set(offers) == {"IT Park Uzbekistan", "Bilisim Vadisi", "Sabah Lab"}
    first = offers["IT Park Uzbekistan"]
    assert (first["places"], first["places_left"]) == (2, 1)
    assert offers["Sabah Lab"]["places_left"] == 2
    assert first["country"] == "UZ"
    assert first["workspace"] is True
    assert first["mentoring"] is False
    assert first["tax_regime"] == "No corporate income tax for residents."
    assert first["sectors"] == []
    assert (first["description"], first["language"]) == (
        "A desk and the residency's benefits.",
        "en",
    )
    assert "contact_email" not in first  # the contact is for the letter of invitation


def test_an_offer_is_read_in_the_readers_language_where_the_host_gave_it(
    client, session, secretariat, call, hosts
):
    offer = next(o for o in call.offers if o.park_id == hosts[0].id)
    set_host_offer(
        session,
        secretariat,
        call,
        hosts[0],
        places=offer.places,
        workspace=True,
        visa_support_letter=True,
        mentoring=False,
        accommodation_help=False,
        tax_regime="",
        sectors="Fintech\nEdtech",
        description="A desk.",
        conditions="Speak English.",
        contact_name="Host Contact",
        contact_email="host@example.org",
        contact_phone="",
        translations={"ru": {"description": "Рабочее место.", "conditions": ""}},
    )
    offers = client.get(f"/api/v1/residency/calls/{call.id}?lang=ru").get_json()["offers"]
    translated = next(o for o in offers if o["id"] == offer.id)
    assert (translated["description"], translated["language"]) == ("Рабочее место.", "ru")
    assert translated["conditions"] == "Speak English."  # not given in Russian: in English
    assert translated["sectors"] == ["Fintech", "Edtech"]
    assert translated["tax_regime"] is None
    english = client.get(f"/api/v1/residency/calls/{call.id}?lang=en").get_json()["offers"]
    assert next(o for o in english if o["id"] == offer.id)["description"] == "A desk."


# --- who reads an application ---------------------------------------------------------------

BEFORE_ENDORSEMENT = {
    "home coordinator": True,
    "host coordinator": False,
    "unlisted host coordinator": False,
    "home park reader": False,
    "other park coordinator": False,
    "secretariat": True,
}
AFTER_ENDORSEMENT = {**BEFORE_ENDORSEMENT, "host coordinator": True}


def test_before_endorsement_the_hosts_do_not_see_an_application(client, readers, submitted):
    seen = {name: _sees(client, readers[name], submitted) for name in BEFORE_ENDORSEMENT}
    assert seen == BEFORE_ENDORSEMENT


def test_once_endorsed_the_listed_hosts_see_it_and_no_one_else_does(
    client, session, readers, submitted, home_coordinator
):
    from association.residency.applications import endorse_application

    endorse_application(session, home_coordinator, submitted)
    seen = {name: _sees(client, readers[name], submitted) for name in AFTER_ENDORSEMENT}
    assert seen == AFTER_ENDORSEMENT


def test_a_draft_is_its_startups_alone(client, session, readers, founder, call, hosts):
    draft = make_residency_application(session, founder, call, hosts[:1], submit=False)
    seen = {name: _sees(client, readers[name], draft) for name in BEFORE_ENDORSEMENT}
    assert seen == dict.fromkeys(BEFORE_ENDORSEMENT, False)


def test_a_visitor_is_asked_to_authenticate_for_applications(client, submitted):
    for path in (
        "/api/v1/residency/applications",
        f"/api/v1/residency/applications/{submitted.id}",
    ):
        answer = client.get(path)
        assert answer.status_code == 401
        assert answer.mimetype == "application/problem+json"


def test_an_application_not_readable_is_not_found_like_one_that_does_not_exist(
    client, readers, submitted
):
    headers = readers["other park coordinator"]
    hidden = client.get(f"/api/v1/residency/applications/{submitted.id}", headers=headers)
    missing = client.get("/api/v1/residency/applications/999999", headers=headers)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.mimetype == "application/problem+json"
    assert hidden.get_json()["detail"] == missing.get_json()["detail"]


def test_an_application_shows_its_choices_and_their_status(
    client, session, readers, submitted, home_coordinator, host_coordinators
):
    from association.residency.applications import endorse_application
    from association.residency.decisions import ask_question

    endorse_application(session, home_coordinator, submitted)
    ask_question(session, host_coordinators[1], submitted.choices[1], "Which market first?")
    decide(session, host_coordinators[0], submitted.choices[0], Decision.WAITLIST)
    answer = client.get(
        f"/api/v1/residency/applications/{submitted.id}", headers=readers["host coordinator"]
    )
    body = answer.get_json()
    assert body["status"] == "endorsed"
    assert body["startup"]["name"] == "Nomad Labs"
    assert body["startup"]["home_park"]["name"] == "Astana Hub"
    assert [(c["preference"], c["park"]["name"], c["status"]) for c in body["choices"]] == [
        (1, "IT Park Uzbekistan", "waitlisted"),
        (2, "Bilisim Vadisi", "under_review"),
    ]
    question = body["choices"][1]["questions"][0]
    assert (question["question"], question["answer"]) == ("Which market first?", None)
    assert [d["purpose"] for d in body["documents"]] == ["pitch_deck", "company_registration"]
    assert body["url"].endswith(f"/residency/applications/{submitted.id}")


# --- the founders' personal data ------------------------------------------------------------


def _founders(client, headers, application):
    answer = client.get(f"/api/v1/residency/applications/{application.id}", headers=headers)
    assert answer.status_code == 200
    return answer.get_json()


def test_founders_are_shown_to_home_hosts_deciding_and_the_secretariat(
    client, session, readers, submitted, home_coordinator
):
    from association.residency.applications import endorse_application

    endorse_application(session, home_coordinator, submitted)
    for name in ("home coordinator", "host coordinator", "secretariat"):
        body = _founders(client, readers[name], submitted)
        assert body["founders"] == [
            {"full_name": "Aruzhan Test", "nationality": "KZ", "date_of_birth": None, "role": "CEO"}
        ], name
        assert (body["founder_count"], body["founders_removed"]) == (1, False)


def test_a_host_that_rejected_sees_the_application_but_not_its_founders(
    client, session, readers, submitted, home_coordinator, host_coordinators
):
    from association.residency.applications import endorse_application

    endorse_application(session, home_coordinator, submitted)
    decide(session, host_coordinators[0], submitted.choices[0], Decision.REJECT, "Not our sector.")
    body = _founders(client, readers["host coordinator"], submitted)
    assert body["founders"] is None
    assert body["founder_count"] == 1
    assert body["choices"][0]["decision_reason"] == "Not our sector."
    assert _founders(client, readers["home coordinator"], submitted)["founders"] is not None


def test_after_retention_nobody_reads_the_founders_any_more(
    client, session, readers, founder, call, hosts, home_coordinator, host_coordinators
):
    application = make_residency_application(
        session, founder, call, hosts[:1], endorse_by=home_coordinator
    )
    decide(session, host_coordinators[0], application.choices[0], Decision.ACCEPT)
    residency = accept_offer(session, founder, application.choices[0])
    removed = remove_expired_founders(session, None, today=residency.ends_on + timedelta(days=800))
    assert [r.application_id for r in removed] == [application.id]
    for name in ("home coordinator", "host coordinator", "secretariat"):
        body = _founders(client, readers[name], application)
        assert body["founders"] is None, name
        assert (body["founder_count"], body["founders_removed"]) == (1, True)


# --- filters and pages ----------------------------------------------------------------------


@pytest.fixture
def three_startups(session, home, home_coordinator, call, hosts):
    """Three more startups of the home park: one applies to the first host, endorsed; one to
    the second, endorsed; one to the first, waiting for endorsement."""
    made = []
    for listed, endorsed in ((hosts[0], True), (hosts[1], True), (hosts[0], False)):
        _startup, someone = make_startup(session, home)
        made.append(
            make_residency_application(
                session,
                someone,
                call,
                [listed],
                endorse_by=home_coordinator if endorsed else None,
            )
        )
    return made


def test_a_coordinator_filters_by_its_side_status_and_call(
    client, session, readers, secretariat, three_startups, hosts
):
    first, second, waiting = three_startups
    home = readers["home coordinator"]
    host = readers["host coordinator"]
    listed = "/api/v1/residency/applications"
    expected_home = [waiting.id, second.id, first.id]
    assert _ids(client.get(listed, headers=home)) == expected_home
    assert _ids(client.get(f"{listed}?role=home", headers=home)) == expected_home
    assert _ids(client.get(f"{listed}?role=host", headers=home)) == []
    assert _ids(client.get(f"{listed}?role=host", headers=host)) == [first.id]
    assert _ids(client.get(f"{listed}?role=home", headers=host)) == []
    assert _ids(client.get(f"{listed}?status=endorsed", headers=home)) == [second.id, first.id]
    other_call = make_call(session, secretariat, hosts[:1])
    assert _ids(client.get(f"{listed}?call={first.call_id}", headers=home)) == expected_home
    assert _ids(client.get(f"{listed}?call={other_call.id}", headers=home)) == []
    refused = client.get(f"{listed}?role=guest", headers=home)
    assert refused.status_code == 422
    assert refused.mimetype == "application/problem+json"


def test_cursor_pages_neither_repeat_nor_skip_when_applications_arrive(
    client, session, readers, three_startups, home, call, hosts
):
    headers = readers["secretariat"]
    page = client.get("/api/v1/residency/applications?limit=2", headers=headers)
    seen = _ids(page)
    assert len(seen) == 2
    _startup, someone = make_startup(session, home)
    make_residency_application(session, someone, call, hosts[:1])
    rest = client.get(page.headers["Link"].split(";")[0].strip("<>"), headers=headers)
    seen += _ids(rest)
    assert "Link" not in rest.headers
    assert seen == sorted((a.id for a in three_startups), reverse=True)


def test_an_unchanged_application_answers_304(client, readers, submitted):
    headers = readers["home coordinator"]
    path = f"/api/v1/residency/applications/{submitted.id}"
    first = client.get(path, headers=headers)
    again = client.get(path, headers={**headers, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


# --- residencies ----------------------------------------------------------------------------


@pytest.fixture
def residency(session, founder, call, hosts, home_coordinator, host_coordinators):
    """Accepted at the first host: upcoming, its startup not listed publicly."""
    application = make_residency_application(
        session, founder, call, hosts[:1], endorse_by=home_coordinator
    )
    decide(session, host_coordinators[0], application.choices[0], Decision.ACCEPT)
    return accept_offer(session, founder, application.choices[0])


FULL_READERS = {"home coordinator", "host coordinator", "secretariat"}


def _residencies(client, headers):
    answer = client.get("/api/v1/residency/residencies", headers=headers)
    assert answer.status_code == 200
    return answer.get_json()["residencies"]


def test_a_residency_is_read_in_full_by_its_readers_only(client, readers, residency):
    for name, headers in readers.items():
        rows = _residencies(client, headers)
        if name in FULL_READERS:
            assert [(r["id"], r["number"], r["status"]) for r in rows] == [
                (residency.id, residency.number, "upcoming")
            ], name
            assert rows[0]["starts_on"] == residency.starts_on.isoformat()
        else:
            assert rows == [], name  # not in residency yet, and not listed


def test_everyone_reads_the_public_fields_of_a_listed_startup_in_residency(
    client, session, readers, residency, founder, startup, host_coordinators
):
    check_in(session, host_coordinators[0], residency)
    set_listed_publicly(session, founder, startup, True)
    for name, headers in readers.items():
        rows = _residencies(client, headers)
        assert len(rows) == 1, name
        row = rows[0]
        assert row["startup"] == {"name": "Nomad Labs", "sector": "Fintech"}
        assert (row["home_park"]["name"], row["host_park"]["name"]) == (
            "Astana Hub",
            "IT Park Uzbekistan",
        )
        assert row["ends_on"] == residency.ends_on.isoformat()
        private = (row["id"], row["number"], row["status"], row["checked_in_at"])
        if name in FULL_READERS:
            assert private[:3] == (residency.id, residency.number, "active"), name
        else:
            assert private == (None, None, None, None), name


# --- the lists' queries agree with the policy, reader by reader -----------------------------


def test_the_applications_listed_are_exactly_those_the_policy_shows_each_reader(
    session, people, founder, call, hosts, home_coordinator, host_coordinators, three_startups
):
    make_residency_application(session, founder, call, hosts[:2], submit=False)
    decide(session, host_coordinators[0], three_startups[0].choices[0], Decision.REJECT, "No.")
    everything = session.scalars(select(ResidencyApplication)).all()
    for name, reader in {**people, "visitor": None}.items():
        listed = set(session.scalars(queries.readable_applications_statement(reader)).all())
        shown = {a for a in everything if policy.can_see_application(reader, a)}
        assert listed == shown, name
    founders_own = session.scalars(queries.readable_applications_statement(founder)).all()
    assert [a.status for a in founders_own] == ["draft"]


def test_the_residencies_listed_in_full_are_exactly_those_the_policy_shows_in_full(
    session, people, residency, founder, startup, host_coordinators
):
    for name, reader in {**people, "visitor": None}.items():
        listed = session.scalars(queries.residencies_statement(reader)).all()
        assert (listed == [residency]) == policy.can_see_residency(reader, residency), name
    check_in(session, host_coordinators[0], residency)
    set_listed_publicly(session, founder, startup, True)
    for name, reader in {**people, "visitor": None}.items():
        listed = session.scalars(queries.residencies_statement(reader)).all()
        assert listed == [residency], name  # listed publicly: everyone lists it
        assert policy.can_see_residency(reader, residency) == (
            name in {*FULL_READERS, "startup"}
        ), name
