"""Who may manage parks. Views, the command line and tests all ask here."""

from association.parks.models import User


def can_manage_parks(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.is_staff
