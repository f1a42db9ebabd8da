import smtplib

from sqlalchemy import select

from association.auth import service
from association.mail.models import OutboxMessage
from association.mail.outbox import send_pending


class FakeSMTP:
    """Stands in for the SMTP server: records what it was given; fails for one address."""

    sent: list = []

    def __init__(self, host, port, timeout):
        self.host = host

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def login(self, user, password):
        pass

    def send_message(self, message):
        if message["To"] == "bounce@example.org":
            raise smtplib.SMTPRecipientsRefused({message["To"]: (550, b"no such user")})
        FakeSMTP.sent.append(message)


def test_send_mail_sends_once_and_keeps_failures_queued(
    app, session, secretariat, park, monkeypatch
):
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    FakeSMTP.sent = []
    service.create_user(
        session, secretariat, email="good@example.org", full_name="Good", park=park, invite=True
    )
    service.create_user(
        session, secretariat, email="bounce@example.org", full_name="Bounce", park=park, invite=True
    )
    config = dict(app.config, MAIL_SERVER="smtp.example.org")
    assert send_pending(session, config) == (1, 1)
    assert send_pending(session, config) == (0, 1)
    assert [m["To"] for m in FakeSMTP.sent] == ["good@example.org"]
    failed = session.scalar(
        select(OutboxMessage).where(OutboxMessage.recipient == "bounce@example.org")
    )
    assert failed.sent_at is None
    assert failed.attempts == 2
    assert "no such user" in failed.last_error


def test_secretariat_reads_the_outbox(client, session, secretariat, park):
    from tests.factories import login

    service.create_user(
        session, secretariat, email="new@example.org", full_name="New", park=park, invite=True
    )
    message = session.scalar(select(OutboxMessage))
    login(client, secretariat)
    assert "new@example.org" in client.get("/secretariat/outbox/").get_data(as_text=True)
    assert "/invitation/" in client.get(f"/secretariat/outbox/{message.id}").get_data(as_text=True)
