"""Every way a park is admitted announces `member.admitted` once: an application the
secretariat approves, one the member parks' vote approves, a park the secretariat adds or
re-admits, an observer admitted as a member. Lifting a suspension is not an admission."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from association.membership import admission
from association.membership.models import ApplicationStatus, Category
from association.parks.models import ParkStatus
from association.parks.service import change_park_status, create_park
from association.voting.ballots import cast_ballot
from association.voting.votes import close_vote
from association.webhooks import service
from association.webhooks.models import WebhookDelivery
from tests.factories import EARLY


@pytest.fixture
def endpoint(session, secretariat):
    endpoint, _secret = service.register_endpoint(
        session, secretariat, url="http://127.0.0.1:9/hooks", events=["member.admitted"]
    )
    return endpoint


def admitted(session) -> list[str]:
    """The slugs of the parks announced as admitted, in order."""
    deliveries = session.scalars(
        select(WebhookDelivery)
        .where(WebhookDelivery.event == "member.admitted")
        .order_by(WebhookDelivery.id)
    )
    return [json.loads(delivery.payload)["data"]["slug"] for delivery in deliveries]


# Each way: arranged first (its own parks may be announced as they are made), then the act
# that admits the Technopark of Tajikistan.
def by_the_secretariat(session, secretariat, make_park, make_user, make_application):
    application = make_application(ApplicationStatus.UNDER_REVIEW)
    return lambda: admission.approve_application(session, secretariat, application, Category.MEMBER)


def by_a_vote(session, secretariat, make_park, make_user, make_application):
    delegate = make_user(park=make_park("Sabah Lab", country="AZ"), delegate=True)
    application = make_application(ApplicationStatus.UNDER_REVIEW)
    initiative = admission.put_to_vote(session, secretariat, application)
    cast_ballot(session, delegate, initiative, "for")

    def close():
        close_vote(session, secretariat, initiative, reason=EARLY)
        session.expire_all()
        return application.park

    return close


def added_by_the_secretariat(session, secretariat, make_park, make_user, make_application):
    return lambda: create_park(
        session, secretariat, name_latin="Technopark of Tajikistan", country="TJ"
    )


def readmitted_after_withdrawing(session, secretariat, make_park, make_user, make_application):
    park = make_park("Technopark of Tajikistan", country="TJ")
    change_park_status(session, secretariat, park, ParkStatus.WITHDRAWN, "Withdrew")
    return lambda: change_park_status(session, secretariat, park, ParkStatus.MEMBER, "Re-admitted")


def an_observer_made_a_member(session, secretariat, make_park, make_user, make_application):
    park = make_park("Technopark of Tajikistan", country="TJ", status=ParkStatus.OBSERVER)
    return lambda: change_park_status(session, secretariat, park, ParkStatus.MEMBER, "Admitted")


@pytest.mark.parametrize(
    "way",
    [
        by_the_secretariat,
        by_a_vote,
        added_by_the_secretariat,
        readmitted_after_withdrawing,
        an_observer_made_a_member,
    ],
)
def test_every_admission_is_announced_once(
    session, secretariat, endpoint, make_park, make_user, make_application, way
):
    admit = way(session, secretariat, make_park, make_user, make_application)
    before = admitted(session)
    park = admit()
    assert park.slug == "technopark-of-tajikistan"
    assert park.status == ParkStatus.MEMBER
    assert admitted(session) == [*before, park.slug]


def test_lifting_a_suspension_is_not_an_admission(session, secretariat, endpoint, make_park):
    park = make_park("Technopark of Tajikistan", country="TJ")
    change_park_status(session, secretariat, park, ParkStatus.SUSPENDED, "Unpaid fees")
    before = admitted(session)
    change_park_status(session, secretariat, park, ParkStatus.MEMBER, "Fees paid")
    assert admitted(session) == before
