"""A change of role never ends a park's duties without saying so first."""

import json

import pytest
from sqlalchemy import select

from association.audit.models import AuditEvent
from association.auth.service import change_role, duties_lost_by_role_change
from association.domain import Conflict
from association.parks.models import Role
from tests.factories import login


@pytest.fixture
def representative(make_user, park):
    return make_user(park=park, delegate=True, signatory=True, full_name="Aigerim Sadykova")


def test_duties_lost_by_a_change_to_staff_are_named(representative, member):
    lost = duties_lost_by_role_change(representative, Role.SECRETARIAT)
    assert lost == ["delegate of Astana Hub", "signatory of Astana Hub"]
    assert duties_lost_by_role_change(representative, Role.ADMIN) == lost
    assert duties_lost_by_role_change(member, Role.SECRETARIAT) == []  # no duties to lose


def test_a_role_change_that_ends_duties_is_refused_unless_confirmed(
    session, admin, representative, park
):
    with pytest.raises(Conflict, match="would no longer be delegate of Astana Hub") as refused:
        change_role(session, admin, representative, Role.SECRETARIAT)
    assert refused.value.field == "end_duties"
    session.expire_all()
    assert representative.role == Role.MEMBER
    assert representative.park_id == park.id
    assert representative.is_delegate
    assert representative.is_signatory


def test_a_confirmed_role_change_ends_the_duties_and_the_audit_names_them(
    session, admin, representative
):
    change_role(session, admin, representative, Role.SECRETARIAT, end_duties=True)
    assert representative.role == Role.SECRETARIAT
    assert representative.park is None
    assert not representative.is_delegate
    assert not representative.is_signatory
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.role_changed")
    ).one()
    assert json.loads(event.details)["duties_ended"] == ["delegate", "signatory"]


def test_user_page_says_before_saving_which_duties_a_role_change_ends(
    client, session, admin, representative
):
    login(client, admin)
    page = client.get(f"/secretariat/users/{representative.id}").get_data(as_text=True)
    assert "ends their duties as delegate of Astana Hub, signatory of Astana Hub" in page
    assert "Yes, end these duties with the change of role" in page

    response = client.post(
        f"/secretariat/users/{representative.id}/role",
        data={"role": "secretariat", "park": 0},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    # The refusal stands beside the box to tick, which is marked invalid.
    box = page[page.index('id="end_duties"') - 300 : page.index('id="end_duties"') + 900]
    assert "is-invalid" in box
    assert 'aria-invalid="true"' in box
    assert "Confirm that these duties end" in box
    session.expire_all()
    assert representative.role == Role.MEMBER
    assert representative.is_signatory

    confirmed = client.post(
        f"/secretariat/users/{representative.id}/role",
        data={"role": "secretariat", "park": 0, "end_duties": "y"},
    )
    assert confirmed.status_code == 302
    session.expire_all()
    assert representative.role == Role.SECRETARIAT
