from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import pgettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from association.dashboard import Task
from association.memoranda import policy
from association.memoranda.models import Memorandum, MemorandumStatus, Party
from association.parks.models import User


def memorandum_tasks(session: Session, user: User) -> list[Task]:
    """A signatory: memoranda waiting for the park's signature. The secretariat: memoranda
    signed by all (to issue) and declined ones."""
    tasks: list[Task] = []
    if user.park_id is not None and user.is_signatory:
        waiting = session.scalars(
            select(Memorandum)
            .where(
                Memorandum.status == MemorandumStatus.CIRCULATING,
                Memorandum.parties.any(Party.park_id == user.park_id),
            )
            .order_by(Memorandum.id)
        )
        for memorandum in waiting:
            party = policy.party_of(user, memorandum)
            circulation = memorandum.current_circulation
            if party is None or circulation is None or circulation.signature_of(party) is not None:
                continue
            tasks.append(
                Task(
                    title=_(
                        "%(title)s waits for %(park)s's signature",
                        title=memorandum.title,
                        park=party.name,
                    ),
                    detail=_(
                        "Revision %(n)d, circulated %(date)s.",
                        n=circulation.revision.number,
                        date=circulation.started_at.strftime("%Y-%m-%d"),
                    ),
                    url=url_for("memoranda.sign", memorandum_id=memorandum.id),
                    action=_("Read and sign"),
                    urgent=True,
                )
            )
    if policy.can_manage_memoranda(user):
        for memorandum in session.scalars(
            select(Memorandum)
            .where(Memorandum.status.in_([MemorandumStatus.SIGNED, MemorandumStatus.DECLINED]))
            .order_by(Memorandum.id)
        ):
            url = url_for("memoranda.detail", memorandum_id=memorandum.id)
            if memorandum.status == MemorandumStatus.SIGNED:
                tasks.append(
                    Task(
                        title=_(
                            "All parties have signed %(title)s: issue it", title=memorandum.title
                        ),
                        detail=_("Issuing gives it a registry number and seals its PDF."),
                        url=url,
                        action=_("Issue"),
                    )
                )
            else:
                circulation = memorandum.last_circulation
                declined = (
                    circulation.declines[-1] if circulation and circulation.declines else None
                )
                tasks.append(
                    Task(
                        title=_(
                            "%(title)s was declined by %(party)s",
                            title=memorandum.title,
                            party=declined.party.name if declined else "—",
                        ),
                        detail=declined.reason[:200] if declined else "",
                        url=url,
                        action=pgettext("button", "Open"),
                        urgent=True,
                    )
                )
    return tasks
