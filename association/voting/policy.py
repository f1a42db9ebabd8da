"""Who may see and do what with initiatives. Views, the command line and tests all ask here."""

from __future__ import annotations

from typing import TypeGuard

from flask_babel import gettext as _

from association.domain import NotAllowed
from association.parks.models import Role, User
from association.voting.models import Initiative, InitiativeStatus

# Visitors see which questions are open, upcoming and decided (title, summary, outcome);
# the full text, attachments, turnout and ballots are for signed-in users.
PUBLIC_STATUSES = (InitiativeStatus.SCHEDULED, InitiativeStatus.OPEN, InitiativeStatus.CLOSED)


def _signed_in(user: User | None) -> TypeGuard[User]:
    # A startup's founder (the residency programme) signs in too, but is no member's reader.
    return user is not None and user.is_authenticated and user.role != Role.STARTUP


def can_manage_initiatives(user: User | None) -> bool:
    return _signed_in(user) and user.is_staff


def require_staff(actor: User | None) -> None:
    """Refuse anyone but the secretariat. Actor None is the command line or the clock
    (close-due-votes, a page closing a vote that is due)."""
    if actor is not None and not can_manage_initiatives(actor):
        raise NotAllowed(_("Only the secretariat prepares and runs votes."))


def can_see_initiative(user: User | None, initiative: Initiative) -> bool:
    """Drafts and cancelled drafts are the secretariat's; the rest is listed for everyone."""
    return initiative.status in PUBLIC_STATUSES or can_manage_initiatives(user)


def can_read_details(user: User | None) -> bool:
    """Full text, attachments, turnout, receipts and results export: signed-in users."""
    return _signed_in(user)


def is_delegate_of_voting_park(user: User | None) -> bool:
    """A delegate whose park votes now (status member); the electorate check comes on top."""
    return _signed_in(user) and user.is_delegate and user.park is not None and user.park.votes
