from __future__ import annotations

from datetime import timedelta

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from association.dashboard import Task
from association.database import utcnow
from association.parks.models import User
from association.voting.models import Ballot, ElectorateMember, Initiative, InitiativeStatus
from association.voting.presenters import when
from association.web import with_titles


def voting_tasks(session: Session, user: User) -> list[Task]:
    """A delegate: each open vote where the park is in the electorate and has not voted.
    The secretariat: votes due to close within a day, scheduled votes, drafts."""
    now = utcnow()
    tasks = []
    if user.is_delegate and user.park is not None and user.park.votes:
        voted = select(Ballot.initiative_id).where(Ballot.park_id == user.park_id)
        waiting = session.scalars(
            select(Initiative)
            .join(ElectorateMember, ElectorateMember.initiative_id == Initiative.id)
            .where(
                ElectorateMember.park_id == user.park_id,
                Initiative.status == InitiativeStatus.OPEN,
                Initiative.closes_at > now,
                Initiative.id.not_in(voted),
            )
            .order_by(Initiative.closes_at)
        ).all()
        for initiative in waiting:
            closes_at = initiative.closes_at
            assert closes_at is not None  # the query asks for a closing time after now
            tasks.append(
                Task(
                    title=with_titles(
                        _("Your park has not voted yet: %(title)s"), title=initiative
                    ),
                    detail=_("Voting closes %(when)s.", when=when(closes_at)),
                    url=url_for("voting.initiative_detail", initiative_id=initiative.id),
                    action=_("Vote"),
                    urgent=closes_at - now <= timedelta(hours=24),
                )
            )
    if user.is_staff:
        soon = session.scalars(
            select(Initiative)
            .where(
                Initiative.status == InitiativeStatus.OPEN,
                Initiative.closes_at <= now + timedelta(hours=24),
            )
            .order_by(Initiative.closes_at)
        ).all()
        for initiative in soon:
            assert initiative.closes_at is not None  # the query asks for a closing time
            tasks.append(
                Task(
                    title=with_titles(_("Voting closes soon: %(title)s"), title=initiative),
                    detail=_(
                        "Closes %(when)s; the result is published then.",
                        when=when(initiative.closes_at),
                    ),
                    url=url_for("voting.initiative_detail", initiative_id=initiative.id),
                    action=_("See the turnout"),
                )
            )
        scheduled = session.scalars(
            select(Initiative)
            .where(Initiative.status == InitiativeStatus.SCHEDULED)
            .order_by(Initiative.opens_at)
        ).all()
        for initiative in scheduled:
            assert initiative.opens_at is not None  # scheduling sets it
            tasks.append(
                Task(
                    title=with_titles(_("Voting scheduled: %(title)s"), title=initiative),
                    detail=_("Opens %(when)s.", when=when(initiative.opens_at)),
                    url=url_for("voting.initiative_detail", initiative_id=initiative.id),
                    action=_("Review"),
                )
            )
        drafts = session.scalars(
            select(Initiative)
            .where(Initiative.status == InitiativeStatus.DRAFT)
            .order_by(Initiative.updated_at.desc())
        ).all()
        if drafts:
            tasks.append(
                Task(
                    title=ngettext(
                        "%(num)d initiative in draft", "%(num)d initiatives in draft", len(drafts)
                    ),
                    detail=Markup(", ").join(with_titles("%(title)s", title=d) for d in drafts[:3])
                    + (" …" if len(drafts) > 3 else ""),
                    url=url_for("voting.manage_list", state="draft"),
                    action=_("Open the drafts"),
                )
            )
    return tasks
