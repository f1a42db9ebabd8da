"""Who may manage accounts. Views, the command line and tests all ask here."""

from association.parks.models import Role, User


def can_manage_users(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.is_staff


def can_change_roles(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.role == Role.ADMIN
