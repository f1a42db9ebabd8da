"""The worker: one command for the slow jobs (mail, webhooks, votes due, the daily checkpoint),
that survives a database that goes away and stops cleanly when told to."""

from __future__ import annotations

import smtplib
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from association.audit.models import AuditCheckpoint
from association.database import utcnow
from association.extensions import db
from association.mail.models import OutboxMessage
from association.mail.outbox import queue_mail
from association.voting.initiatives import create_initiative
from association.voting.models import Initiative, InitiativeStatus
from association.voting.votes import open_vote
from association.webhooks import service
from association.webhooks.models import WebhookDelivery
from association.worker import Worker
from tests.factories import make_integration_manager
from tests.smtp import RecordingSMTP
from tests.webhooks.receiver import Receiver


@pytest.fixture
def smtp(app, monkeypatch):
    monkeypatch.setattr(smtplib, "SMTP", RecordingSMTP)
    RecordingSMTP.sent = []
    app.config["MAIL_SERVER"] = "smtp.example.org"
    return RecordingSMTP


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


def test_worker_once_sends_the_mail_and_the_webhooks(
    runner, session, secretariat, park, smtp, receiver
):
    manager = make_integration_manager(session, secretariat, park, email="it@astanahub.example")
    endpoint, secret = service.register_endpoint(
        session, manager, url=receiver.url, events=["initiative.opened"]
    )
    receiver.secret = secret
    service.send_test_event(session, manager, endpoint)
    application = SimpleNamespace(contact_name="Aigerim", name_latin="Astana Hub")
    context = {"application": application, "link": "http://localhost/apply/code"}
    for recipient in ("a@astanahub.example", "b@astanahub.example"):
        queue_mail(
            session, recipient, "Received", "application_received.txt", language="en", **context
        )
    session.commit()
    waiting = session.scalars(select(OutboxMessage.recipient)).all()

    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "Webhooks delivered: 1" in result.output
    assert sorted(message["To"] for message in smtp.sent) == sorted(waiting)
    assert receiver.all_signed()
    assert session.scalar(select(WebhookDelivery.delivered_at)) is not None
    assert session.scalars(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))).all() == []


def test_the_worker_closes_due_votes_and_tells_the_platforms(
    runner, session, secretariat, park, delegate, receiver, time_machine
):
    manager = make_integration_manager(session, secretariat, park)
    _endpoint, secret = service.register_endpoint(
        session, manager, url=receiver.url, events=["initiative.closed"]
    )
    receiver.secret = secret
    initiative = create_initiative(session, secretariat, title="Budget 2027")
    open_vote(session, secretariat, initiative, closes_at=utcnow() + timedelta(hours=1))
    time_machine.move_to(utcnow() + timedelta(hours=2))

    initiative_id = initiative.id
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "closed: 1" in result.output
    assert session.get(Initiative, initiative_id).status == InitiativeStatus.CLOSED
    assert receiver.events() == ["initiative.closed"]
    assert receiver.all_signed()


def test_the_worker_signs_the_daily_checkpoint_once(app, session, park, time_machine):
    worker = Worker(db.session)
    worker.run_round()
    assert len(session.scalars(select(AuditCheckpoint)).all()) == 1
    worker.run_round()  # nothing moved, and not a day later
    assert len(session.scalars(select(AuditCheckpoint)).all()) == 1


def test_a_database_error_in_a_round_does_not_stop_the_worker(
    app, session, secretariat, park, receiver, monkeypatch, caplog
):
    manager = make_integration_manager(session, secretariat, park)
    endpoint, _secret = service.register_endpoint(
        session, manager, url=receiver.url, events=["initiative.opened"]
    )
    service.send_test_event(session, manager, endpoint)
    worker = Worker(db.session, interval=0.1)
    rounds = []
    real_votes = worker.votes

    def restarting_database(session, done):
        if not rounds:
            raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))
        real_votes(session, done)

    def counted_round():
        done = Worker.run_round(worker)
        rounds.append(done)
        if len(rounds) == 2:
            worker.stop()
        return done

    waits = []
    monkeypatch.setattr(worker, "votes", restarting_database)
    monkeypatch.setattr(worker, "run_round", counted_round)
    monkeypatch.setattr(worker.stopping, "wait", lambda seconds: waits.append(seconds))

    last = worker.run()
    assert rounds[0].database_errors == 1
    assert rounds[0].delivered == 0  # the round ended at the error
    assert last.database_errors == 0
    assert last.delivered == 1
    assert waits == [pytest.approx(0.2)]  # waited longer than the interval before trying again
    assert "database error: server closed the connection" in caplog.text


def test_a_stopped_worker_finishes_its_round_and_exits(app, session, secretariat, park, receiver):
    manager = make_integration_manager(session, secretariat, park)
    endpoint, _secret = service.register_endpoint(
        session, manager, url=receiver.url, events=["initiative.opened"]
    )
    service.send_test_event(session, manager, endpoint)
    worker = Worker(db.session, interval=3600)
    real_checkpoint = worker.checkpoint

    def signal_arrives(session, done):  # SIGTERM while the round is under way
        worker.stop()
        real_checkpoint(session, done)

    worker.checkpoint = signal_arrives
    done = worker.run()  # returns instead of waiting an hour
    assert done.checkpoints == 1  # the job in hand was finished
    assert receiver.received == []  # and no other was started
