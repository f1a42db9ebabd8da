"""The startup's pages: its status, its applications and the form, what it does with them,
and the rest of the application seen from a startup's account."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from association.residency.models import (
    ApplicationStatus,
    ChoiceStatus,
    ResidencyApplication,
)
from tests.factories import (
    login,
    make_residency_application,
    make_startup,
    offer_of,
    residency_pdf,
)


@pytest.fixture
def signed_in(client, founder):
    login(client, founder)
    return client


def test_a_startup_lands_on_its_own_page_when_it_signs_in(client, founder):
    response = login(client, founder)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/residency/startup")


def test_a_pending_startup_sees_that_its_home_park_has_to_confirm(client, session, home):
    _startup, founder = make_startup(session, home, confirmed=False)
    login(client, founder)
    html = client.get("/residency/startup").get_data(as_text=True)
    assert "has not confirmed the startup yet" in html
    assert "Start an application" not in html


def test_startup_page_offers_the_open_call(signed_in, call, startup):
    html = signed_in.get("/residency/startup").get_data(as_text=True)
    assert startup.name in html
    assert call.title in html
    assert "Start an application" in html


@pytest.mark.parametrize(
    "path", ["/meetings", "/secretariat/", "/residency/park", "/secretariat/residency"]
)
def test_a_startup_does_not_reach_member_or_secretariat_pages(signed_in, path):
    assert signed_in.get(path).status_code == 403


def test_a_startup_is_not_offered_the_members_navigation(signed_in):
    html = signed_in.get("/residency/startup").get_data(as_text=True)
    assert 'href="/meetings"' not in html
    assert 'href="/residency"' in html


def test_the_dashboard_of_a_startup_shows_an_offer_to_answer(
    signed_in, session, founder, call, hosts, home_coordinator, host_coordinators
):
    from association.residency.decisions import Decision, decide

    application = make_residency_application(
        session, founder, call, hosts[:1], endorse_by=home_coordinator
    )
    decide(session, host_coordinators[0], application.choices[0], Decision.ACCEPT)
    html = signed_in.get("/dashboard").get_data(as_text=True)
    assert f"{hosts[0].name_latin} offers you a place" in html


def test_others_cannot_open_the_startup_pages(client, member):
    login(client, member)
    assert client.get("/residency/startup").status_code == 403


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get("/residency/startup")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def _start(client, session, call):
    response = client.post(f"/residency/startup/calls/{call.id}/apply")
    assert response.status_code == 302
    return session.scalar(
        select(ResidencyApplication).where(ResidencyApplication.call_id == call.id)
    )


def _form(call, hosts, **changes):
    data = {
        "product": "Payments for freelancers.",
        "stage": "prototype",
        "sector": "Fintech",
        "starts_on": call.earliest_start.isoformat(),
        "ends_on": (call.earliest_start + timedelta(days=60)).isoformat(),
        "founders-0-full_name": "Aruzhan Sadykova",
        "founders-0-nationality": "KZ",
        "founders-0-date_of_birth": "1994-05-01",
        "founders-0-role": "CEO",
        "founders-1-full_name": "Timur Akhmetov",
        "founders-1-nationality": "KZ",
        "choices-0-offer": str(offer_of(call, hosts[0]).id),
        "choices-0-wishes": "A desk and mentoring.",
        "choices-1-offer": str(offer_of(call, hosts[1]).id),
        "choices-1-wishes": "",
        "choices-2-offer": "0",
    }
    data.update(changes)
    return data


def test_the_application_form_saves_a_draft_with_founders_hosts_and_documents(
    signed_in, session, call, hosts
):
    application = _start(signed_in, session, call)
    data = _form(call, hosts)
    data["pitch_deck"] = (io.BytesIO(residency_pdf("deck")), "deck.pdf")
    response = signed_in.post(
        f"/residency/startup/applications/{application.id}",
        data=data,
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    session.expire_all()
    application = session.get(ResidencyApplication, application.id)
    assert [f.full_name for f in application.founders] == ["Aruzhan Sadykova", "Timur Akhmetov"]
    assert [c.offer.park_id for c in application.choices] == [hosts[0].id, hosts[1].id]
    assert application.choices[0].wishes == "A desk and mentoring."
    assert [d.filename for d in application.documents] == ["deck.pdf"]
    html = signed_in.get(f"/residency/startup/applications/{application.id}").get_data(as_text=True)
    assert "Attached: deck.pdf" in html
    assert 'value="Timur Akhmetov"' in html


def test_the_application_form_refuses_a_founder_without_nationality(
    signed_in, session, call, hosts
):
    application = _start(signed_in, session, call)
    response = signed_in.post(
        f"/residency/startup/applications/{application.id}",
        data=_form(call, hosts, **{"founders-1-nationality": ""}),
    )
    assert response.status_code == 400
    assert "nationality (for the visa letter)" in response.get_data(as_text=True)


def test_the_application_form_refuses_an_end_before_the_start(signed_in, session, call, hosts):
    application = _start(signed_in, session, call)
    response = signed_in.post(
        f"/residency/startup/applications/{application.id}",
        data=_form(call, hosts, ends_on=call.earliest_start.isoformat()),
    )
    assert response.status_code == 400
    assert "The end must come after the start." in response.get_data(as_text=True)


def test_the_application_form_says_the_domains_refusal(signed_in, session, call, hosts):
    application = _start(signed_in, session, call)
    same = str(offer_of(call, hosts[0]).id)
    response = signed_in.post(
        f"/residency/startup/applications/{application.id}",
        data=_form(call, hosts, **{"choices-1-offer": same}),
    )
    assert response.status_code == 400
    assert "alert-danger" in response.get_data(as_text=True)


def test_a_not_a_pdf_is_refused_beside_its_field(signed_in, session, call, hosts):
    application = _start(signed_in, session, call)
    data = _form(call, hosts)
    data["pitch_deck"] = (io.BytesIO(b"not a pdf at all"), "deck.pdf")
    response = signed_in.post(
        f"/residency/startup/applications/{application.id}",
        data=data,
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.get_data(as_text=True) or "alert-danger" in (
        response.get_data(as_text=True)
    )


def test_submit_withdraw_and_answer(
    signed_in, session, founder, call, hosts, home_coordinator, host_coordinators
):
    from association.residency.decisions import ask_question

    application = make_residency_application(session, founder, call, hosts[:2], submit=False)
    response = signed_in.post(f"/residency/startup/applications/{application.id}/submit")
    assert response.status_code == 302
    session.expire_all()
    assert application.status == ApplicationStatus.AWAITING_ENDORSEMENT
    from association.residency.applications import endorse_application

    endorse_application(session, home_coordinator, application)
    question = ask_question(session, host_coordinators[0], application.choices[0], "Why us?")
    html = signed_in.get(f"/residency/startup/applications/{application.id}").get_data(as_text=True)
    assert "Why us?" in html
    response = signed_in.post(
        f"/residency/startup/questions/{question.id}/answer", data={"answer": "Your mentors."}
    )
    assert response.status_code == 302
    session.expire_all()
    assert question.answer == "Your mentors."
    # Withdrawing needs the box ticked.
    signed_in.post(f"/residency/startup/applications/{application.id}/withdraw")
    session.expire_all()
    assert application.status == ApplicationStatus.ENDORSED
    signed_in.post(
        f"/residency/startup/applications/{application.id}/withdraw", data={"confirm": "y"}
    )
    session.expire_all()
    assert application.status == ApplicationStatus.WITHDRAWN


def test_submitting_an_incomplete_draft_says_what_is_missing(signed_in, session, call):
    application = _start(signed_in, session, call)
    response = signed_in.post(
        f"/residency/startup/applications/{application.id}/submit", follow_redirects=True
    )
    assert response.status_code == 200
    assert "alert-danger" in response.get_data(as_text=True)
    session.expire_all()
    assert application.status == ApplicationStatus.DRAFT


def test_accept_an_offer_makes_a_residency_and_the_final_report(
    signed_in, session, founder, call, hosts, home_coordinator, host_coordinators
):
    from association.residency.decisions import Decision, decide
    from association.residency.stays import check_in, check_out

    application = make_residency_application(
        session, founder, call, hosts[:2], endorse_by=home_coordinator
    )
    decide(session, host_coordinators[1], application.choices[1], Decision.ACCEPT)
    choice = application.choices[1]
    response = signed_in.post(f"/residency/startup/choices/{choice.id}/accept")
    assert response.status_code == 302
    session.expire_all()
    assert choice.status == ChoiceStatus.TAKEN
    html = signed_in.get("/residency/startup").get_data(as_text=True)
    assert hosts[1].name_latin in html
    assert "AMT-DN-" in html
    from association.residency.models import Residency

    residency = session.scalar(select(Residency))
    with time_machine.travel(residency.ends_on + timedelta(days=1), tick=False):
        check_in(session, host_coordinators[1], residency)
        check_out(session, host_coordinators[1], residency, residency.ends_on)
    html = signed_in.get("/residency/startup").get_data(as_text=True)
    assert "What you did during the residency" in html
    response = signed_in.post(
        f"/residency/startup/residencies/{residency.id}/report", data={"text": "It went well."}
    )
    assert response.status_code == 302
    session.expire_all()
    assert residency.final_report == "It went well."


def test_decline_an_offer(
    signed_in, session, founder, call, hosts, home_coordinator, host_coordinators
):
    from association.residency.decisions import Decision, decide

    application = make_residency_application(
        session, founder, call, hosts[:1], endorse_by=home_coordinator
    )
    decide(session, host_coordinators[0], application.choices[0], Decision.ACCEPT)
    choice = application.choices[0]
    assert signed_in.post(f"/residency/startup/choices/{choice.id}/decline").status_code == 302
    session.expire_all()
    assert choice.status == ChoiceStatus.DECLINED


def test_another_startups_application_is_not_found(client, session, home, call, hosts, founder):
    _other, other_founder = make_startup(session, home)
    application = make_residency_application(session, founder, call, hosts[:1], submit=False)
    login(client, other_founder)
    assert client.get(f"/residency/startup/applications/{application.id}").status_code == 404
    assert (
        client.post(f"/residency/startup/applications/{application.id}/submit").status_code == 404
    )
    assert client.get(f"/residency/applications/{application.id}").status_code == 403


def test_the_list_me_publicly_switch(signed_in, session, startup):
    signed_in.post("/residency/startup/listed", data={"listed": "y"})
    session.expire_all()
    assert startup.listed_publicly is True
    signed_in.post("/residency/startup/listed", data={})
    session.expire_all()
    assert startup.listed_publicly is False


def test_a_startup_cannot_create_api_tokens(signed_in):
    html = signed_in.get("/account/tokens").get_data(as_text=True)
    assert "cannot create API tokens" in html
