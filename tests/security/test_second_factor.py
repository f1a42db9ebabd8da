"""Staff accounts act only with their second factor, and the most sensitive actions only with a fresh one."""

from __future__ import annotations

import time

import pytest

from association.memoranda import circulation as memoranda_circulation
from association.memoranda import drafting as memoranda_drafting
from association.memoranda.models import MemorandumStatus
from association.parks.models import Role, User
from association.web import SECOND_FACTOR_EXEMPT
from tests.factories import login
from tests.memoranda.conftest import sign_as
from tests.security.conftest import STATE_CHANGING, nothing_changes, routes

ENROLMENT = "/account/second-factor"


@pytest.mark.parametrize("role", [Role.SECRETARIAT, Role.ADMIN])
def test_a_staff_account_without_its_second_factor_cannot_act_anywhere(
    app, client, session, make_user, populated, role
):
    staff = make_user(role=role, email=f"new-{role}@example.org")
    login(client, staff)
    with nothing_changes(audited=True):
        checked = [
            (m, p, e)
            for m, p, e in routes(app, methods={"GET", *STATE_CHANGING})
            # The API takes no cookie: a staff cookie is a visitor there (tests/api).
            if e not in SECOND_FACTOR_EXEMPT
            and not p.startswith("/calendar/")
            and not p.startswith("/api/")
        ]
        assert len(checked) >= 50
        for method, path, endpoint in checked:
            response = client.open(
                path, method=method, data={"status": "suspended", "reason": "x", "role": "admin"}
            )
            assert response.status_code == 302, (method, path, endpoint, response.status_code)
            assert response.headers["Location"].endswith(ENROLMENT), (method, path, endpoint)
    assert session.get(User, populated["member"].id).role == Role.MEMBER


def test_every_secretariat_post_without_a_second_factor_changes_nothing(
    app, client, session, make_user, populated, park, delegate
):
    staff = make_user(role=Role.SECRETARIAT, email="new-staff@example.org")
    login(client, staff)
    with nothing_changes(audited=True):
        for method, path, endpoint in routes(app, methods=STATE_CHANGING, prefix="/secretariat"):
            response = client.open(path, method=method, data={"status": "suspended", "reason": "x"})
            assert response.status_code == 302, endpoint
            assert response.headers["Location"].endswith(ENROLMENT), endpoint


def _stale(client) -> None:
    with client.session_transaction() as cookie:
        cookie["second_factor_at"] = time.time() - 11 * 60


def test_a_stale_second_factor_cannot_change_a_role(client, session, admin, member):
    login(client, admin)
    _stale(client)
    with nothing_changes():
        response = client.post(
            f"/secretariat/users/{member.id}/role", data={"role": "admin", "park": 0}
        )
        assert response.status_code == 302
        assert "/account/confirm" in response.headers["Location"]
    assert session.get(User, member.id).role == Role.MEMBER


def test_a_stale_second_factor_cannot_reset_someone_elses_second_factor(
    client, session, admin, secretariat
):
    login(client, admin)
    _stale(client)
    with nothing_changes():
        response = client.post(f"/secretariat/users/{secretariat.id}/second-factor/reset", data={})
        assert response.status_code == 302
        assert "/account/confirm" in response.headers["Location"]


def test_a_stale_second_factor_cannot_issue_or_terminate_a_memorandum(
    client, session, secretariat, make_user, park, other_park, other_delegate
):
    ours = make_user(park=park, signatory=True, full_name="Yerlan Nurpeisov", title="CEO")
    memorandum = memoranda_drafting.create_memorandum(
        session,
        secretariat,
        title="Memorandum",
        place="Astana",
        texts={"en": "## Article 1\n\nThe Parties cooperate."},
    )
    memoranda_drafting.add_member_party(session, secretariat, memorandum, park)
    memoranda_drafting.add_member_party(session, secretariat, memorandum, other_park)
    memoranda_circulation.circulate(session, secretariat, memorandum)
    sign_as(session, ours, memorandum)
    sign_as(session, other_delegate, memorandum)
    assert (
        memorandum.status == MemorandumStatus.SIGNED
    )  # one fresh confirmation away from being issued
    login(client, secretariat)
    _stale(client)
    with nothing_changes():
        for action in ("issue", "terminate"):
            response = client.post(
                f"/secretariat/memoranda/{memorandum.id}/{action}", data={"reason": "x"}
            )
            assert response.status_code == 302, action
            assert "/account/confirm" in response.headers["Location"], action
    session.refresh(memorandum)
    assert memorandum.status == MemorandumStatus.SIGNED
    assert memorandum.document_id is None


def test_a_session_without_any_second_factor_time_counts_as_stale(client, session, admin, member):
    login(client, admin)
    with client.session_transaction() as cookie:
        cookie.pop("second_factor_at", None)
    with nothing_changes():
        response = client.post(
            f"/secretariat/users/{member.id}/role", data={"role": "admin", "park": 0}
        )
        assert "/account/confirm" in response.headers["Location"]
