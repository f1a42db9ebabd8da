"""The outbox: every e-mail is stored first (in the caller's transaction), then sent."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import Session

from association.database import utcnow
from association.mail.models import OutboxMessage
from association.site import setting

log = logging.getLogger(__name__)


def queue_mail(
    session: Session, recipient: str, subject: str, template: str, **context
) -> OutboxMessage:
    """Store one message for `recipient`, its body rendered from templates/email/<template>.

    Called inside a state change, so the message exists exactly when the change does.
    Without MAIL_SERVER (development) the message is also printed to the log.
    """
    body = render_template(f"email/{template}", **context)
    message = OutboxMessage(recipient=recipient, subject=subject, body=body)
    session.add(message)
    session.flush()
    if not setting("MAIL_SERVER"):
        log.info("E-mail to %s: %s\n%s", recipient, subject, body)
    return message


def pending_messages(session: Session, limit: int = 500) -> list[OutboxMessage]:
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.sent_at.is_(None))
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )


def send_pending(session: Session, config) -> tuple[int, int]:
    """Send every unsent message through SMTP; returns (sent, failed). Failures stay queued."""
    if not config.get("MAIL_SERVER"):
        raise RuntimeError(
            "MAIL_SERVER is not set: messages stay in the outbox (the secretariat can read them there)."
        )
    sent = failed = 0
    with smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=30) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        for message in pending_messages(session):
            email = EmailMessage()
            email["From"] = config["MAIL_SENDER"]
            email["To"] = message.recipient
            email["Subject"] = message.subject
            email.set_content(message.body)
            message.attempts += 1
            try:
                smtp.send_message(email)
            except smtplib.SMTPException as error:
                message.last_error = str(error)[:2000]
                failed += 1
            else:
                message.sent_at = utcnow()
                message.last_error = ""
                sent += 1
            # Commit per message: a crash half way must not send the first ones twice.
            session.commit()
    return sent, failed
