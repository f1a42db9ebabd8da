import pytest
from sqlalchemy import select

from association.domain import Conflict, Invalid, NotAllowed
from association.parks import service
from association.parks.models import ParkStatus, ParkStatusChange


def test_admitted_parks_get_sequential_membership_numbers(make_park):
    first = make_park("Astana Hub", country="KZ")
    second = make_park("IT Park Uzbekistan", country="UZ")
    assert first.membership_number == "AMT-KZ-0001"
    assert second.membership_number == "AMT-UZ-0002"
    assert first.member_since is not None


def test_membership_number_is_never_reused_after_withdrawal(session, make_park, secretariat):
    first = make_park("Astana Hub")
    service.change_park_status(
        session, secretariat, first, ParkStatus.WITHDRAWN, "Left the association"
    )
    second = make_park("Sabah Lab", country="AZ")
    assert second.membership_number == "AMT-AZ-0002"


def test_observer_admitted_later_gets_its_number_then(session, make_park, secretariat):
    candidate = make_park("Technopark of Tajikistan", country="TJ", status=ParkStatus.OBSERVER)
    assert candidate.membership_number == "AMT-TJ-0001"
    service.change_park_status(
        session, secretariat, candidate, ParkStatus.MEMBER, "Admitted by the General Assembly"
    )
    assert candidate.membership_number == "AMT-TJ-0001"


def test_status_change_is_kept_in_history_with_its_reason(session, park, secretariat):
    service.change_park_status(
        session, secretariat, park, ParkStatus.SUSPENDED, "Fees unpaid for 2025"
    )
    history = session.scalars(
        select(ParkStatusChange)
        .where(ParkStatusChange.park_id == park.id)
        .order_by(ParkStatusChange.id)
    ).all()
    assert [(h.from_status, h.to_status) for h in history] == [
        (None, "member"),
        ("member", "suspended"),
    ]
    assert history[-1].reason == "Fees unpaid for 2025"
    assert history[-1].changed_by_id == secretariat.id


def test_status_change_needs_a_reason(session, park, secretariat):
    with pytest.raises(Invalid):
        service.change_park_status(session, secretariat, park, ParkStatus.SUSPENDED, "  ")
    assert park.status == ParkStatus.MEMBER


def test_status_change_to_the_same_status_is_a_conflict(session, park, secretariat):
    with pytest.raises(Conflict):
        service.change_park_status(session, secretariat, park, ParkStatus.MEMBER, "again")


def test_member_cannot_manage_parks(session, park, member):
    with pytest.raises(NotAllowed):
        service.change_park_status(session, member, park, ParkStatus.SUSPENDED, "coup")
    session.expire_all()
    assert park.status == ParkStatus.MEMBER


@pytest.mark.parametrize("country", ["XX", "Kazakhstan", "", "kzz"])
def test_country_must_be_iso_3166(make_park, country):
    with pytest.raises(Invalid, match="ISO 3166"):
        make_park(country=country)


@pytest.mark.parametrize("website", ["javascript:alert(1)", "ftp://example.org", "example.org"])
def test_website_must_be_http(make_park, website):
    with pytest.raises(Invalid, match="http"):
        make_park(website=website)


def test_slugs_are_unique_and_stable(session, make_park, secretariat):
    first = make_park("Bilişim Vadisi", country="TR")
    second = make_park("Bilişim Vadisi", country="TR")
    assert (first.slug, second.slug) == ("bilisim-vadisi", "bilisim-vadisi-2")
    service.update_park(session, secretariat, first, name_latin="Bilişim Vadisi Teknopark")
    assert first.slug == "bilisim-vadisi"


def test_withdrawn_parks_users_cannot_sign_in(session, park, delegate, secretariat):
    from association.auth.service import sign_in
    from tests.factories import PASSWORD

    service.change_park_status(session, secretariat, park, ParkStatus.WITHDRAWN, "Left")
    with pytest.raises(NotAllowed):
        sign_in(session, delegate.email, PASSWORD)
