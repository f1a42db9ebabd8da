from association.parks.models import User


def can_read_outbox(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.is_staff
