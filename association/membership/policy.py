"""Who may do what with applications, profiles and certificates. Views, the command line and
tests all ask here."""

from __future__ import annotations

from typing import TypeGuard

from association.parks.models import Park, ParkStatus, User


def _signed_in(user: User | None) -> TypeGuard[User]:
    return user is not None and user.is_authenticated


def can_review_applications(user: User | None) -> bool:
    return _signed_in(user) and user.is_staff


def can_edit_profile(user: User | None, park: Park) -> bool:
    """The park's delegates, and the secretariat."""
    if not _signed_in(user):
        return False
    return user.is_staff or (
        user.park_id == park.id and user.is_delegate and park.status != ParkStatus.WITHDRAWN
    )


def can_download_certificate(user: User | None, park: Park) -> bool:
    """Any signed-in user of the park, and the secretariat."""
    if not _signed_in(user):
        return False
    return user.is_staff or user.park_id == park.id


def can_issue_certificates(user: User | None) -> bool:
    return _signed_in(user) and user.is_staff
