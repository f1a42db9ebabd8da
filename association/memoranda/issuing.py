"""Issuing and after: the registry number, putting a signed memorandum in force with its
sealed PDF, termination, and amendment by a new memorandum.

Every function that changes something is a state change (association.domain).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from association.audit.log import record
from association.database import utcnow
from association.domain import Conflict, Invalid, Refusal, state_change
from association.history import stating_time
from association.mail.outbox import queue_mail
from association.memoranda import policy
from association.memoranda.announcements import announce_issued
from association.memoranda.circulation import concluded_at
from association.memoranda.documents import store_pdf
from association.memoranda.drafting import add_revision
from association.memoranda.models import (
    Circulation,
    CirculationEnd,
    Memorandum,
    MemorandumStatus,
    Party,
)
from association.memoranda.policy import party_recipients, require_secretariat
from association.parks.models import User
from association.site import site_url


def next_registry_number(session: Session, year: int) -> tuple[int, str]:
    """The next `AMT/MOU/<year>/<nnnn>`: numbers are never reused (memoranda are never deleted
    and keep their number when terminated); the caller holds the change lock."""
    last = (
        session.scalar(
            select(func.max(Memorandum.registry_seq)).where(Memorandum.registry_year == year)
        )
        or 0
    )
    return last + 1, f"AMT/MOU/{year}/{last + 1:04d}"


def completed_circulation(memorandum: Memorandum) -> Circulation | None:
    """The last circulation, when every party signed it."""
    last = memorandum.last_circulation
    if last is not None and last.end_reason == CirculationEnd.COMPLETED:
        return last
    return None


@state_change
def issue_memorandum(
    session: Session,
    actor: User | None,
    memorandum: Memorandum,
    *,
    render: bool = True,
    now: datetime | None = None,
) -> Memorandum:
    """Give the signed memorandum its registry number, put it in force and store its sealed PDF.

    Only when every party has signed the current circulation. The number is
    `AMT/MOU/<year of signature>/<nnnn>`, sequential per year and never reused, even when
    two are issued at once (the change lock serialises; a unique constraint guards).
    The PDF is rendered and sealed once, here, and served from storage afterwards.
    `now` is when it was issued, when that was before it is recorded (association.history).
    """
    require_secretariat(actor)
    circulation = completed_circulation(memorandum)
    if memorandum.status != MemorandumStatus.SIGNED or circulation is None:
        if memorandum.status in policy.ISSUED_STATES:
            message = _("%(number)s is already issued.", number=memorandum.registry_number)
        else:
            waiting = [
                p.name
                for p in memorandum.parties
                if memorandum.current_circulation is None
                or memorandum.current_circulation.signature_of(p) is None
            ]
            message = _(
                "Not every party has signed yet (waiting for: %(parties)s): it cannot be issued.",
                parties=", ".join(waiting) or "—",
            )
        raise Conflict(
            message,
            audit=Refusal(
                "memorandum.issue_refused",
                actor=actor,
                subject=memorandum,
                details={"status": str(memorandum.status)},
            ),
        )
    signed_on = concluded_at(circulation)
    seq, number = next_registry_number(session, signed_on.year)
    memorandum.registry_year, memorandum.registry_seq, memorandum.registry_number = (
        signed_on.year,
        seq,
        number,
    )
    memorandum.status = MemorandumStatus.IN_FORCE
    memorandum.issued_at = now or utcnow()
    session.flush()
    record(
        session,
        "memorandum.issued",
        actor=actor,
        subject=memorandum,
        details=stating_time(
            {
                "registry_number": number,
                "circulation": circulation.id,
                "sha256": circulation.sha256,
                "document_language": memorandum.document_language,
            },
            now,
        ),
    )
    if memorandum.amends is not None:
        record(
            session,
            "memorandum.amended",
            actor=actor,
            subject=memorandum.amends,
            details={"amended_by": number, "memorandum": memorandum.id},
        )
    if render:
        store_pdf(session, memorandum, circulation, actor=actor)
    announce_issued(session, memorandum)
    for party in memorandum.parties:
        for email, name, language in party_recipients(party):
            queue_mail(
                session,
                email,
                _l("Issued: %(number)s %(title)s", number=number, title=memorandum.title),
                "memorandum_issued.txt",
                language=language,
                name=name,
                memorandum=memorandum,
                link=site_url(f"/memoranda/{memorandum.id}"),
            )
    return memorandum


@state_change
def terminate(
    session: Session, actor: User | None, memorandum: Memorandum, *, on: date, reason: str
) -> None:
    """End a memorandum in force, with the date and the reason; its number stays its own."""
    require_secretariat(actor)
    if memorandum.status != MemorandumStatus.IN_FORCE:
        raise Conflict(
            _("Only a memorandum in force can be terminated."),
            audit=Refusal(
                "memorandum.terminate_refused",
                actor=actor,
                subject=memorandum,
                details={"status": str(memorandum.status)},
            ),
        )
    reason = (reason or "").strip()
    if not reason or on is None:
        raise Invalid(_("Please give the date of termination and its reason."))
    if memorandum.issued_at and on < memorandum.issued_at.date() - timedelta(days=366 * 50):
        raise Invalid(_("The date of termination is not plausible."))
    memorandum.status = MemorandumStatus.TERMINATED
    memorandum.terminated_on, memorandum.terminated_at = on, utcnow()
    memorandum.termination_reason = reason[:5000]
    record(
        session,
        "memorandum.terminated",
        actor=actor,
        subject=memorandum,
        details={"on": on.isoformat(), "reason": reason[:500]},
    )


@state_change
def amend(session: Session, actor: User | None, memorandum: Memorandum) -> Memorandum:
    """A new draft that amends the memorandum in force: its text and parties copied, to be changed."""
    require_secretariat(actor)
    if memorandum.status != MemorandumStatus.IN_FORCE:
        raise Conflict(
            _("Only a memorandum in force can be amended."),
            audit=Refusal(
                "memorandum.amend_refused",
                actor=actor,
                subject=memorandum,
                details={"status": str(memorandum.status)},
            ),
        )
    completed = completed_circulation(memorandum)
    source = completed.revision if completed is not None else memorandum.latest_revision
    assert source is not None, "a memorandum is created with its first revision"
    title = _(
        "Amendment to %(number)s: %(title)s",
        number=memorandum.registry_number,
        title=memorandum.title,
    )[:300]
    amendment = Memorandum(
        title=title,
        place=source.place,
        status=MemorandumStatus.DRAFT,
        public=memorandum.public,
        created_by=actor,
        amends=memorandum,
    )
    session.add(amendment)
    session.flush()
    # No titles of its own: every language is headed by the amendment's title until the
    # drafter translates it.
    add_revision(
        session,
        actor,
        amendment,
        title,
        source.place,
        {t.language: t.body for t in source.ordered_texts},
        _("Copied from %(number)s", number=memorandum.registry_number),
    )
    for party in memorandum.parties:
        session.add(
            Party(
                memorandum=amendment,
                park_id=party.park_id,
                position=party.position,
                organisation_name=party.organisation_name,
                organisation_country=party.organisation_country,
                signatory_name=party.signatory_name,
                signatory_title=party.signatory_title,
                signatory_email=party.signatory_email,
            )
        )
    session.flush()
    record(
        session,
        "memorandum.created",
        actor=actor,
        subject=amendment,
        details={"title": title, "amends": memorandum.registry_number},
    )
    record(
        session,
        "memorandum.amendment_drafted",
        actor=actor,
        subject=memorandum,
        details={"amendment": amendment.id},
    )
    return amendment
