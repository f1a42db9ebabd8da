"""Who may read, sign and manage memoranda, and who signs for a party. Views, the command
line, the domain modules and tests all ask here."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from association.domain import NotAllowed
from association.languages import ENGLISH
from association.memoranda.models import Memorandum, MemorandumStatus, Party
from association.parks.models import Role, User

# States in which an issued memorandum is shown to everyone when marked public.
ISSUED_STATES = (MemorandumStatus.IN_FORCE, MemorandumStatus.TERMINATED)


def _signed_in(user: User | None) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def can_manage_memoranda(user: User | None) -> bool:
    return user is not None and _signed_in(user) and user.is_staff


def require_secretariat(actor: User | None) -> None:
    """NotAllowed unless the actor is the secretariat (None: the command line, run by the
    machine's operator)."""
    if actor is not None and not can_manage_memoranda(actor):
        raise NotAllowed(_("Only the secretariat drafts, circulates and issues memoranda."))


def belongs_to_party(user: User | None, memorandum: Memorandum) -> bool:
    if user is None or not _signed_in(user) or user.park_id is None:
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
    if user is None or not _signed_in(user) or user.park_id is None:
        return None
    return next((party for party in memorandum.parties if party.park_id == user.park_id), None)


def can_sign_for(user: User | None, party: Party) -> bool:
    """An active signatory of the party's park (outside parties sign through their link)."""
    return (
        user is not None
        and _signed_in(user)
        and user.active
        and user.role == Role.MEMBER
        and party.park_id is not None
        and user.park_id == party.park_id
        and user.is_signatory
    )


# --- who signs and who is told ---------------------------------------------------------


def staff(session: Session) -> list[User]:
    """The active secretariat and administrators, who are told when a party signs or declines."""
    return list(
        session.scalars(
            select(User)
            .where(User.role.in_([Role.SECRETARIAT, Role.ADMIN]), User.active.is_(True))
            .order_by(User.id)
        )
    )


def signatories(party: Party) -> list[User]:
    """The active signatories of a member party's park (none for an outside party)."""
    if party.park is None:
        return []
    return [
        user
        for user in party.park.users
        if user.active and user.is_signatory and user.role == Role.MEMBER
    ]


def party_recipients(party: Party) -> list[tuple[str, str, str]]:
    """(e-mail, name, language) of whoever signs for the party: a park's signatories read
    their own language; an outside signatory, who has no account to say which, reads English."""
    if party.is_outside:
        return (
            [(party.signatory_email, party.signatory_name, ENGLISH)]
            if party.signatory_email
            else []
        )
    return [(user.email, user.full_name, user.language) for user in signatories(party)]
