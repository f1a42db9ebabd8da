import smtplib
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from association.auth import service
from association.mail.models import OutboxMessage
from association.mail.outbox import send_pending
from tests.factories import POSTGRES_URL, login

T0 = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


class FakeSMTP:
    """Stands in for the SMTP server: records what it was given; refuses some addresses,
    drops the connection for others."""

    sent: list = []
    connections = 0
    refused = {"bounce@example.org"}
    dropping = {"drop@example.org"}

    def __init__(self, host, port, timeout):
        FakeSMTP.connections += 1

    def starttls(self):
        pass

    def login(self, user, password):
        pass

    def send_message(self, message):
        if message["To"] in FakeSMTP.refused:
            raise smtplib.SMTPRecipientsRefused({message["To"]: (550, b"no such user")})
        if message["To"] in FakeSMTP.dropping:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        FakeSMTP.sent.append(message)

    def quit(self):
        pass

    def close(self):
        pass


@pytest.fixture
def smtp(monkeypatch):
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    FakeSMTP.sent = []
    FakeSMTP.connections = 0
    return FakeSMTP


@pytest.fixture
def config(app):
    return dict(
        app.config, MAIL_SERVER="smtp.example.org", MAIL_MAX_ATTEMPTS=3, MAIL_RETRY_MINUTES=5
    )


@pytest.fixture
def invite(session, secretariat, park):
    def invite(email: str) -> OutboxMessage:
        service.create_user(
            session, secretariat, email=email, full_name="X", park=park, invite=True
        )
        return session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == email))

    return invite


def sent_to(smtp) -> list[str]:
    return [m["To"] for m in smtp.sent]


def test_send_mail_sends_once_and_keeps_failures_queued(session, smtp, config, invite):
    invite("good@example.org")
    failed = invite("bounce@example.org")
    assert send_pending(session, config, now=T0) == (1, 1)
    assert send_pending(session, config, now=T0 + timedelta(minutes=5)) == (0, 1)
    assert sent_to(smtp) == ["good@example.org"]
    session.refresh(failed)
    assert failed.sent_at is None
    assert failed.attempts == 2
    assert "no such user" in failed.last_error


def test_one_refused_message_among_three_does_not_stop_the_others(session, smtp, config, invite):
    first, middle, last = (
        invite("a@example.org"),
        invite("bounce@example.org"),
        invite("c@example.org"),
    )
    assert send_pending(session, config, now=T0) == (2, 1)
    assert sent_to(smtp) == ["a@example.org", "c@example.org"]
    for message in (first, middle, last):
        session.refresh(message)
    assert first.sent_at
    assert last.sent_at
    assert middle.sent_at is None
    assert "550" in middle.last_error


def test_a_dropped_connection_fails_that_message_and_the_next_ones_go_on_a_new_one(
    session, smtp, config, invite
):
    invite("a@example.org"), invite("drop@example.org"), invite("c@example.org")
    assert send_pending(session, config, now=T0) == (2, 1)
    assert sent_to(smtp) == ["a@example.org", "c@example.org"]
    assert smtp.connections == 2


def test_a_failed_message_waits_longer_after_each_failure(session, smtp, config, invite):
    message = invite("bounce@example.org")
    send_pending(session, config, now=T0)
    session.refresh(message)
    assert message.next_attempt_at == T0 + timedelta(minutes=5)

    assert send_pending(session, config, now=T0 + timedelta(minutes=4)) == (0, 0)  # still waiting
    session.refresh(message)
    assert message.attempts == 1

    second = T0 + timedelta(minutes=5)
    assert send_pending(session, config, now=second) == (0, 1)
    session.refresh(message)
    assert message.next_attempt_at == second + timedelta(minutes=10)
    assert send_pending(session, config, now=second + timedelta(minutes=9)) == (0, 0)


def test_send_mail_gives_up_after_the_last_try(client, session, smtp, config, invite, secretariat):
    message = invite("bounce@example.org")
    when = T0
    for _try in range(3):
        assert send_pending(session, config, now=when) == (0, 1)
        when += timedelta(days=1)
    session.refresh(message)
    assert message.attempts == 3
    assert message.gave_up_at is not None
    assert message.next_attempt_at is None
    assert send_pending(session, config, now=when + timedelta(days=30)) == (0, 0)
    assert message.attempts == 3

    # The secretariat sees it, and why.
    login(client, secretariat)
    listing = client.get("/secretariat/outbox/").get_data(as_text=True)
    assert "given up after 3 tries" in listing
    assert "no such user" in listing
    page = client.get(f"/secretariat/outbox/{message.id}").get_data(as_text=True)
    assert "send-mail gave up" in page
    assert "no such user" in page


def test_an_unreachable_server_stops_the_run_and_charges_no_message(
    session, config, invite, monkeypatch
):
    def unreachable(*args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(smtplib, "SMTP", unreachable)
    message = invite("a@example.org")
    with pytest.raises(OSError, match="refused"):
        send_pending(session, config, now=T0)
    session.refresh(message)
    assert message.attempts == 0
    assert message.next_attempt_at is None


def test_the_command_goes_on_past_a_failure_and_says_so(app, runner, session, smtp, invite):
    invite("bounce@example.org"), invite("good@example.org")
    app.config["MAIL_SERVER"] = "smtp.example.org"
    with time_machine.travel(T0, tick=False):
        result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 1
    assert "Sent 1 message; 1 failed" in result.output
    assert sent_to(smtp) == ["good@example.org"]


def test_secretariat_reads_the_outbox(client, session, secretariat, park):
    service.create_user(
        session, secretariat, email="new@example.org", full_name="New", park=park, invite=True
    )
    message = session.scalar(select(OutboxMessage))
    login(client, secretariat)
    assert "new@example.org" in client.get("/secretariat/outbox/").get_data(as_text=True)
    assert "/invitation/" in client.get(f"/secretariat/outbox/{message.id}").get_data(as_text=True)


@pytest.mark.skipif(not POSTGRES_URL, reason="several senders at once is PostgreSQL's case")
def test_two_senders_at_once_send_each_message_once(app, session, smtp, config, invite):
    import threading

    from sqlalchemy.orm import Session

    from association.extensions import db

    for n in range(20):
        invite(f"member{n}@example.org")
    session.commit()
    start = threading.Barrier(2)
    results = []

    def send(name):
        with app.app_context():
            own = Session(db.engine)
            try:
                start.wait()
                results.append(send_pending(own, config, worker=name))
            finally:
                own.close()

    senders = [threading.Thread(target=send, args=(f"sender-{n}",)) for n in (1, 2)]
    for thread in senders:
        thread.start()
    for thread in senders:
        thread.join(timeout=60)
    assert sorted(sent_to(smtp)) == sorted(f"member{n}@example.org" for n in range(20))
    assert sum(sent for sent, _failed in results) == 20
