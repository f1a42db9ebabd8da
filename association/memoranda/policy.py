"""Who may read, sign and manage memoranda. Views, the command line and tests all ask here."""

from __future__ import annotations

from association.auth.models import Role, User
from association.memoranda.models import Memorandum, MemorandumStatus, Party

# States in which an issued memorandum is shown to everyone when marked public.
ISSUED_STATES = (MemorandumStatus.IN_FORCE, MemorandumStatus.TERMINATED)


def _signed_in(user: User | None) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def can_manage_memoranda(user: User | None) -> bool:
    return _signed_in(user) and user.is_staff


def belongs_to_party(user: User | None, memorandum: Memorandum) -> bool:
    if not _signed_in(user) or user.park_id is None:
        return False
    return any(party.park_id == user.park_id for party in memorandum.parties)


def can_read(user: User | None, memorandum: Memorandum) -> bool:
    """Secretariat: all. A party's users: from circulation on. Everyone: public and issued."""
    if can_manage_memoranda(user):
        return True
    if memorandum.public and memorandum.status in ISSUED_STATES:
        return True
    return belongs_to_party(user, memorandum) and memorandum.status != MemorandumStatus.DRAFT


def can_download(user: User | None, memorandum: Memorandum) -> bool:
    return memorandum.document_id is not None and can_read(user, memorandum)


def party_of(user: User | None, memorandum: Memorandum) -> Party | None:
    if not _signed_in(user) or user.park_id is None:
        return None
    return next((party for party in memorandum.parties if party.park_id == user.park_id), None)


def can_sign_for(user: User | None, party: Party) -> bool:
    """An active signatory of the party's park (outside parties sign through their link)."""
    return (
        _signed_in(user)
        and user.active
        and user.role == Role.MEMBER
        and party.park_id is not None
        and user.park_id == party.park_id
        and user.is_signatory
    )
