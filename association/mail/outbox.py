"""The outbox: every e-mail is stored first (in the caller's transaction), then sent."""

from __future__ import annotations

import json
import logging
import re
import secrets
import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_datetime as babel_format_datetime
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel.speaklater import LazyString
from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session

from association.database import utcnow
from association.domain import require_single_line, single_line_problem
from association.languages import reading_language
from association.leases import claim_next, still_ours, worker_name
from association.mail.models import MASK, OutboxMessage
from association.site import setting, site_url

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Secret:
    """A part of a message only its recipient may read: a link's token, a one-time code.

    Passed to `queue_mail` as a template value, it is sent as `before + hidden`, while the
    outbox page and the log show `before` and then •••• (`…/reset/••••`).
    """

    hidden: str = field(repr=False)
    before: str = ""

    @classmethod
    def link(cls, path: str, token: str) -> Secret:
        """The site's link `path` + `token`, with the token hidden."""
        return cls(token, before=site_url(path))

    def __str__(self) -> str:
        # Should a Secret ever be printed outside a message, it still gives nothing away.
        return self.before + MASK


def queue_mail(
    session: Session,
    recipient: str,
    subject: str | LazyString,
    template: str,
    *,
    language: str,
    **context: Any,
) -> OutboxMessage:
    """Store one message for `recipient`, its body rendered from templates/email/<template>.

    The message is written in the recipient's `language`, whatever the page's: the subject and
    the body are both rendered under it, so a subject (or a template value) marked with `_l`
    translates here, for this reader; a code the interface does not speak reads English. It
    works off the web too (commands, the clock), wherever there is an application context.

    Called inside a state change, so the message exists exactly when the change does.
    Template values given as `Secret` are recorded as the message's secret spans: staff
    reading the outbox, and the log, see •••• there; the recipient gets the real text.
    Without MAIL_SERVER (development) the message is also printed to the log, hidden alike.
    """
    language = reading_language(language)
    # The refusals are in the page's language: they are for whoever caused the message.
    require_single_line(recipient, _("The recipient"))
    with force_locale(language):
        subject = str(subject)
    require_single_line(subject, _("The subject"))
    with force_locale(language):
        body, spans = _render(template, context)
    message = OutboxMessage(
        recipient=recipient, subject=subject, body=body, secret_spans=json.dumps(spans)
    )
    session.add(message)
    session.flush()
    if not setting("MAIL_SERVER"):
        log.info("E-mail to %s: %s\n%s", recipient, subject, message.shown_body)
    return message


def _render(template: str, context: dict) -> tuple[str, list[list[int]]]:
    """The body, and where in it each Secret's hidden part stands.

    Each Secret is rendered as a placeholder no text can contain (a fresh random marker),
    then replaced by its real text while the positions are counted: exact, not guessed.
    """
    marker = secrets.token_hex(8)
    hidden: list[Secret] = []
    values = {}
    for name, value in context.items():
        if isinstance(value, Secret):
            values[name] = f"\x1e{marker}{len(hidden)}\x1e"
            hidden.append(value)
        else:
            values[name] = value
    rendered = render_template(f"email/{template}", **values)
    body: list[str] = []
    spans: list[list[int]] = []
    length = last = 0
    for found in re.finditer(rf"\x1e{marker}(\d+)\x1e", rendered):
        secret = hidden[int(found.group(1))]
        before = rendered[last : found.start()] + secret.before
        length += len(before)
        spans.append([length, length + len(secret.hidden)])
        length += len(secret.hidden)
        body += [before, secret.hidden]
        last = found.end()
    body.append(rendered[last:])
    return "".join(body), spans


def _due(now: datetime) -> ColumnElement[bool]:
    return (
        OutboxMessage.sent_at.is_(None)
        & OutboxMessage.gave_up_at.is_(None)
        & or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now)
    )


def due_messages(session: Session, now: datetime, limit: int = 500) -> list[OutboxMessage]:
    """Unsent messages send-mail still tries, whose wait after a failure is over, oldest first."""
    return list(
        session.scalars(
            select(OutboxMessage).where(_due(now)).order_by(OutboxMessage.id).limit(limit)
        )
    )


class Unbuildable(ValueError):
    """The message cannot become an e-mail (a line break in its subject, a list of recipients):
    trying again would fail the same way."""


def build_email(message: OutboxMessage, sender: str) -> EmailMessage:
    for text, label in (
        (message.recipient, _("The recipient")),
        (message.subject, _("The subject")),
    ):
        problem = single_line_problem(text, label)
        if problem:
            raise Unbuildable(problem)
    # Exactly one address: "a@x.org, b@y.org" must not reach two people.
    local, at, domain = message.recipient.partition("@")
    if not at or not local or not domain or re.search(r"[\s,;<>()\"@]", local + domain):
        raise Unbuildable(
            _("The recipient is not one e-mail address: %(to)s", to=message.recipient)
        )
    email = EmailMessage()
    try:
        email["From"] = sender
        email["To"] = Address(addr_spec=message.recipient)
        email["Subject"] = message.subject
        email.set_content(message.body)
    except (ValueError, TypeError, MessageError) as error:
        raise Unbuildable(str(error)) from None
    return email


def retry_wait(attempts: int, config) -> timedelta:
    """The wait after the `attempts`-th failure: MAIL_RETRY_MINUTES, doubled each time."""
    return timedelta(minutes=float(config["MAIL_RETRY_MINUTES"]) * 2 ** (attempts - 1))


def _failure(
    message_id: int, attempts: int, reason: str, now: datetime, config, *, final: bool
) -> dict[str, Any]:
    """What a failed try changes in the message (tried `attempts` times before): one more
    attempt, why, and when to try again (or that it is given up)."""
    attempts += 1
    values: dict[str, Any] = {"attempts": attempts, "last_error": reason[:2000]}
    if final or attempts >= int(config["MAIL_MAX_ATTEMPTS"]):
        values.update(gave_up_at=now, next_attempt_at=None)
    else:
        values["next_attempt_at"] = now + retry_wait(attempts, config)
    # The id and the reason only: a body or a subject may carry a secret link.
    log.warning("E-mail %d could not be sent: %s", message_id, values["last_error"])
    return values


@dataclass
class _Connection:
    """One SMTP session, opened when first needed and again after the server drops it."""

    config: dict
    smtp: smtplib.SMTP | None = None

    def get(self) -> smtplib.SMTP:
        if self.smtp is None:
            config = self.config
            smtp = smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=30)
            try:
                if config.get("MAIL_USE_TLS"):
                    smtp.starttls()
                if config.get("MAIL_USERNAME"):
                    smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            except BaseException:
                smtp.close()
                raise
            self.smtp = smtp
        return self.smtp

    def drop(self) -> None:
        if self.smtp is not None:
            self.smtp.close()
            self.smtp = None

    def quit(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
            self.smtp = None


# Longer than one message can take (SMTP's 30-second timeout, twice), so that a live sender
# never loses its message to another.
MAIL_LEASE = timedelta(minutes=2)


def send_pending(
    session: Session,
    config,
    now: datetime | None = None,
    *,
    worker: str | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> tuple[int, int]:
    """Send every due message through SMTP; returns (sent, failed).

    One message never holds up the others: a message that cannot be built is given up at
    once, one the server refuses waits (MAIL_RETRY_MINUTES, doubling) and is tried again
    until MAIL_MAX_ATTEMPTS, and the rest of the queue goes on. Only a server that cannot be
    reached at all stops the run (OSError), charging no message for it.

    Several senders at once (workers on several machines) never send a message twice: each
    claims one message at a time under a lease (association.leases), and commits its outcome
    before it claims the next, so that a crash half way does not send the first ones again.
    """
    if not config.get("MAIL_SERVER"):
        raise RuntimeError(
            "MAIL_SERVER is not set: messages stay in the outbox (the secretariat can read them there)."
        )
    worker = worker or worker_name()
    connection = _Connection(dict(config))
    sent = failed = 0
    try:
        while should_stop is None or not should_stop():
            clock = now or utcnow()
            message = claim_next(
                session,
                OutboxMessage,
                _due(clock),
                OutboxMessage.id,
                worker=worker,
                lease=MAIL_LEASE,
                now=clock,
            )
            if message is None:
                break
            message_id, attempts = message.id, message.attempts
            try:
                email: EmailMessage | None = build_email(message, config["MAIL_SENDER"])
                outcome: tuple[str, bool] | None = None
            except Unbuildable as error:
                email = None
                outcome = (_("The message cannot be built: %(reason)s", reason=error), True)
            session.rollback()  # no transaction stays open while the server answers
            if email is not None:
                try:
                    outcome = _send_one(email, connection)
                except BaseException:
                    _release(session, message_id, worker)  # unreachable: nobody is charged
                    raise
            if outcome is None:
                values: dict[str, Any] = {
                    "attempts": attempts + 1,
                    "sent_at": utcnow(),
                    "last_error": "",
                    "next_attempt_at": None,
                }
                sent += 1
            else:
                reason, final = outcome
                values = _failure(message_id, attempts, reason, clock, config, final=final)
                failed += 1
            session.execute(
                update(OutboxMessage)
                .where(still_ours(OutboxMessage, message_id, worker))
                .values(claimed_until=None, claimed_by="", **values)
                .execution_options(synchronize_session=False)
            )
            session.commit()
    finally:
        connection.quit()
    return sent, failed


def _release(session: Session, message_id: int, worker: str) -> None:
    session.rollback()
    session.execute(
        update(OutboxMessage)
        .where(still_ours(OutboxMessage, message_id, worker))
        .values(claimed_until=None, claimed_by="")
        .execution_options(synchronize_session=False)
    )
    session.commit()


def _send_one(email: EmailMessage, connection: _Connection) -> tuple[str, bool] | None:
    """None when sent, or (the reason it failed, whether for good). An unreachable server
    raises OSError: the run stops there."""
    smtp = connection.get()
    try:
        smtp.send_message(email)
    except smtplib.SMTPServerDisconnected as error:
        connection.drop()  # the next message opens a new session
        return f"{type(error).__name__}: {error}", False
    except (smtplib.SMTPException, OSError, ValueError) as error:
        if not isinstance(error, smtplib.SMTPException):
            connection.drop()  # a socket error: this session is no use any more
        return f"{type(error).__name__}: {error}", False
    return None


def when_for(user, moment: datetime, format: str = "medium") -> str:
    """A time for an e-mail: in its recipient's language and zone, the zone named."""
    try:
        zone = ZoneInfo(user.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    local = babel_format_datetime(
        moment, format, tzinfo=zone, locale=reading_language(user.language)
    )
    return f"{local} ({zone.key})"
