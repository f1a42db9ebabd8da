from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from association.dashboard import Task
from association.parks.models import Park, ParkStatus, User


def park_tasks(session: Session, user: User) -> list[Task]:
    """Secretariat: member parks that cannot vote or sign because nobody holds that duty;
    invitations not yet accepted."""
    if not user.is_staff:
        return []
    tasks = []
    parks = session.scalars(
        select(Park)
        .where(Park.status == ParkStatus.MEMBER)
        .options(selectinload(Park.users))
        .order_by(Park.name_latin)
    )
    for park in parks:
        active = [u for u in park.users if u.active]
        missing = []
        if not any(u.is_delegate for u in active):
            missing.append(_("delegate"))
        if not any(u.is_signatory for u in active):
            missing.append(_("signatory"))
        if missing:
            tasks.append(
                Task(
                    title=_(
                        "%(park)s has no %(duties)s",
                        park=park.name_latin,
                        duties=_(" or ").join(missing),
                    ),
                    detail=_(
                        "Without a delegate the park cannot vote; without a signatory it cannot sign memoranda."
                    ),
                    url=url_for("parks.park_detail", park_id=park.id),
                    action=_("Open the park"),
                )
            )
    waiting = session.scalars(
        select(User)
        .where(User.password_hash.is_(None), User.active.is_(True))
        .order_by(User.created_at)
    ).all()
    if waiting:
        tasks.append(
            Task(
                title=ngettext(
                    "%(num)d invitation not accepted yet",
                    "%(num)d invitations not accepted yet",
                    len(waiting),
                ),
                detail=", ".join(u.email for u in waiting[:5]) + (" …" if len(waiting) > 5 else ""),
                url=url_for("parks.user_list", state="invited"),
                action=_("See the users"),
            )
        )
    return tasks
