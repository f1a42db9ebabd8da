"""Who may manage parks. Views, the command line and tests all ask here."""

from association.parks.models import Park, ParkStatus, User

# The parks whose platforms are told of events (webhooks): as their members' API tokens work
# only while the park takes part, a suspended or withdrawn park's endpoints are sent nothing.
RECEIVING_EVENTS = (ParkStatus.MEMBER, ParkStatus.OBSERVER)


def can_manage_parks(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.is_staff


def receives_events(park: Park) -> bool:
    return park.status in RECEIVING_EVENTS
