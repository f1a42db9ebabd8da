"""Which events are queued, for whom, and what they carry: never what the receiving park could
not read on the pages."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from association.database import utcnow
from association.domain import Conflict
from association.meetings.models import MeetingKind
from association.meetings.scheduling import cancel_meeting, create_meeting
from association.memoranda import circulation, drafting, issuing
from association.parks.models import ParkStatus
from association.parks.service import change_park_status
from association.voting.ballots import cast_ballot
from association.voting.initiatives import create_initiative
from association.voting.votes import close_vote, open_vote, send_reminders
from association.webhooks import service
from association.webhooks.models import EVENTS, WebhookDelivery
from tests.factories import EARLY, make_integration_manager
from tests.memoranda.conftest import sign_as


def payloads(session, endpoint=None, event=None) -> list[dict]:
    query = select(WebhookDelivery).order_by(WebhookDelivery.id)
    if endpoint is not None:
        query = query.where(WebhookDelivery.endpoint_id == endpoint.id)
    if event is not None:
        query = query.where(WebhookDelivery.event == event)
    return [json.loads(d.payload) for d in session.scalars(query)]


@pytest.fixture
def endpoint(session, manager):
    endpoint, _secret = service.register_endpoint(
        session, manager, url="http://127.0.0.1:9/hooks", events=list(EVENTS)
    )
    return endpoint


@pytest.fixture
def voters(make_park, make_user, park, delegate):
    """Three member parks with a delegate each (the test park's is `delegate`)."""
    others = [make_park(f"Voting Park {n}") for n in (1, 2)]
    return [delegate] + [make_user(park=p, delegate=True) for p in others]


def run_vote(session, secretariat, voters, *, secret: bool):
    initiative = create_initiative(
        session, secretariat, title="Joint accelerator programme 2027", secret=secret
    )
    open_vote(session, secretariat, initiative, closes_at=utcnow() + timedelta(days=7))
    for user, choice in zip(voters, ("for", "against", "abstain"), strict=True):
        cast_ballot(session, user, initiative, choice)
    close_vote(session, secretariat, initiative, reason=EARLY)
    return initiative


def test_a_secret_votes_result_carries_no_parks_choice(session, secretariat, voters, endpoint):
    run_vote(session, secretariat, voters, secret=True)
    (closed,) = payloads(session, endpoint, "initiative.closed")
    assert closed["type"] == "initiative.closed"
    data = closed["data"]
    assert data["secret"] is True
    assert data["result"]["tallies"] == {"for": 1, "against": 1, "abstain": 1}
    assert "ballots" not in data
    assert data["receipts"] == sorted(data["receipts"])
    assert len(data["receipts"]) == 3
    text = json.dumps(closed, ensure_ascii=False)
    for user in voters:
        assert user.park.name_latin not in text
        assert user.park.slug not in text
        assert user.park.membership_number not in text


def test_a_roll_call_result_names_each_parks_choice_as_the_page_does(
    session, secretariat, voters, endpoint
):
    run_vote(session, secretariat, voters, secret=False)
    (closed,) = payloads(session, endpoint, "initiative.closed")
    choices = {b["park"]: b["choice"] for b in closed["data"]["ballots"]}
    assert choices[voters[0].park.name_latin] == "for"
    assert choices[voters[1].park.name_latin] == "against"


def test_opening_a_vote_is_announced_with_its_rules_and_address(
    session, secretariat, voters, endpoint
):
    run_vote(session, secretariat, voters, secret=True)
    (opened,) = payloads(session, endpoint, "initiative.opened")
    assert opened["data"]["url"].endswith(f"/initiatives/{opened['data']['id']}")
    assert opened["data"]["closes_at"].endswith("Z")
    assert opened["data"]["status"] == "open"


def test_an_endpoint_gets_only_the_events_it_asked_for(session, secretariat, manager, voters):
    only_closing, _secret = service.register_endpoint(
        session, manager, url="http://127.0.0.1:9/closing", events=["initiative.closed"]
    )
    run_vote(session, secretariat, voters, secret=True)
    assert [p["type"] for p in payloads(session, only_closing)] == ["initiative.closed"]


def test_a_refused_change_queues_nothing(session, secretariat, endpoint):
    initiative = create_initiative(session, secretariat, title="Budget 2027")
    with pytest.raises(Conflict):  # a draft cannot be closed
        close_vote(session, secretariat, initiative, reason=EARLY)
    assert payloads(session, endpoint) == []


def test_the_reminder_goes_only_to_the_parks_that_have_not_voted(
    session, secretariat, manager, voters, endpoint
):
    initiative = create_initiative(session, secretariat, title="Budget 2027")
    open_vote(session, secretariat, initiative, closes_at=utcnow() + timedelta(hours=30))
    voted_manager = make_integration_manager(session, secretariat, voters[1].park)
    voted_endpoint, _ = service.register_endpoint(
        session, voted_manager, url="http://127.0.0.1:9/voted", events=["ballot.reminder"]
    )
    cast_ballot(session, voters[1], initiative, "for")
    send_reminders(session, None, initiative, now=utcnow() + timedelta(hours=10))
    (reminder,) = payloads(session, endpoint, "ballot.reminder")
    assert reminder["data"]["id"] == initiative.id
    assert payloads(session, voted_endpoint) == []


def memorandum_between(session, secretariat, *parks):
    memorandum = drafting.create_memorandum(
        session,
        secretariat,
        title="Memorandum of cooperation",
        place="Astana",
        texts={"en": "## Article 1\n\nThe Parties cooperate."},
    )
    for each in parks:
        drafting.add_member_party(session, secretariat, memorandum, each)
    return memorandum


def test_a_memorandums_events_reach_only_its_parties_endpoints_and_the_secretariats(
    session, secretariat, make_park, make_user, park, endpoint
):
    partner = make_park("Sabah Lab", country="AZ")
    outsider = make_park("IT Park Uzbekistan", country="UZ")
    signers = [make_user(park=p, signatory=True) for p in (park, partner)]
    outsider_manager = make_integration_manager(session, secretariat, outsider)
    outsider_endpoint, _ = service.register_endpoint(
        session, outsider_manager, url="http://127.0.0.1:9/uz", events=list(EVENTS)
    )
    association_endpoint, _ = service.register_endpoint(
        session, secretariat, url="http://127.0.0.1:9/amt", events=list(EVENTS)
    )

    memorandum = memorandum_between(session, secretariat, park, partner)
    circulation.circulate(session, secretariat, memorandum)
    for signer in signers:
        sign_as(session, signer, memorandum)
    issuing.issue_memorandum(session, secretariat, memorandum, render=False)

    wanted = [
        "memorandum.circulated",
        "memorandum.signed",
        "memorandum.signed",
        "memorandum.issued",
    ]

    # The parks made above were announced as admitted: only the memorandum's events count here.
    def memorandum_events(endpoint):
        return [
            p["type"] for p in payloads(session, endpoint) if p["type"].startswith("memorandum.")
        ]

    assert memorandum_events(endpoint) == wanted
    assert memorandum_events(association_endpoint) == wanted
    assert memorandum_events(outsider_endpoint) == []
    issued = payloads(session, endpoint, "memorandum.issued")[0]["data"]
    assert issued["registry_number"].startswith("AMT/MOU/")
    last_signature = payloads(session, endpoint, "memorandum.signed")[-1]["data"]
    assert last_signature["status"] == "signed"
    assert "ip" not in json.dumps(last_signature["signature"])


def test_meetings_are_announced_when_scheduled_and_when_changed(session, secretariat, endpoint):
    starts = utcnow() + timedelta(days=30)
    meeting = create_meeting(
        session,
        secretariat,
        kind=MeetingKind.GENERAL_ASSEMBLY,
        title="General Assembly 2027",
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        place="Astana",
    )
    cancel_meeting(session, secretariat, meeting, "The venue is not available.")
    scheduled, changed = payloads(session, endpoint)
    assert scheduled["type"] == "meeting.scheduled"
    assert scheduled["data"]["calendar_url"].endswith(f"/meetings/{meeting.id}.ics")
    assert changed["type"] == "meeting.changed"
    assert changed["data"]["status"] == "cancelled"


def test_a_suspended_parks_endpoints_are_sent_nothing(
    session, secretariat, park, make_park, endpoint
):
    change_park_status(session, secretariat, park, ParkStatus.SUSPENDED, "Dues unpaid.")
    other = make_park("Bilisim Vadisi", country="TR")
    change_park_status(session, secretariat, other, ParkStatus.OBSERVER, "By its own request.")
    assert payloads(session, endpoint) == []

    change_park_status(session, secretariat, park, ParkStatus.MEMBER, "Dues paid.")
    (back,) = payloads(session, endpoint, "park.status_changed")
    assert (back["data"]["from"], back["data"]["to"]) == ("suspended", "member")
    assert "Dues" not in json.dumps(back)  # the reason stays in the park's history
