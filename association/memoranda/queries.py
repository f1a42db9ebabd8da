"""What the memoranda pages and the issued PDF read: one function per page, loading in few
queries. Nothing here changes anything."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, selectinload

from association.audit.models import AuditEvent
from association.memoranda import policy
from association.memoranda.diff import compare
from association.memoranda.models import (
    LANGUAGE_ORDER,
    TEXT_LANGUAGES,
    Circulation,
    Memorandum,
    MemorandumStatus,
    Party,
    Revision,
)
from association.parks.models import Park, ParkStatus, User


def load_memorandum(session: Session, memorandum_id: int) -> Memorandum | None:
    """The memorandum with its parties, revisions and circulations, in a handful of queries."""
    return session.scalar(
        select(Memorandum)
        .where(Memorandum.id == memorandum_id)
        .options(
            selectinload(Memorandum.parties).selectinload(Party.park),
            selectinload(Memorandum.revisions).selectinload(Revision.texts),
            selectinload(Memorandum.circulations).selectinload(Circulation.signatures),
            selectinload(Memorandum.circulations).selectinload(Circulation.declines),
        )
    )


def _visible_statement(user: User | None) -> Select[Memorandum]:
    statement = (
        select(Memorandum)
        .options(selectinload(Memorandum.parties).selectinload(Party.park))
        .order_by(Memorandum.id.desc())
    )
    if policy.can_manage_memoranda(user):
        return statement
    public = Memorandum.public.is_(True) & Memorandum.status.in_(list(policy.ISSUED_STATES))
    if user is not None and user.is_authenticated and user.park_id is not None:
        own = Memorandum.parties.any(Party.park_id == user.park_id) & (
            Memorandum.status != MemorandumStatus.DRAFT
        )
        return statement.where(or_(public, own))
    return statement.where(public)


def register_statement(user: User | None, status: str) -> Select[Memorandum]:
    """The register as this user may read it (the secretariat: all; a park: its own from
    circulation on; everyone: public and issued), filtered by status when one is given;
    newest first. The page and the API's list read this one statement."""
    statement = _visible_statement(user)
    if status in {s.value for s in MemorandumStatus}:
        statement = statement.where(Memorandum.status == status)
    return statement


def register_page(session: Session, user: User | None, status: str) -> list[Memorandum]:
    """The register page: register_statement's memoranda, all of them."""
    return list(session.scalars(register_statement(user, status)))


def shown_revision(user: User | None, memorandum: Memorandum) -> Revision | None:
    """Staff read the latest revision; the parties read the text that was circulated last."""
    if policy.can_manage_memoranda(user):
        return memorandum.latest_revision
    last = memorandum.last_circulation
    return last.revision if last is not None else None


def amended_by(memorandum: Memorandum) -> list[Memorandum]:
    """The issued memoranda that amend this one."""
    return [m for m in memorandum.amendments if m.registry_number is not None]


def audit_events(
    session: Session, memorandum: Memorandum, since: Circulation | None = None
) -> list[AuditEvent]:
    """The memorandum's events in order; with `since`, from that circulation's start on."""
    statement = (
        select(AuditEvent)
        .where(AuditEvent.subject_type == "Memorandum", AuditEvent.subject_id == str(memorandum.id))
        .order_by(AuditEvent.seq)
    )
    events = list(session.scalars(statement))
    if since is None:
        return events
    start = next(
        (
            e.seq
            for e in events
            if e.action == "memorandum.circulated"
            and json.loads(e.details).get("circulation") == since.id
        ),
        None,
    )
    return [e for e in events if start is not None and e.seq >= start]


def memorandum_page(session: Session, user: User | None, memorandum: Memorandum) -> dict[str, Any]:
    """One memorandum as this user reads it: the secretariat sees every revision and the
    audit trail; a party sees the revisions that were circulated."""
    staff = policy.can_manage_memoranda(user)
    revisions = (
        memorandum.revisions
        if staff
        else sorted({c.revision for c in memorandum.circulations}, key=lambda r: r.number)
    )
    return {
        "memorandum": memorandum,
        "staff": staff,
        "circulation": memorandum.last_circulation,
        "revision": shown_revision(user, memorandum),
        "revisions": revisions,
        "my_party": policy.party_of(user, memorandum),
        "events": audit_events(session, memorandum) if staff else [],
        "amended_by": amended_by(memorandum),
        "can_download": policy.can_download(user, memorandum),
    }


def revisions_to_compare(
    memorandum: Memorandum, a: int, b: int
) -> tuple[Revision, Revision] | None:
    """Revisions number a and b, when both exist (whether the user may compare them is
    may_compare())."""
    by_number = {revision.number: revision for revision in memorandum.revisions}
    if a not in by_number or b not in by_number:
        return None
    return by_number[a], by_number[b]


def may_compare(user: User | None, memorandum: Memorandum, a: int, b: int) -> bool:
    """The secretariat compares any revisions; the parties only circulated ones."""
    if policy.can_manage_memoranda(user):
        return True
    circulated = {c.revision.number for c in memorandum.circulations}
    return a in circulated and b in circulated


def _titled(revision: Revision, language: str) -> str:
    """The text in `language` under its own title, so that a changed title shows too."""
    body = revision.text_in(language)
    return f"{revision.title_in(language)}\n\n{body}" if body else ""


def comparison_page(memorandum: Memorandum, old: Revision, new: Revision) -> dict[str, Any]:
    """Two revisions side by side: title, place and each language's titled text, word by word."""
    languages = [code for code in LANGUAGE_ORDER if old.text_in(code) or new.text_in(code)]
    return {
        "memorandum": memorandum,
        "old": old,
        "new": new,
        "comparisons": [
            (TEXT_LANGUAGES[code], compare(_titled(old, code), _titled(new, code)))
            for code in languages
        ],
        "title_diff": compare(old.title, new.title),
        "place_diff": compare(old.place, new.place),
    }


def candidate_parks(session: Session, memorandum: Memorandum) -> list[tuple[int, str]]:
    """(id, label) of the member and observer parks that are not yet parties, by name."""
    taken = {party.park_id for party in memorandum.parties}
    return [
        (park.id, f"{park.name_latin} ({park.country})")
        for park in session.scalars(
            select(Park)
            .where(Park.status.in_([ParkStatus.MEMBER, ParkStatus.OBSERVER]))
            .order_by(Park.name_latin)
        )
        if park.id not in taken
    ]
