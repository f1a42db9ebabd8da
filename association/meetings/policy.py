"""Who may see and do what with meetings and minutes. Views, the command line and tests ask here."""

from __future__ import annotations

from flask_babel import gettext as _

from association.domain import NotAllowed
from association.meetings.models import Minutes, MinutesStatus
from association.parks.models import ParkStatus, Role, User

# Minutes members may read: from circulation on (drafts are the secretariat's).
READABLE_BY_MEMBERS = (MinutesStatus.CIRCULATED, MinutesStatus.APPROVED, MinutesStatus.PUBLISHED)
TAKING_PART = (ParkStatus.MEMBER, ParkStatus.OBSERVER)


def _signed_in(user: User | None) -> bool:
    # A startup's founder (the residency programme) signs in too, but is no member's reader.
    return (
        user is not None and user.is_authenticated and user.is_active and user.role != Role.STARTUP
    )


def can_view_meetings(user: User | None) -> bool:
    return _signed_in(user)


def can_manage_meetings(user: User | None) -> bool:
    return user is not None and _signed_in(user) and user.is_staff


def require_staff(actor: User | None) -> None:
    """Refuse (NotAllowed) anyone but the secretariat; actor None is the command line, run by
    the machine's operator."""
    if actor is not None and not can_manage_meetings(actor):
        raise NotAllowed(_("Only the secretariat manages meetings."))


def takes_part(user: User | None) -> bool:
    """A representative of a member or observer park."""
    return (
        user is not None
        and _signed_in(user)
        and user.park is not None
        and user.park.status in TAKING_PART
    )


def can_read_minutes(user: User | None, minutes: Minutes) -> bool:
    if can_manage_meetings(user):
        return True
    return _signed_in(user) and minutes.status in READABLE_BY_MEMBERS


def can_comment_on_minutes(user: User | None, minutes: Minutes) -> bool:
    return minutes.status == MinutesStatus.CIRCULATED and (
        takes_part(user) or can_manage_meetings(user)
    )
