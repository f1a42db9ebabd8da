"""Secrets in the outbox and the log: a reset link, an invitation link, an outside signatory's
link and code, an applicant's tracking link are for their recipient alone. Other staff reading
the outbox see them as ••••, nothing writes them to the log at any level, and SMTP still sends
the real text."""

from __future__ import annotations

import html
import logging
import re
import smtplib

import pytest
from sqlalchemy import select

from association.auth import service as accounts
from association.mail.models import OutboxMessage
from association.mail.outbox import Secret, queue_mail, send_pending
from association.membership import applications
from association.memoranda import circulation as memoranda_circulation
from association.memoranda import drafting as memoranda_drafting
from association.memoranda import outside
from tests.factories import login, make_user
from tests.membership.conftest import application_input
from tests.smtp import RecordingSMTP


def _last_to(session, recipient: str) -> OutboxMessage:
    return session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.recipient == recipient)
        .order_by(OutboxMessage.id.desc())
    ).first()


def _reset(session, admin, **_):
    accounts.request_password_reset(session, admin.email)
    message = _last_to(session, admin.email)
    return message, re.search(r"/reset/([\w-]+)", message.body).group(1), "/reset/••••"


def _invitation(session, secretariat, park, **_):
    _user, token = accounts.create_user(
        session,
        secretariat,
        email="invited@example.org",
        full_name="Invited",
        park=park,
        invite=True,
    )
    return _last_to(session, "invited@example.org"), token, "/invitation/••••"


def _circulating_with_outside_party(session, secretariat, park, other_park):
    make_user(session, park=park, signatory=True, full_name="Yerlan Nurpeisov", title="CEO")
    memorandum = memoranda_drafting.create_memorandum(
        session,
        secretariat,
        title="Astana and Digital Bridge",
        place="Astana",
        texts={"en": "## Article 1\n\nThe Parties cooperate."},
    )
    memoranda_drafting.add_member_party(session, secretariat, memorandum, park)
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
    memoranda_circulation.circulate(session, secretariat, memorandum)
    message = _last_to(session, "chair@digitalbridge.example")
    return message, re.search(r"/memoranda/sign/([\w-]+)", message.body).group(1)


def _outside_link(session, secretariat, park, other_park, **_):
    message, token = _circulating_with_outside_party(session, secretariat, park, other_park)
    return message, token, "/memoranda/sign/••••"


def _outside_code(session, secretariat, park, other_park, **_):
    _message, token = _circulating_with_outside_party(session, secretariat, park, other_park)
    outside.send_outside_code(session, token)
    message = _last_to(session, "chair@digitalbridge.example")
    code = re.search(r"^\s+(\d{6})\s*$", message.body, re.MULTILINE).group(1)
    return message, code, "  ••••"


def _confirmation_link(session, **_):
    submitted = applications.submit_application(session, application_input(), [])
    message = _last_to(session, "farrukh@technopark.tj")
    link_code = f"{submitted.tracking_code}/confirm/{submitted.confirmation_code}"
    return message, link_code, "/apply/••••"


def _tracking_link(session, **_):
    submitted = applications.submit_application(session, application_input(), [])
    applications.confirm_application(
        session,
        submitted.application,
        submitted.confirmation_code,
        tracking_code=submitted.tracking_code,
    )
    message = _last_to(session, "farrukh@technopark.tj")
    return message, submitted.tracking_code, "/apply/••••"


SECRET_MESSAGES = {
    "password reset link": _reset,
    "invitation link": _invitation,
    "outside signatory's link": _outside_link,
    "outside signatory's code": _outside_code,
    "applicant's confirmation link": _confirmation_link,
    "applicant's tracking link": _tracking_link,
}


@pytest.fixture(params=list(SECRET_MESSAGES))
def secret_message(request, session, admin, secretariat, park, other_park, other_delegate):
    """(the queued message, its secret, what the outbox shows instead)."""
    make = SECRET_MESSAGES[request.param]
    return make(
        session=session, admin=admin, secretariat=secretariat, park=park, other_park=other_park
    )


def test_the_outbox_never_shows_another_persons_secret(
    client, session, secretariat, secret_message
):
    message, secret, shown = secret_message
    assert secret in message.body  # what the recipient will get
    login(client, secretariat)
    listing = client.get("/secretariat/outbox/").get_data(as_text=True)
    page = client.get(f"/secretariat/outbox/{message.id}").get_data(as_text=True)
    assert secret not in listing
    assert secret not in page
    assert shown in page
    # Only the secret is hidden: the rest of the message reads as written.
    assert message.body.replace(secret, "••••") in html.unescape(page)


def test_no_secret_is_written_to_the_log_at_any_level(
    app, session, admin, secretariat, park, other_park, other_delegate, caplog, monkeypatch
):
    caplog.set_level(logging.DEBUG)  # every logger, every level
    secrets = []
    for make in SECRET_MESSAGES.values():
        _message, secret, _shown = make(
            session=session, admin=admin, secretariat=secretariat, park=park, other_park=other_park
        )
        secrets.append(secret)

    # The SMTP path too, a failure included (its reason is logged).
    def refuse(self, message):
        raise smtplib.SMTPDataError(554, b"rejected")

    monkeypatch.setattr(smtplib, "SMTP", RecordingSMTP)
    monkeypatch.setattr(RecordingSMTP, "send_message", refuse)
    send_pending(session, dict(app.config, MAIL_SERVER="smtp.example.org"))

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "E-mail to" in logged  # the development path did log the messages
    assert "could not be sent" in logged
    for secret in secrets:
        assert secret not in logged


def test_smtp_sends_the_real_link(app, session, admin, monkeypatch):
    monkeypatch.setattr(smtplib, "SMTP", RecordingSMTP)
    RecordingSMTP.sent = []
    message, token, _shown = _reset(session, admin)
    assert send_pending(session, dict(app.config, MAIL_SERVER="smtp.example.org")) == (1, 0)
    (email,) = RecordingSMTP.sent
    assert f"/reset/{token}" in email.get_content()


def test_the_hidden_part_is_exactly_the_secret_whatever_else_the_message_says(app, session):
    """A secret that also appears in plain text elsewhere, or text that looks like a token,
    is not guessed at: only what the code that queued the message marked is hidden."""
    message = queue_mail(
        session,
        "someone@example.org",
        "Reset",
        "password_reset.txt",
        language="en",
        user=type("U", (), {"full_name": "/reset/notasecret", "email": "a@b.example"})(),
        link=Secret.link("/reset/", "tok-123"),
        hours=2,
    )
    assert "http://localhost/reset/tok-123" in message.body
    assert "http://localhost/reset/••••" in message.shown_body
    assert "Dear /reset/notasecret," in message.shown_body
    assert "tok-123" not in message.shown_body
