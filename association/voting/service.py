"""Initiatives and votes: drafting, opening, casting, closing. Every change is a state change
(association.domain): checked, audited and mailed in one transaction, or refused with a
clear message and nothing changed.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from pathlib import PurePosixPath

from flask_babel import format_datetime, get_timezone
from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, load_only

from association.audit.log import record
from association.auth.models import User
from association.database import utcnow
from association.documents.verify import readable_pdf
from association.domain import (
    Conflict,
    Invalid,
    NotAllowed,
    NotFound,
    Refusal,
    primary_key,
    state_change,
)
from association.mail.outbox import queue_mail
from association.parks.models import Park, ParkStatus
from association.site import site_url
from association.voting import rules
from association.voting.models import (
    Attachment,
    Ballot,
    BallotKind,
    ElectorateMember,
    Initiative,
    InitiativeKind,
    InitiativeOption,
    InitiativeStatus,
    Majority,
    Outcome,
    ReminderSent,
    VoteResult,
)
from association.voting.policy import can_manage_initiatives

REMINDER_BEFORE = timedelta(hours=24)
MAX_OPTIONS = 20

# --- the hook other areas use: what a closed vote of their kind decides ----------------

OutcomeHandler = Callable[[Session, Initiative, Outcome], None]
_outcome_handlers: dict[InitiativeKind, OutcomeHandler] = {}


def register_outcome_handler(kind: InitiativeKind | str, handler: OutcomeHandler) -> None:
    """Call `handler(session, initiative, outcome)` when a vote of this kind closes, inside the
    closing transaction: e.g. membership approves or rejects the application an admission
    vote is about (initiative.subject_type / subject_id). If the handler raises, nothing closes."""
    _outcome_handlers[InitiativeKind(kind)] = handler


# --- small helpers ----------------------------------------------------------------------


def when(value: datetime) -> str:
    """A time for a message: the reader's zone, named."""
    return f"{format_datetime(value, 'medium')} ({get_timezone()})"


def _require_staff(actor: User | None) -> None:
    # actor None: the command line or the clock (close-due-votes, a page opening a due vote).
    if actor is not None and not can_manage_initiatives(actor):
        raise NotAllowed(_("Only the secretariat prepares and runs votes."))


def new_receipt_code() -> str:
    """12 characters of Crockford base32 (60 random bits) in groups: easy to read out and compare."""
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"{raw[0:4]}-{raw[4:8]}-{raw[8:12]}"


def allowed_choices(initiative: Initiative) -> tuple[str, ...]:
    if initiative.ballot_kind != BallotKind.OPTIONS:
        return rules.YES_NO_CHOICES  # without loading the (empty) options
    return rules.ballot_choices(
        initiative.ballot_kind, [option.position for option in initiative.options]
    )


def _delegates_of(session: Session, park_ids: Iterable[int]) -> list[User]:
    ids = list(park_ids)
    if not ids:
        return []
    return list(
        session.scalars(
            select(User)
            .where(User.park_id.in_(ids), User.is_delegate.is_(True), User.active.is_(True))
            .order_by(User.id)
        )
    )


def _electorate_ids(session: Session, initiative: Initiative) -> list[int]:
    return list(
        session.scalars(
            select(ElectorateMember.park_id).where(ElectorateMember.initiative_id == initiative.id)
        )
    )


def _mail_delegates(
    session: Session,
    park_ids: Iterable[int],
    subject: str,
    template: str,
    initiative: Initiative,
    **context,
) -> int:
    link = site_url(f"/initiatives/{initiative.id}")
    delegates = _delegates_of(session, park_ids)
    for user in delegates:
        queue_mail(
            session,
            user.email,
            subject,
            template,
            user=user,
            initiative=initiative,
            link=link,
            **context,
        )
    return len(delegates)


# --- drafting -----------------------------------------------------------------------------


def _check_dates(opens_at: datetime | None, closes_at: datetime | None) -> None:
    for value in (opens_at, closes_at):
        if value is not None and value.tzinfo is None:
            raise Invalid(_("Times must carry their time zone."))
    if opens_at and closes_at and closes_at <= opens_at:
        raise Invalid(_("Voting must close after it opens."))


def _check_options(ballot_kind: BallotKind, options: Iterable[str]) -> list[str]:
    labels = [label.strip() for label in options if label and label.strip()]
    if ballot_kind != BallotKind.OPTIONS:
        return []
    if len(labels) < 2:
        raise Invalid(_("An option ballot needs at least two options, one per line."))
    if len(labels) > MAX_OPTIONS:
        raise Invalid(_("An option ballot has at most %(n)d options.", n=MAX_OPTIONS))
    if len({label.casefold() for label in labels}) != len(labels):
        raise Invalid(_("Each option must be different from the others."))
    if any(len(label) > 300 for label in labels):
        raise Invalid(_("An option is at most 300 characters long."))
    return labels


def _check_quorum(quorum: Fraction) -> Fraction:
    quorum = Fraction(quorum)
    if not 0 <= quorum <= 1:
        raise Invalid(_("The quorum is a share of the electorate, between none and all of it."))
    return quorum


EDITABLE_FIELDS = (
    "title",
    "summary",
    "body_markdown",
    "kind",
    "proposer_park",
    "ballot_kind",
    "options",
    "quorum",
    "majority",
    "secret",
    "changes_allowed",
    "opens_at",
    "closes_at",
    "subject_type",
    "subject_id",
)


def _apply(session: Session, initiative: Initiative, fields: dict) -> dict:
    """Set the drafting fields after checking them; returns what changed (for the audit)."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise Invalid(
            _("These fields cannot be changed here: %(fields)s", fields=", ".join(sorted(unknown)))
        )
    if "title" in fields:
        fields["title"] = (fields["title"] or "").strip()
        if not fields["title"]:
            raise Invalid(_("Please give the initiative a title."))
        if len(fields["title"]) > 300:
            raise Invalid(_("The title is at most 300 characters long."))
    for name, enum_type in (
        ("kind", InitiativeKind),
        ("ballot_kind", BallotKind),
        ("majority", Majority),
    ):
        if name in fields:
            try:
                fields[name] = enum_type(fields[name])
            except ValueError:
                raise Invalid(_("%(value)s is not a valid choice.", value=fields[name])) from None
    if "quorum" in fields:
        quorum = _check_quorum(fields.pop("quorum"))
        fields["quorum_numerator"], fields["quorum_denominator"] = (
            quorum.numerator,
            quorum.denominator,
        )
    ballot_kind = fields.get("ballot_kind", initiative.ballot_kind or BallotKind.YES_NO)
    labels = None
    if "options" in fields or "ballot_kind" in fields:
        given = fields.pop("options", None)
        labels = _check_options(
            ballot_kind, given if given is not None else [o.label for o in initiative.options]
        )
    _check_dates(
        fields.get("opens_at", initiative.opens_at), fields.get("closes_at", initiative.closes_at)
    )
    if "proposer_park" in fields:
        park = fields.pop("proposer_park")
        fields["proposer_park_id"] = park.id if park is not None else None

    changed = {}
    for name, value in fields.items():
        if getattr(initiative, name) != value:
            setattr(initiative, name, value)
            changed[name] = value.isoformat() if isinstance(value, datetime) else value
    if labels is not None:
        current = [option.label for option in initiative.options]
        if current != labels:
            # Changed in place by position, so the unique (initiative, position) holds at every flush.
            for position, label in enumerate(labels, start=1):
                if position <= len(initiative.options):
                    initiative.options[position - 1].label = label
                else:
                    initiative.options.append(InitiativeOption(position=position, label=label))
            del initiative.options[len(labels) :]
            changed["options"] = labels
    return changed


@state_change
def create_initiative(session: Session, actor: User | None, *, title: str, **fields) -> Initiative:
    """A new draft. Nothing is published until it is scheduled or opened."""
    _require_staff(actor)
    initiative = Initiative(
        status=InitiativeStatus.DRAFT,
        created_by_id=getattr(actor, "id", None),
        ballot_kind=BallotKind.YES_NO,
        quorum_numerator=1,
        quorum_denominator=2,
        majority=Majority.SIMPLE,
        secret=False,
        changes_allowed=True,
        kind=InitiativeKind.GENERAL,
        summary="",
        body_markdown="",
    )
    fields.setdefault("ballot_kind", BallotKind.YES_NO)
    _apply(session, initiative, {"title": title, **fields})
    session.add(initiative)
    session.flush()
    record(
        session,
        "initiative.created",
        actor=actor,
        subject=initiative,
        details={"title": initiative.title, "kind": str(initiative.kind)},
    )
    return initiative


def _require_editable(initiative: Initiative) -> None:
    if initiative.status not in (InitiativeStatus.DRAFT, InitiativeStatus.SCHEDULED):
        raise Conflict(
            _(
                "The initiative is %(status)s: its text and rules can no longer be changed.",
                status=initiative.status,
            )
        )


@state_change
def update_initiative(
    session: Session, actor: User | None, initiative: Initiative, **fields
) -> Initiative:
    """Change the text or the rules: possible until voting opens (the rules freeze then)."""
    _require_staff(actor)
    _require_editable(initiative)
    changed = _apply(session, initiative, dict(fields))
    if changed:
        initiative.updated_at = utcnow()
        record(
            session,
            "initiative.updated",
            actor=actor,
            subject=initiative,
            details={"changed": sorted(changed)},
        )
    return initiative


# --- attachments ------------------------------------------------------------------------------

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 5
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
_ZIP = (b"PK\x03\x04",)
ATTACHMENT_TYPES = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", _ZIP),
    ".odt": ("application/vnd.oasis.opendocument.text", _ZIP),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", _ZIP),
    ".odp": ("application/vnd.oasis.opendocument.presentation", _ZIP),
    ".doc": ("application/msword", _OLE),
    ".xls": ("application/vnd.ms-excel", _OLE),
    ".ppt": ("application/vnd.ms-powerpoint", _OLE),
}


def clean_filename(filename: str) -> str:
    name = PurePosixPath((filename or "").replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>:|?*').strip(" .")
    return name[-200:]


@state_change
def add_attachment(
    session: Session, actor: User | None, initiative: Initiative, filename: str, data: bytes
) -> Attachment:
    """Attach a PDF or office document (checked by its first bytes, not its name alone), until
    voting opens; at most 5 files of 10 MB each."""
    _require_staff(actor)
    _require_editable(initiative)
    name = clean_filename(filename)
    suffix = PurePosixPath(name.lower()).suffix
    if suffix not in ATTACHMENT_TYPES:
        raise Invalid(
            _(
                "Attachments are PDF or office documents (%(types)s).",
                types=", ".join(sorted(ATTACHMENT_TYPES)),
            )
        )
    content_type, signatures = ATTACHMENT_TYPES[suffix]
    if not data:
        raise Invalid(_("%(name)s is empty.", name=name))
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise Invalid(_("%(name)s is larger than 10 MB.", name=name))
    if not data.startswith(signatures) or (suffix == ".pdf" and not readable_pdf(data)):
        raise Invalid(
            _("%(name)s is not really a %(type)s file.", name=name, type=suffix[1:].upper())
        )
    if len(initiative.attachments) >= MAX_ATTACHMENTS:
        raise Invalid(_("An initiative has at most %(n)d attachments.", n=MAX_ATTACHMENTS))
    attachment = Attachment(
        filename=name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content=data,
        uploaded_by_id=getattr(actor, "id", None),
    )
    initiative.attachments.append(attachment)
    session.flush()
    record(
        session,
        "initiative.attachment_added",
        actor=actor,
        subject=initiative,
        details={"filename": name, "size": len(data), "sha256": attachment.sha256},
    )
    return attachment


@state_change
def remove_attachment(session: Session, actor: User | None, attachment: Attachment) -> None:
    _require_staff(actor)
    initiative = attachment.initiative
    _require_editable(initiative)
    record(
        session,
        "initiative.attachment_removed",
        actor=actor,
        subject=initiative,
        details={"filename": attachment.filename, "sha256": attachment.sha256},
    )
    initiative.attachments.remove(attachment)


# --- the lifecycle -------------------------------------------------------------------------------


@state_change
def schedule_initiative(
    session: Session,
    actor: User | None,
    initiative: Initiative,
    opens_at: datetime,
    closes_at: datetime,
    *,
    now: datetime | None = None,
) -> Initiative:
    """Set the voting period: the vote opens by itself at opens_at and closes at closes_at."""
    _require_staff(actor)
    now = now or utcnow()
    _require_editable(initiative)
    if opens_at is None or closes_at is None:
        raise Invalid(_("Please give the time voting opens and the time it closes."))
    _check_dates(opens_at, closes_at)
    if opens_at <= now:
        raise Invalid(_("The opening time has passed: choose a later time, or open the vote now."))
    initiative.opens_at, initiative.closes_at = opens_at, closes_at
    initiative.status = InitiativeStatus.SCHEDULED
    record(
        session,
        "initiative.scheduled",
        actor=actor,
        subject=initiative,
        details={"opens_at": opens_at.isoformat(), "closes_at": closes_at.isoformat()},
    )
    return initiative


def _open(session: Session, actor: User | None, initiative: Initiative, now: datetime) -> list[int]:
    """Freeze the rules and take the electorate: the parks that are members at this moment."""
    electorate = list(
        session.scalars(select(Park.id).where(Park.status == ParkStatus.MEMBER).order_by(Park.id))
    )
    session.add_all(
        ElectorateMember(initiative_id=initiative.id, park_id=park_id) for park_id in electorate
    )
    if initiative.opens_at is None or initiative.opens_at > now:
        initiative.opens_at = now
    initiative.opened_at = now
    initiative.status = InitiativeStatus.OPEN
    record(
        session,
        "vote.opened",
        actor=actor,
        subject=initiative,
        details={
            "electorate": electorate,
            "quorum": f"{initiative.quorum_numerator}/{initiative.quorum_denominator}",
            "majority": str(initiative.majority),
            "ballot_kind": str(initiative.ballot_kind),
            "options": [option.label for option in initiative.options],
            "secret": initiative.secret,
            "changes_allowed": initiative.changes_allowed,
            "closes_at": initiative.closes_at.isoformat(),
        },
    )
    _mail_delegates(
        session,
        electorate,
        _("Voting is open: %(title)s", title=initiative.title),
        "vote_opened.txt",
        initiative,
        closes=when(initiative.closes_at),
    )
    return electorate


@state_change
def open_vote(
    session: Session,
    actor: User | None,
    initiative: Initiative,
    *,
    closes_at: datetime | None = None,
    now: datetime | None = None,
) -> Initiative:
    """Open voting now (by hand): the rules freeze and the electorate is taken now."""
    _require_staff(actor)
    now = now or utcnow()
    if initiative.status not in (InitiativeStatus.DRAFT, InitiativeStatus.SCHEDULED):
        raise Conflict(
            _("The initiative is %(status)s: it cannot be opened.", status=initiative.status)
        )
    closes_at = closes_at or initiative.closes_at
    if closes_at is None:
        raise Invalid(_("Please say when voting closes."))
    _check_dates(now, closes_at)
    if closes_at <= now:
        raise Invalid(_("The closing time has passed: choose a later one."))
    if not session.scalar(select(exists().where(Park.status == ParkStatus.MEMBER))):
        raise Conflict(_("There is no member park to vote."))
    initiative.closes_at = closes_at
    _open(session, actor, initiative, now)
    return initiative


@state_change
def cancel_initiative(
    session: Session, actor: User | None, initiative: Initiative, reason: str = ""
) -> Initiative:
    """Withdraw an initiative that has not opened; an open or closed vote cannot be cancelled."""
    _require_staff(actor)
    _require_editable(initiative)
    initiative.status = InitiativeStatus.CANCELLED
    record(
        session,
        "initiative.cancelled",
        actor=actor,
        subject=initiative,
        details={"reason": reason.strip()},
    )
    return initiative


def is_due(initiative: Initiative, now: datetime | None = None) -> bool:
    """Whether the clock says the vote should have opened or closed by now (a cheap check, no lock)."""
    now = now or utcnow()
    if initiative.status == InitiativeStatus.SCHEDULED:
        return initiative.opens_at is not None and initiative.opens_at <= now
    if initiative.status == InitiativeStatus.OPEN:
        return initiative.closes_at is not None and initiative.closes_at <= now
    return False


@state_change
def settle(
    session: Session, actor: User | None, initiative: Initiative, *, now: datetime | None = None
) -> bool:
    """Open a scheduled vote whose time has come and close an open one past closes_at.

    Called by close-due-votes and by the pages on first access, so a vote closes on time even
    if no job ran. Safe to call from many requests at once: the state is checked under the lock,
    and the second caller finds nothing to do.
    """
    now = now or utcnow()
    changed = False
    if initiative.status == InitiativeStatus.SCHEDULED and initiative.opens_at <= now:
        _open(session, actor, initiative, now)
        changed = True
    if initiative.status == InitiativeStatus.OPEN and initiative.closes_at <= now:
        _close(session, actor, initiative, now)
        changed = True
    return changed


# --- casting ----------------------------------------------------------------------------------


def _refuse_who(user: User) -> None:
    park = user.park
    if park is None:
        raise NotAllowed(
            _(
                "Only the delegate of a member park votes; the secretariat runs votes but does not vote."
            )
        )
    if park.status == ParkStatus.OBSERVER:
        raise NotAllowed(
            _("%(park)s is an observer: observers take part but do not vote.", park=park.name_latin)
        )
    if park.status == ParkStatus.SUSPENDED:
        raise NotAllowed(
            _("%(park)s is suspended and cannot vote while suspended.", park=park.name_latin)
        )
    if park.status == ParkStatus.WITHDRAWN:
        raise NotAllowed(
            _("%(park)s has withdrawn from the association and cannot vote.", park=park.name_latin)
        )
    if not user.is_delegate or not user.active:
        raise NotAllowed(
            _(
                "Only the delegate of %(park)s casts its vote. Ask the secretariat to make you the "
                "park's delegate.",
                park=park.name_latin,
            )
        )


def _refuse_state(user: User, initiative: Initiative, now: datetime) -> None:
    def refusal(reason: str) -> Refusal:
        return Refusal(
            "ballot.refused",
            actor=user,
            subject=initiative,
            details={"park_id": user.park_id, "reason": reason},
        )

    status = initiative.status
    if status == InitiativeStatus.DRAFT:
        raise Conflict(_("This initiative is still a draft: voting has not opened."))
    if status == InitiativeStatus.CANCELLED:
        raise Conflict(_("This initiative was cancelled: there is no vote."))
    if status == InitiativeStatus.SCHEDULED:
        raise Conflict(
            _("Voting has not opened yet: it opens on %(when)s.", when=when(initiative.opens_at))
        )
    if status == InitiativeStatus.CLOSED:
        raise Conflict(
            _("Voting has closed and the result is final: no ballot can be cast or changed."),
            audit=refusal("closed"),
        )
    if initiative.closes_at <= now:
        raise Conflict(
            _(
                "Voting closed on %(when)s: ballots are no longer accepted.",
                when=when(initiative.closes_at),
            ),
            audit=refusal("after_closes_at"),
        )
    if initiative.opens_at > now:
        raise Conflict(
            _("Voting has not opened yet: it opens on %(when)s.", when=when(initiative.opens_at))
        )


# Everything a ballot is checked against, in one query: the initiative, the voter and their
# park, whether the park is in the electorate, and its ballot if it has one. Only the columns
# the rules read are loaded (the rest load on access), and the statement is built once: every
# ballot runs it.
_BALLOT_SITUATION = (
    select(
        Initiative, User, Park, ElectorateMember.park_id.is_not(None).label("in_electorate"), Ballot
    )
    .select_from(Initiative)
    .join(User, User.id == bindparam("user_id"))
    .outerjoin(Park, Park.id == User.park_id)
    .outerjoin(
        ElectorateMember,
        and_(
            ElectorateMember.initiative_id == Initiative.id,
            ElectorateMember.park_id == User.park_id,
        ),
    )
    .outerjoin(Ballot, and_(Ballot.initiative_id == Initiative.id, Ballot.park_id == User.park_id))
    .where(Initiative.id == bindparam("initiative_id"))
    .options(
        load_only(
            Initiative.status,
            Initiative.opens_at,
            Initiative.closes_at,
            Initiative.ballot_kind,
            Initiative.changes_allowed,
            Initiative.secret,
        ),
        load_only(User.email, User.park_id, User.is_delegate, User.active),
        load_only(Park.status, Park.name_latin),
        load_only(Ballot.choice, Ballot.receipt_code, Ballot.changes),
    )
)


@dataclass(frozen=True)
class BallotReceipt:
    """What a park holds once its ballot is recorded: its current choice, and the receipt code
    it can later find among the published receipts."""

    park_id: int
    choice: str
    receipt_code: str
    changes: int  # how many times the park changed its ballot


# Ballots are written as plain statements: the vote endpoint is the busiest writer, and the
# unit of work costs more than the write itself.
_ballots = Ballot.__table__
_ADD_BALLOT = insert(_ballots)
_CHANGE_BALLOT = (
    update(_ballots)
    .where(_ballots.c.id == bindparam("ballot_id"))
    .values(
        choice=bindparam("choice"),
        cast_by_user_id=bindparam("user_id"),
        updated_at=bindparam("now"),
        changes=_ballots.c.changes + 1,
    )
)


@state_change
def cast_ballot(
    session: Session,
    user: User,
    initiative: Initiative | int,
    choice: str,
    *,
    now: datetime | None = None,
) -> BallotReceipt:
    """Record the park's choice: exactly one ballot per park and initiative, even when called
    concurrently (serialised by the change lock; the unique constraint is the second guard).

    The park is always the user's own. A park that votes again changes its one ballot (the
    latest counts, the change is audited) if the rules allow changes. The initiative may be
    given by its id: the vote page does, as everything is read afresh under the lock anyway.
    """
    now = now or utcnow()
    initiative_id = initiative if isinstance(initiative, int) else primary_key(initiative)
    # Read under the lock; the user and park are refreshed in the session by the same query.
    situation = session.execute(
        _BALLOT_SITUATION, {"user_id": primary_key(user), "initiative_id": initiative_id}
    ).one_or_none()
    if situation is None:
        raise NotFound(_("There is no such initiative."))
    initiative, user, park, in_electorate, ballot = situation
    _refuse_who(user)
    if initiative.status == InitiativeStatus.SCHEDULED and initiative.opens_at <= now:
        in_electorate = park.id in _open(session, None, initiative, now)
    _refuse_state(user, initiative, now)
    if not in_electorate:
        raise NotAllowed(
            _(
                "%(park)s was not a member when voting opened, so it is not in this vote's electorate.",
                park=park.name_latin,
            )
        )
    choice = (choice or "").strip()
    if choice not in allowed_choices(initiative):
        raise Invalid(
            _("That choice is not on this ballot. Please choose one of the choices shown.")
        )

    secret = initiative.secret
    if ballot is not None:
        if not initiative.changes_allowed:
            raise Conflict(
                _(
                    "%(park)s has already voted, and this vote does not allow changing a ballot.",
                    park=park.name_latin,
                )
            )
        if ballot.choice == choice:  # nothing to change, nothing to audit
            return BallotReceipt(park.id, choice, ballot.receipt_code, ballot.changes)
        receipt = BallotReceipt(park.id, choice, ballot.receipt_code, ballot.changes + 1)
        details = {"park_id": park.id, "receipt": receipt.receipt_code, "change": receipt.changes}
        if not secret:
            details.update({"from": ballot.choice, "to": choice})
        session.execute(
            _CHANGE_BALLOT,
            {"ballot_id": ballot.id, "choice": choice, "user_id": user.id, "now": now},
        )
        record(session, "ballot.changed", actor=user, subject=initiative, details=details)
        return receipt

    receipt = BallotReceipt(park.id, choice, new_receipt_code(), 0)
    try:
        session.execute(
            _ADD_BALLOT,
            {
                "initiative_id": initiative.id,
                "park_id": park.id,
                "choice": choice,
                "cast_by_user_id": user.id,
                "receipt_code": receipt.receipt_code,
                "cast_at": now,
                "updated_at": now,
                "changes": 0,
            },
        )
    except IntegrityError:
        raise Conflict(
            _(
                "A ballot for %(park)s was recorded at the same moment. Please reload the page to see "
                "the park's current choice.",
                park=park.name_latin,
            )
        ) from None
    details = {"park_id": park.id, "receipt": receipt.receipt_code}
    if not secret:
        details["choice"] = choice
    record(session, "ballot.cast", actor=user, subject=initiative, details=details)
    return receipt


# --- closing ------------------------------------------------------------------------------------


def _close(
    session: Session, actor: User | None, initiative: Initiative, now: datetime
) -> VoteResult:
    ballots = session.execute(
        select(Ballot.park_id, Ballot.choice, Ballot.receipt_code).where(
            Ballot.initiative_id == initiative.id
        )
    ).all()
    electorate = _electorate_ids(session, initiative)
    # A secret vote's digest is keyed, or the published receipts and totals would reveal its choices.
    digest_key = secrets.token_hex(32) if initiative.secret else None
    tallies = rules.count(
        (choice for _park, choice, _receipt in ballots), allowed_choices(initiative)
    )
    decision = rules.decide(
        initiative.ballot_kind, tallies, len(electorate), initiative.quorum, initiative.majority
    )
    result = VoteResult(
        initiative_id=initiative.id,
        outcome=decision.outcome,
        reason=decision.reason,
        winner=decision.winner,
        tallies_json=json.dumps(tallies, separators=(",", ":")),
        ballots_cast=len(ballots),
        electorate_size=len(electorate),
        digest=rules.ballots_digest((tuple(b) for b in ballots), digest_key),
        digest_key=digest_key,
        closed_at=now,
    )
    session.add(result)
    initiative.status = InitiativeStatus.CLOSED
    initiative.closed_at = now
    session.flush()
    record(
        session,
        "vote.closed",
        actor=actor,
        subject=initiative,
        details={
            "outcome": decision.outcome.value,
            "reason": decision.reason,
            "winner": decision.winner,
            "tallies": tallies,
            "ballots_cast": len(ballots),
            "electorate": len(electorate),
            "digest": result.digest,
            "by_hand": actor is not None,
        },
    )
    handler = _outcome_handlers.get(InitiativeKind(initiative.kind))
    if handler is not None:
        handler(session, initiative, decision.outcome)
    _mail_delegates(
        session,
        electorate,
        _("Result: %(title)s", title=initiative.title),
        "vote_result.txt",
        initiative,
        result=result,
    )
    return result


@state_change
def close_vote(
    session: Session, actor: User | None, initiative: Initiative, *, now: datetime | None = None
) -> VoteResult:
    """Close voting (by hand, or by the clock with actor None) and freeze the result: tallies,
    turnout, outcome under the frozen rules, and the ballots' SHA-256 digest. A closed result
    is final: closing again is refused and the attempt is audited."""
    _require_staff(actor)
    now = now or utcnow()
    if initiative.status == InitiativeStatus.CLOSED:
        raise Conflict(
            _("This vote is already closed and its result is final."),
            audit=Refusal(
                "vote.close_refused",
                actor=actor,
                subject=initiative,
                details={"reason": "already_closed"},
            ),
        )
    if initiative.status != InitiativeStatus.OPEN:
        raise Conflict(
            _(
                "Only an open vote can be closed; this initiative is %(status)s.",
                status=initiative.status,
            )
        )
    return _close(session, actor, initiative, now)


@state_change
def send_reminders(
    session: Session, actor: User | None, initiative: Initiative, *, now: datetime | None = None
) -> int:
    """In the last 24 hours, remind the delegates of each park that has not voted: once per park."""
    now = now or utcnow()
    if initiative.status != InitiativeStatus.OPEN or not (
        initiative.closes_at - REMINDER_BEFORE <= now < initiative.closes_at
    ):
        return 0
    voted = select(Ballot.park_id).where(Ballot.initiative_id == initiative.id)
    reminded = select(ReminderSent.park_id).where(ReminderSent.initiative_id == initiative.id)
    waiting = list(
        session.scalars(
            select(ElectorateMember.park_id)
            .where(
                ElectorateMember.initiative_id == initiative.id,
                ElectorateMember.park_id.not_in(voted),
                ElectorateMember.park_id.not_in(reminded),
            )
            .order_by(ElectorateMember.park_id)
        )
    )
    if not waiting:
        return 0
    session.add_all(
        ReminderSent(initiative_id=initiative.id, park_id=park_id, sent_at=now)
        for park_id in waiting
    )
    _mail_delegates(
        session,
        waiting,
        _("Reminder: your park has not voted on %(title)s", title=initiative.title),
        "vote_reminder.txt",
        initiative,
        closes=when(initiative.closes_at),
    )
    record(
        session, "vote.reminders_sent", actor=actor, subject=initiative, details={"parks": waiting}
    )
    return len(waiting)


@dataclass(frozen=True)
class DueReport:
    opened: int
    closed: int
    reminded: int


def close_due_votes(session: Session, now: datetime | None = None) -> DueReport:
    """What cron runs: open scheduled votes whose time has come, close open votes past closes_at,
    and send the 24-hour reminders. Each initiative is its own transaction."""
    now = now or utcnow()
    opened = closed = reminded = 0
    due = session.scalars(
        select(Initiative.id)
        .where(
            ((Initiative.status == InitiativeStatus.SCHEDULED) & (Initiative.opens_at <= now))
            | ((Initiative.status == InitiativeStatus.OPEN) & (Initiative.closes_at <= now))
        )
        .order_by(Initiative.id)
    ).all()
    for initiative_id in due:
        initiative = session.get(Initiative, initiative_id)
        was = initiative.status
        if settle(session, None, initiative, now=now):
            opened += was == InitiativeStatus.SCHEDULED
            closed += initiative.status == InitiativeStatus.CLOSED
    closing_soon = session.scalars(
        select(Initiative.id)
        .where(
            Initiative.status == InitiativeStatus.OPEN,
            Initiative.closes_at > now,
            Initiative.closes_at <= now + REMINDER_BEFORE,
        )
        .order_by(Initiative.id)
    ).all()
    for initiative_id in closing_soon:
        reminded += send_reminders(session, None, session.get(Initiative, initiative_id), now=now)
    return DueReport(opened, closed, reminded)


def count_ballots(session: Session, initiative: Initiative) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(Ballot).where(Ballot.initiative_id == initiative.id)
        )
        or 0
    )
