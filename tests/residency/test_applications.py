"""Applications: drafted, submitted to the home park, endorsed or not, withdrawn."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from association.domain import Conflict, Invalid, NotAllowed
from association.mail.models import OutboxMessage
from association.parks.models import ParkStatus
from association.parks.service import change_park_status
from association.residency import applications
from association.residency.applications import add_months
from association.residency.models import (
    ApplicationStatus,
    ChoiceStatus,
    DocumentPurpose,
    Founder,
    HostChoice,
    ResidencyApplication,
    ResidencyDocument,
)
from association.residency.policy import can_see_application, can_see_founders
from tests.factories import (
    make_call,
    make_coordinator,
    make_residency_application,
    make_startup,
    offer_of,
    residency_pdf,
)

TABLES = (ResidencyApplication, HostChoice, Founder, ResidencyDocument)


def draft_input(call, hosts, **overrides):
    starts = call.earliest_start
    fields = dict(
        product="Speech recognition.",
        stage="prototype",
        sector="AI",
        starts_on=starts,
        ends_on=add_months(starts, 3) - timedelta(days=1),
        founders=[{"full_name": "Dana", "nationality": "KZ", "date_of_birth": None, "role": ""}],
        choices=[(offer_of(call, host), "") for host in hosts],
    )
    fields.update(overrides)
    return fields


def test_the_whole_way_to_endorsement_tells_the_home_then_the_hosts_and_the_founder(
    session, call, hosts, founder, home_coordinator, host_coordinators
):
    application = make_residency_application(session, founder, call, hosts[:2])
    assert application.status == ApplicationStatus.AWAITING_ENDORSEMENT
    assert [c.status for c in application.choices] == [ChoiceStatus.PENDING] * 2
    assert not can_see_application(host_coordinators[0], application)
    applications.endorse_application(session, home_coordinator, application)
    assert application.status == ApplicationStatus.ENDORSED
    assert [c.status for c in application.choices] == [ChoiceStatus.UNDER_REVIEW] * 2
    recipients = session.scalars(select(OutboxMessage.recipient)).all()
    assert home_coordinator.email in recipients
    assert host_coordinators[0].email in recipients
    assert host_coordinators[1].email in recipients
    assert host_coordinators[2].email not in recipients
    assert recipients.count(founder.email) >= 1
    assert can_see_application(host_coordinators[0], application)
    assert can_see_founders(host_coordinators[0], application)
    assert not can_see_application(host_coordinators[2], application)


def test_only_home_coordinators_hosts_staff_and_founders_see_an_application(
    session, call, hosts, home, founder, home_coordinator, host_coordinators, make_user, secretariat
):
    application = make_residency_application(session, founder, call, hosts[:1])
    assert can_see_application(founder, application)
    assert can_see_application(home_coordinator, application)
    assert can_see_application(secretariat, application)
    assert not can_see_application(make_user(park=home), application)
    assert not can_see_application(None, application)
    draft = make_residency_application(
        session, make_startup(session, home)[1], call, hosts[:1], submit=False
    )
    assert not can_see_application(home_coordinator, draft)


def refusal(session, snapshot, error, act):
    before = snapshot(*TABLES)
    with pytest.raises(error):
        act()
    assert before.unchanged()


@pytest.mark.parametrize(
    ("case", "error"),
    [
        ("home park as host", Invalid),
        ("one host twice", Invalid),
        ("four hosts", Invalid),
        ("start before the earliest", Invalid),
        ("start after the latest", Invalid),
        ("too short", Invalid),
        ("too long", Invalid),
        ("only a start", Invalid),
        ("unknown stage", Invalid),
        ("unknown nationality", Invalid),
        ("founder without a name", Invalid),
        ("offer of another call", Invalid),
    ],
)
def test_a_draft_keeps_the_rules(
    session, secretariat, call, hosts, home, founder, make_park, snapshot, case, error
):
    application = applications.start_application(session, founder, call)
    start = call.earliest_start
    fourth = make_park("Fourth Host", country="KG")
    other_call = make_call(session, secretariat, [hosts[0]], open=False)
    from association.residency.calls import set_host_offer

    set_host_offer(
        session,
        secretariat,
        call,
        fourth,
        places=1,
        workspace=False,
        visa_support_letter=False,
        mentoring=False,
        accommodation_help=False,
        tax_regime="",
        sectors="",
        description="",
        conditions="",
        contact_name="",
        contact_email="",
        contact_phone="",
    )
    home_offer = set_host_offer(
        session,
        secretariat,
        call,
        home,
        places=1,
        workspace=False,
        visa_support_letter=False,
        mentoring=False,
        accommodation_help=False,
        tax_regime="",
        sectors="",
        description="",
        conditions="",
        contact_name="",
        contact_email="",
        contact_phone="",
    )
    overrides = {
        "home park as host": {"choices": [(home_offer, "")]},
        "one host twice": {
            "choices": [(offer_of(call, hosts[0]), ""), (offer_of(call, hosts[0]), "")]
        },
        "four hosts": {"choices": [(o, "") for o in call.offers if o.park_id != home.id]},
        "start before the earliest": {
            "starts_on": start - timedelta(days=1),
            "ends_on": add_months(start, 2),
        },
        "start after the latest": {
            "starts_on": call.latest_start + timedelta(days=1),
            "ends_on": add_months(call.latest_start, 2),
        },
        "too short": {"ends_on": start + timedelta(days=20)},
        "too long": {"ends_on": add_months(start, 6) + timedelta(days=1)},
        "only a start": {"ends_on": None},
        "unknown stage": {"stage": "unicorn"},
        "unknown nationality": {
            "founders": [{"full_name": "Dana", "nationality": "XX", "date_of_birth": None}]
        },
        "founder without a name": {"founders": [{"full_name": " ", "nationality": "KZ"}]},
        "offer of another call": {"choices": [(offer_of(other_call, hosts[0]), "")]},
    }[case]
    refusal(
        session,
        snapshot,
        error,
        lambda: applications.save_application(
            session, founder, application, **draft_input(call, hosts[:1], **overrides)
        ),
    )


def test_a_startup_applies_once_per_call(session, call, founder, snapshot):
    applications.start_application(session, founder, call)
    refusal(
        session, snapshot, Conflict, lambda: applications.start_application(session, founder, call)
    )


def test_an_unconfirmed_startup_cannot_apply(session, call, home, snapshot):
    _startup, founder = make_startup(session, home, confirmed=False)
    refusal(
        session, snapshot, Conflict, lambda: applications.start_application(session, founder, call)
    )


@pytest.mark.parametrize("status", [ParkStatus.SUSPENDED, ParkStatus.WITHDRAWN])
def test_a_startup_of_a_suspended_or_withdrawn_park_cannot_apply_or_submit(
    session, call, hosts, home, founder, secretariat, snapshot, status
):
    application = make_residency_application(session, founder, call, hosts[:1], submit=False)
    _other, second = make_startup(session, home)
    change_park_status(session, secretariat, home, status, reason="Test.")
    refusal(
        session, snapshot, Conflict, lambda: applications.start_application(session, second, call)
    )
    refusal(
        session,
        snapshot,
        Conflict,
        lambda: applications.submit_application(session, founder, application),
    )


def test_a_closed_call_or_one_outside_its_window_takes_no_application(
    session, secretariat, hosts, founder, snapshot
):
    from association.database import utcnow
    from association.residency.calls import close_call

    today = utcnow().date()
    later = make_call(session, secretariat, hosts[:1], applications_open=today + timedelta(days=2))
    refusal(
        session, snapshot, Conflict, lambda: applications.start_application(session, founder, later)
    )
    closed = make_call(session, secretariat, hosts[:1])
    close_call(session, secretariat, closed)
    refusal(
        session,
        snapshot,
        Conflict,
        lambda: applications.start_application(session, founder, closed),
    )


def test_an_incomplete_application_is_not_submitted(session, call, hosts, founder, snapshot):
    application = applications.start_application(session, founder, call)
    applications.save_application(session, founder, application, **draft_input(call, hosts[:1]))
    refusal(
        session,
        snapshot,
        Invalid,
        lambda: applications.submit_application(session, founder, application),
    )


def test_documents_are_checked_by_content_and_replaced_by_purpose(session, call, founder, snapshot):
    application = applications.start_application(session, founder, call)
    refusal(
        session,
        snapshot,
        Invalid,
        lambda: applications.attach_document(
            session, founder, application, DocumentPurpose.PITCH_DECK, "deck.pdf", b"%PDF-1.7 junk"
        ),
    )
    for n in range(2):
        applications.attach_document(
            session,
            founder,
            application,
            DocumentPurpose.PITCH_DECK,
            f"deck{n}.pdf",
            residency_pdf(f"deck {n}"),
        )
    assert [d.filename for d in application.documents] == ["deck1.pdf"]


def test_the_document_size_limit_is_a_setting(app, session, call, founder, snapshot):
    app.config["RESIDENCY_DOCUMENT_MAX_MB"] = 0
    application = applications.start_application(session, founder, call)
    refusal(
        session,
        snapshot,
        Invalid,
        lambda: applications.attach_document(
            session, founder, application, DocumentPurpose.PITCH_DECK, "deck.pdf", residency_pdf()
        ),
    )


def test_a_submitted_application_is_not_changed(session, call, hosts, founder, snapshot):
    application = make_residency_application(session, founder, call, hosts[:1])
    refusal(
        session,
        snapshot,
        Conflict,
        lambda: applications.save_application(
            session, founder, application, **draft_input(call, hosts[:1])
        ),
    )


def test_another_startup_cannot_touch_an_application(session, call, hosts, home, founder, snapshot):
    application = applications.start_application(session, founder, call)
    _other, stranger = make_startup(session, home)
    refusal(
        session,
        snapshot,
        NotAllowed,
        lambda: applications.save_application(
            session, stranger, application, **draft_input(call, hosts[:1])
        ),
    )
    refusal(
        session,
        snapshot,
        NotAllowed,
        lambda: applications.withdraw_application(session, stranger, application),
    )


def test_endorsement_by_another_parks_coordinator_is_refused(
    session, call, hosts, founder, host_coordinators, secretariat, make_park, snapshot
):
    application = make_residency_application(session, founder, call, hosts[:1])
    for other in (host_coordinators[0], make_coordinator(session, secretariat, make_park())):
        refusal(
            session,
            snapshot,
            NotAllowed,
            lambda other=other: applications.endorse_application(session, other, application),
        )


def test_the_home_park_declines_with_a_reason_and_it_ends_there(
    session, call, hosts, founder, home_coordinator, snapshot
):
    application = make_residency_application(session, founder, call, hosts[:1])
    refusal(
        session,
        snapshot,
        Invalid,
        lambda: applications.decline_endorsement(session, home_coordinator, application, ""),
    )
    applications.decline_endorsement(
        session, home_coordinator, application, "Not in good standing."
    )
    assert application.status == ApplicationStatus.NOT_ENDORSED
    assert [c.status for c in application.choices] == [ChoiceStatus.WITHDRAWN]
    refusal(
        session,
        snapshot,
        Conflict,
        lambda: applications.endorse_application(session, home_coordinator, application),
    )
    refusal(
        session,
        snapshot,
        Conflict,
        lambda: applications.withdraw_application(session, founder, application),
    )


def test_withdrawal_before_placement_withdraws_every_choice(
    session, call, hosts, founder, home_coordinator
):
    application = make_residency_application(
        session, founder, call, hosts[:2], endorse_by=home_coordinator
    )
    applications.withdraw_application(session, founder, application)
    assert application.status == ApplicationStatus.WITHDRAWN
    assert {c.status for c in application.choices} == {ChoiceStatus.WITHDRAWN}
