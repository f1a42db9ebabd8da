from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from association.dashboard import Task
from association.mail.models import OutboxMessage
from association.parks.models import User
from association.site import setting


def outbox_tasks(session: Session, user: User) -> list[Task]:
    """Secretariat: messages that failed to send (only where SMTP is configured)."""
    if not user.is_staff or not setting("MAIL_SERVER"):
        return []
    failed = session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts > 0)
    )
    if not failed:
        return []
    return [
        Task(
            title=ngettext(
                "%(num)d e-mail could not be sent", "%(num)d e-mails could not be sent", failed
            ),
            detail=_(
                "The outbox says why. send-mail tries them again, waiting longer each time, "
                "until it gives up."
            ),
            url=url_for("mail.outbox"),
            action=_("Open the outbox"),
            urgent=True,
        )
    ]
