"""The worker: `flask --app association worker`, the one process for the slow jobs.

Each round it opens and closes the votes that are due (and sends their reminders), signs the
daily audit checkpoint when one is due, sends the outbox's due e-mail (when MAIL_SERVER is
set) and delivers the due webhooks; then it waits `--interval` seconds. It runs until SIGTERM
or SIGINT, finishing the job in hand first.

Every job works on rows that the changes wrote in their own transactions (the outbox pattern),
claimed one at a time under a lease (association.leases): on PostgreSQL several copies on
several machines never do one job twice; on SQLite one worker is the rule. A database that
goes away (a restart, a failover) costs a round, not the worker: the error is logged in one
line, the session rolled back, and the worker waits longer each time before it tries again.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import click
from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from association.audit.checkpoints import checkpoint_due, checkpoint_if_due
from association.audit.log import current_origin
from association.extensions import db
from association.leases import worker_name
from association.mail.outbox import send_pending
from association.site import settings
from association.voting.votes import close_due_votes
from association.webhooks.delivery import deliver_due

log = logging.getLogger(__name__)

MAX_BACK_OFF_SECONDS = 60


@dataclass
class Round:
    """What one round did, added up."""

    opened: int = 0
    closed: int = 0
    reminded: int = 0
    checkpoints: int = 0
    mail_sent: int = 0
    mail_failed: int = 0
    delivered: int = 0
    undelivered: int = 0
    database_errors: int = 0
    problems: list[str] = field(default_factory=list)


class Worker:
    """Runs the rounds; `stop()` (the signal handlers call it) ends the loop after the job in hand."""

    def __init__(self, session: Callable[[], Session], *, interval: float = 5.0):
        self.session = session
        self.interval = interval
        self.name = worker_name()
        self.stopping = threading.Event()
        self.failures = 0  # database errors in a row: the wait doubles with each

    def stop(self, *_args) -> None:
        self.stopping.set()

    def jobs(self) -> list[tuple[str, Callable[[Session, Round], None]]]:
        return [
            ("votes", self.votes),
            ("checkpoint", self.checkpoint),
            ("mail", self.mail),
            ("webhooks", self.webhooks),
        ]

    # --- the jobs ----------------------------------------------------------------------------

    def votes(self, session: Session, done: Round) -> None:
        report = close_due_votes(session)
        done.opened += report.opened
        done.closed += report.closed
        done.reminded += report.reminded

    def checkpoint(self, session: Session, done: Round) -> None:
        if checkpoint_due(session):
            done.checkpoints += checkpoint_if_due(session) is not None
        else:
            session.rollback()  # the read's transaction ends; nothing was written

    def mail(self, session: Session, done: Round) -> None:
        config = settings()
        if not config.get("MAIL_SERVER"):
            return  # development: queue_mail printed each message; the outbox keeps them
        try:
            sent, failed = send_pending(
                session, config, worker=self.name, should_stop=self.stopping.is_set
            )
        except OSError as error:  # the mail server cannot be reached: the next round tries again
            done.problems.append(f"mail server unreachable: {error}")
            return
        done.mail_sent += sent
        done.mail_failed += failed

    def webhooks(self, session: Session, done: Round) -> None:
        report = deliver_due(session, worker=self.name, should_stop=self.stopping.is_set)
        done.delivered += report.delivered
        done.undelivered += report.failed

    # --- the loop ----------------------------------------------------------------------------

    def run_round(self) -> Round:
        """Every job once. A database error ends the round early (the rest would fail alike)
        and is counted; any other error is logged and the next job goes on."""
        done = Round()
        for name, job in self.jobs():
            if self.stopping.is_set():
                break
            session = self.session()
            try:
                job(session, done)
            except DBAPIError as error:
                _roll_back(session)
                done.database_errors += 1
                done.problems.append(f"{name}: database error: {_first_line(error)}")
                break
            except Exception as error:  # a job's own bug must not stop the others
                _roll_back(session)
                log.exception("Worker %s: the %s job failed", self.name, name)
                done.problems.append(f"{name}: {type(error).__name__}: {_first_line(error)}")
            finally:
                db.session.remove()  # a fresh session (and connection) for the next job
        for problem in done.problems:
            log.warning("Worker %s: %s", self.name, problem)
        return done

    def run(self, *, once: bool = False) -> Round:
        """Rounds until stopped (or one, with `once`); returns the last round."""
        while True:
            done = self.run_round()
            if once or self.stopping.is_set():
                return done
            if done.database_errors:
                self.failures += 1
                wait = min(MAX_BACK_OFF_SECONDS, self.interval * 2**self.failures)
                log.warning("Worker %s: waiting %.0f s for the database", self.name, wait)
            else:
                self.failures = 0
                wait = self.interval
            self.stopping.wait(wait)


def _roll_back(session: Session) -> None:
    try:
        session.rollback()
    except DBAPIError:
        pass  # the connection is gone; the pool gives a new one next time


def _first_line(error: BaseException) -> str:
    text = str(getattr(error, "orig", None) or error)
    return (text.strip().splitlines() or [""])[0][:300]


@click.command("worker")
@click.option("--once", is_flag=True, help="Run one round and exit (for tests and cron).")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    help="Seconds between rounds.",
)
def worker_command(once: bool, interval: float):
    """Send e-mail and webhooks, open and close votes on time, sign the daily audit checkpoint;
    until SIGTERM or SIGINT (the job in hand is finished first). Several may run at once on
    PostgreSQL; on SQLite, run one."""
    current_origin.set("worker")
    worker = Worker(db.session, interval=interval)
    if not once:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, worker.stop)
        log.info("Worker %s started: a round every %.1f s", worker.name, interval)
    done = worker.run(once=once)
    if once:
        click.echo(
            _(
                "E-mails sent: %(sent)d, failed: %(failed)d. Webhooks delivered: %(delivered)d, "
                "failed: %(undelivered)d. Votes opened: %(opened)d, closed: %(closed)d; parks "
                "reminded: %(reminded)d.",
                sent=done.mail_sent,
                failed=done.mail_failed,
                delivered=done.delivered,
                undelivered=done.undelivered,
                opened=done.opened,
                closed=done.closed,
                reminded=done.reminded,
            )
        )
        if done.problems:  # logged above; cron hears of it by the exit status
            sys.exit(1)
    else:
        log.info("Worker %s stopped", worker.name)
