"""How pages word a park's status and a user's role in a sentence or a badge (the forms'
longer labels explain a status)."""

from __future__ import annotations

from flask_babel import lazy_pgettext

from association.parks.models import ParkStatus, Role

STATUS_WORDS = {
    ParkStatus.MEMBER: lazy_pgettext("park status", "member"),
    ParkStatus.OBSERVER: lazy_pgettext("park status", "observer"),
    ParkStatus.SUSPENDED: lazy_pgettext("park status", "suspended"),
    ParkStatus.WITHDRAWN: lazy_pgettext("park status", "withdrawn"),
}


def park_status_word(status: str | None) -> str:
    """`member`, `observer`... in the reader's language; an unknown value as it is."""
    if not status:
        return "—"
    try:
        return str(STATUS_WORDS[ParkStatus(status)])
    except ValueError:
        return status


ROLE_WORDS = {
    Role.ADMIN: lazy_pgettext("role", "administrator"),
    Role.SECRETARIAT: lazy_pgettext("role", "secretariat"),
    Role.MEMBER: lazy_pgettext("role", "member of a park"),
}


# A startup's founder registers on the residency's pages: never a role staff give, so it is
# not among ROLE_WORDS (the user form's choices), but pages that list every user name it.
STARTUP_WORD = lazy_pgettext("role", "startup founder")


def role_word(role: str) -> str:
    try:
        role = Role(role)
    except ValueError:
        return role
    return str(STARTUP_WORD if role == Role.STARTUP else ROLE_WORDS[role])
