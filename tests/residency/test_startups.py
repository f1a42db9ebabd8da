"""Startups register with their home park, which confirms or declines them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from association.domain import Conflict, Invalid, NotAllowed
from association.mail.models import OutboxMessage
from association.parks.models import ParkStatus, Role, User
from association.residency.models import Startup, StartupStatus
from association.residency.startups import (
    confirm_startup,
    decline_startup,
    register_startup,
    set_listed_publicly,
)
from tests.factories import PASSWORD, make_coordinator, make_startup


def registration(home, **overrides):
    fields = dict(
        name="Steppe AI",
        home_park=home,
        registration_number="AH-2026-0042",
        website="https://steppe.example",
        sector="AI",
        description="Speech recognition for Kazakh.",
        founder_name="Dana Nurlanova",
        founder_email="Dana@Steppe.example",
        password=PASSWORD,
        language="ru",
    )
    fields.update(overrides)
    return fields


def test_registration_makes_a_pending_startup_and_its_founder_and_tells_the_home_coordinators(
    session, home, home_coordinator
):
    startup, founder = register_startup(session, **registration(home))
    assert startup.status == StartupStatus.PENDING
    assert founder.role == Role.STARTUP
    assert founder.startup_id == startup.id
    assert founder.email == "dana@steppe.example"
    assert founder.language == "ru"
    mail = session.scalars(select(OutboxMessage)).all()
    assert [m.recipient for m in mail] == [home_coordinator.email]
    assert "Steppe AI" in mail[0].body


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"name": " "}, Invalid),
        ({"registration_number": ""}, Invalid),
        ({"founder_email": "nobody"}, Invalid),
        ({"founder_email": "coordinator@astanahub.example"}, Conflict),
        ({"password": "short"}, Invalid),
        ({"website": "ftp://x"}, Invalid),
        ({"language": "xx"}, Invalid),
    ],
)
def test_registration_refusals_change_nothing(
    session, home, home_coordinator, snapshot, overrides, error
):
    before = snapshot(Startup, User)
    with pytest.raises(error):
        register_startup(session, **registration(home, **overrides))
    assert before.unchanged()


@pytest.mark.parametrize("status", [ParkStatus.SUSPENDED, ParkStatus.WITHDRAWN])
def test_a_park_not_taking_part_cannot_be_a_home_park(session, make_park, snapshot, status):
    park = make_park(status=status)
    before = snapshot(Startup, User)
    with pytest.raises(Invalid):
        register_startup(session, **registration(park))
    assert before.unchanged()


def test_the_same_registration_number_at_one_park_is_refused(session, home, make_park, snapshot):
    register_startup(session, **registration(home))
    before = snapshot(Startup, User)
    with pytest.raises(Conflict):
        register_startup(session, **registration(home, founder_email="other@steppe.example"))
    assert before.unchanged()
    # At another park the same number is another company.
    register_startup(session, **registration(make_park(), founder_email="other@steppe.example"))


def test_the_home_coordinator_confirms_and_the_founder_is_told(session, home, home_coordinator):
    startup, founder = make_startup(session, home, confirmed=False)
    confirm_startup(session, home_coordinator, startup)
    assert startup.status == StartupStatus.CONFIRMED
    assert startup.decided_by_id == home_coordinator.id
    assert (
        session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == founder.email))
        is not None
    )


def test_staff_may_confirm_too(session, home, secretariat):
    startup, _founder = make_startup(session, home, confirmed=False)
    confirm_startup(session, secretariat, startup)
    assert startup.status == StartupStatus.CONFIRMED


def test_another_parks_coordinator_or_a_plain_user_of_the_home_park_cannot_confirm(
    session, home, make_park, make_user, secretariat, snapshot
):
    startup, founder = make_startup(session, home, confirmed=False)
    others = [
        make_coordinator(session, secretariat, make_park()),
        make_user(park=home),
        founder,
    ]
    for other in others:
        before = snapshot(Startup)
        with pytest.raises(NotAllowed):
            confirm_startup(session, other, startup)
        assert before.unchanged()


def test_decline_needs_a_reason_and_a_decided_startup_is_not_decided_again(
    session, home, home_coordinator, snapshot
):
    startup, _founder = make_startup(session, home, confirmed=False)
    before = snapshot(Startup)
    with pytest.raises(Invalid):
        decline_startup(session, home_coordinator, startup, " ")
    assert before.unchanged()
    decline_startup(session, home_coordinator, startup, "Not our resident.")
    assert startup.status == StartupStatus.DECLINED
    assert startup.decline_reason == "Not our resident."
    before = snapshot(Startup)
    with pytest.raises(Conflict):
        confirm_startup(session, home_coordinator, startup)
    assert before.unchanged()


def test_only_a_confirmed_startups_founder_chooses_to_be_listed(session, home, snapshot):
    pending, pending_founder = make_startup(session, home, confirmed=False)
    before = snapshot(Startup)
    with pytest.raises(Conflict):
        set_listed_publicly(session, pending_founder, pending, True)
    assert before.unchanged()
    startup, founder = make_startup(session, home)
    with pytest.raises(NotAllowed):
        set_listed_publicly(session, pending_founder, startup, True)
    set_listed_publicly(session, founder, startup, True)
    assert startup.listed_publicly is True


def test_a_pending_founder_signs_in_and_reads_but_cannot_apply(
    session, home, secretariat, make_park
):
    from association.auth.service import sign_in
    from association.residency.applications import start_application
    from tests.factories import make_call

    _startup, founder = make_startup(session, home, confirmed=False)
    assert sign_in(session, founder.email, PASSWORD).id == founder.id
    call = make_call(session, secretariat, [make_park()])
    with pytest.raises(Conflict, match="not confirmed"):
        start_application(session, founder, call)


def test_the_programme_coordinator_duty_is_given_audited_and_ends_with_the_park_role(
    session, home, secretariat, admin, make_user
):
    from association.audit.models import AuditEvent
    from association.auth.service import change_role, duties_lost_by_role_change, set_park_duties

    user = make_user(park=home)
    set_park_duties(
        session, secretariat, user, delegate=False, signatory=False, programme_coordinator=True
    )
    assert user.is_programme_coordinator
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.duties_changed")
    ).all()[-1]
    assert '"programme_coordinator":true' in event.details
    # Not given: it stays as it is.
    set_park_duties(session, secretariat, user, delegate=True, signatory=False)
    assert user.is_programme_coordinator
    assert duties_lost_by_role_change(user, Role.SECRETARIAT)[-1] == (
        "programme coordinator of Astana Hub"
    )
    change_role(session, admin, user, Role.SECRETARIAT, end_duties=True)
    assert not user.is_programme_coordinator


def test_each_recipient_reads_the_mail_in_their_own_language(session, home, home_coordinator):
    startup, founder = make_startup(session, home, confirmed=False, language="ru")
    confirm_startup(session, home_coordinator, startup)
    to_founder = session.scalar(
        select(OutboxMessage).where(OutboxMessage.recipient == founder.email)
    )
    to_coordinator = session.scalar(
        select(OutboxMessage).where(OutboxMessage.recipient == home_coordinator.email)
    )
    assert "Секретариат" in to_founder.body
    assert "The secretariat" in to_coordinator.body
