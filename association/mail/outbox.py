"""The outbox: every e-mail is stored first (in the caller's transaction), then sent."""

from __future__ import annotations

import json
import logging
import re
import secrets
import smtplib
from collections.abc import Iterator
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
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from association.database import utcnow
from association.domain import require_single_line, single_line_problem
from association.languages import reading_language
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


def due_messages(session: Session, now: datetime, limit: int = 500) -> list[OutboxMessage]:
    """Unsent messages send-mail still tries, whose wait after a failure is over, oldest first."""
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.gave_up_at.is_(None),
                or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
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


def _failed(message: OutboxMessage, reason: str, now: datetime, config, *, final: bool) -> None:
    message.attempts += 1
    message.last_error = reason[:2000]
    if final or message.attempts >= int(config["MAIL_MAX_ATTEMPTS"]):
        message.gave_up_at = now
        message.next_attempt_at = None
    else:
        message.next_attempt_at = now + retry_wait(message.attempts, config)
    # The id and the reason only: a body or a subject may carry a secret link.
    log.warning("E-mail %d could not be sent: %s", message.id, message.last_error)


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


def send_pending(session: Session, config, now: datetime | None = None) -> tuple[int, int]:
    """Send every due message through SMTP; returns (sent, failed).

    One message never holds up the others: a message that cannot be built is given up at
    once, one the server refuses waits (MAIL_RETRY_MINUTES, doubling) and is tried again
    until MAIL_MAX_ATTEMPTS, and the rest of the queue goes on. Only a server that cannot be
    reached at all stops the run (OSError), charging no message for it.
    """
    if not config.get("MAIL_SERVER"):
        raise RuntimeError(
            "MAIL_SERVER is not set: messages stay in the outbox (the secretariat can read them there)."
        )
    now = now or utcnow()
    connection = _Connection(dict(config))
    sent = failed = 0
    try:
        for message, outcome in _send_each(due_messages(session, now), connection):
            if outcome is None:
                message.attempts += 1
                message.sent_at = utcnow()
                message.last_error = ""
                message.next_attempt_at = None
                sent += 1
            else:
                reason, final = outcome
                _failed(message, reason, now, config, final=final)
                failed += 1
            # Commit per message: a crash half way must not send the first ones twice.
            session.commit()
    finally:
        connection.quit()
    return sent, failed


def _send_each(
    messages: list[OutboxMessage], connection: _Connection
) -> Iterator[tuple[OutboxMessage, tuple[str, bool] | None]]:
    """Each message with None when sent, or (the reason it failed, whether for good)."""
    sender = connection.config["MAIL_SENDER"]
    for message in messages:
        try:
            email = build_email(message, sender)
        except Unbuildable as error:
            yield message, (_("The message cannot be built: %(reason)s", reason=error), True)
            continue
        smtp = connection.get()  # unreachable server: stop here, nobody is charged
        try:
            smtp.send_message(email)
        except smtplib.SMTPServerDisconnected as error:
            connection.drop()  # the next message opens a new session
            yield message, (f"{type(error).__name__}: {error}", False)
        except (smtplib.SMTPException, OSError, ValueError) as error:
            if not isinstance(error, smtplib.SMTPException):
                connection.drop()  # a socket error: this session is no use any more
            yield message, (f"{type(error).__name__}: {error}", False)
        else:
            yield message, None


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
