"""Brute force: every secret a stranger could guess is throttled (429, a readable page), the
failures are in the audit log, and nothing but the audit log changes."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from association.audit.models import AuditEvent
from association.mail.models import OutboxMessage
from association.memoranda import circulation as memoranda_circulation
from association.memoranda import drafting as memoranda_drafting
from tests.factories import PASSWORD, login
from tests.security.conftest import nothing_changes, refused


def audited(session, action: str) -> int:
    return session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    )


def until_throttled(post, attempts: int = 40):
    """POST until the app says 429; returns the 429 response and how many came before it."""
    for n in range(attempts):
        response = post()
        assert response.status_code != 500
        if response.status_code == 429:
            return response, n
    raise AssertionError(f"no 429 after {attempts} attempts")


def test_password_guessing_at_sign_in_is_throttled_and_audited(client, session, delegate):
    with nothing_changes(audited=True):
        response, before = until_throttled(
            lambda: client.post(
                "/login", data={"email": delegate.email, "password": "wrong password 123"}
            )
        )
        refused(response, 429, "Too many attempts", "Please wait 1 minute")
    assert before <= 10
    assert audited(session, "login.failed") == before
    assert audited(session, "login.throttled") >= 1
    # The right password is refused too while throttled: guessing cannot continue.
    assert (
        client.post("/login", data={"email": delegate.email, "password": PASSWORD}).status_code
        == 429
    )


def test_code_guessing_at_the_second_factor_is_throttled_and_audited(client, session, secretariat):
    step = client.post("/login", data={"email": secretariat.email, "password": PASSWORD}).headers[
        "Location"
    ]
    with nothing_changes(audited=True):
        response, before = until_throttled(lambda: client.post(step, data={"code": "000000"}))
        refused(response, 429, "Too many attempts")
    assert before <= 10
    assert audited(session, "second_factor.failed") == before
    assert audited(session, "login.throttled") >= 1


def test_code_guessing_at_reconfirmation_is_throttled_and_audited(client, session, secretariat):
    login(client, secretariat)
    with nothing_changes(audited=True):
        response, before = until_throttled(
            lambda: client.post("/account/confirm", data={"code": "000000"})
        )
        refused(response, 429, "Too many attempts")
    assert audited(session, "second_factor.failed") == before


def _circulating(session, secretariat, park, other_park):
    memorandum = memoranda_drafting.create_memorandum(
        session,
        secretariat,
        title="Astana and Sabah",
        place="Astana",
        texts={"en": "## Article 1\n\nThe Parties cooperate."},
    )
    mine = memoranda_drafting.add_member_party(session, secretariat, memorandum, park)
    memoranda_drafting.add_member_party(session, secretariat, memorandum, other_park)
    memoranda_drafting.add_outside_party(
        session,
        secretariat,
        memorandum,
        name="Digital Bridge Foundation",
        country="KZ",
        signatory_name="Daniyar Akhmetov",
        signatory_title="Chairman",
        signatory_email="chair@digitalbridge.example",
    )
    return memorandum, mine, memoranda_circulation.circulate(session, secretariat, memorandum)


def test_password_guessing_when_signing_is_throttled_and_audited(
    client, session, secretariat, make_user, park, other_park, other_delegate
):
    signatory = make_user(park=park, signatory=True, full_name="Yerlan Nurpeisov", title="CEO")
    memorandum, mine, circulation = _circulating(session, secretariat, park, other_park)
    login(client, signatory)
    form = {
        "sign-party": mine.id,
        "sign-circulation": circulation.id,
        "sign-full_name": "Yerlan Nurpeisov",
        "sign-title": "CEO",
        "sign-consent": "y",
        "sign-password": "not my password",
        "sign-submit": "Sign",
    }
    with nothing_changes(audited=True):
        response, before = until_throttled(
            lambda: client.post(f"/memoranda/{memorandum.id}/sign", data=form)
        )
        refused(response, 429, "Too many attempts")
    assert (
        audited(session, "memorandum.sign_wrong_password") == 5
    )  # then signing pauses, refusals still audited
    session.refresh(circulation)
    assert circulation.signature_of(mine) is None
    # Even the right password no longer signs: the pause holds.
    form["sign-password"] = PASSWORD
    assert client.post(f"/memoranda/{memorandum.id}/sign", data=form).status_code in (403, 429)


def test_code_guessing_by_an_outside_signatory_is_throttled_and_audited(
    client, session, secretariat, make_user, park, other_park, other_delegate
):
    make_user(park=park, signatory=True, full_name="Yerlan Nurpeisov", title="CEO")
    memorandum, _mine, circulation = _circulating(session, secretariat, park, other_park)
    body = (
        session.scalars(
            select(OutboxMessage).where(OutboxMessage.recipient == "chair@digitalbridge.example")
        )
        .all()[-1]
        .body
    )
    token = re.search(r"/memoranda/sign/([\w-]+)", body).group(1)
    client.post(f"/memoranda/sign/{token}", data={"send_code": "1"})
    form = {
        "sign-code": "000000",
        "sign-full_name": "Daniyar Akhmetov",
        "sign-title": "Chairman",
        "sign-consent": "y",
        "sign-submit": "Sign",
    }
    with nothing_changes(audited=True):
        response, _before = until_throttled(
            lambda: client.post(f"/memoranda/sign/{token}", data=form)
        )
        refused(response, 429, "Too many attempts")
    assert audited(session, "memorandum.outside_code_wrong") >= 1
    assert (
        audited(session, "memorandum.outside_code_wrong")
        + audited(session, "memorandum.outside_link_locked")
        >= 5
    )
    session.refresh(circulation)
    assert all(signature.party.park_id is not None for signature in circulation.signatures)


def test_uploads_to_verify_are_throttled(client, session):
    with nothing_changes():
        response, before = until_throttled(
            lambda: client.post(
                "/verify",
                content_type="multipart/form-data",
                data={"document": (io.BytesIO(b"%PDF-1.7 not a document"), "forged.pdf")},
            )
        )
        refused(response, 429, "Too many attempts")
    assert before == 30
