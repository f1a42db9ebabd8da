"""Initiatives as the secretariat drafts them: the text and rules, the attachments, the voting
period, and withdrawal before voting opens. Every change is a state change (association.domain):
checked, audited and committed in one transaction, or refused with a clear message and nothing
changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import datetime
from fractions import Fraction
from pathlib import PurePosixPath
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.orm import Session

from association.audit.log import record
from association.content_languages import TranslatedField, check_translations, set_translations
from association.database import utcnow
from association.documents.verify import readable_pdf
from association.domain import Conflict, Invalid, state_change
from association.parks.models import User
from association.voting.models import (
    Attachment,
    BallotKind,
    Initiative,
    InitiativeKind,
    InitiativeOption,
    InitiativeStatus,
    InitiativeTranslation,
    Majority,
)
from association.voting.policy import require_staff

MAX_OPTIONS = 20
# What a translation gives, under the rules of the English title and summary.
TRANSLATED_FIELDS = (
    TranslatedField("title", _l("Title"), max_length=300, required=True),
    TranslatedField("summary", _l("Summary"), single_line=False),
)
Translations = Mapping[str, Mapping[str, str | None]]

# --- checking the text and rules ------------------------------------------------------------


def check_dates(opens_at: datetime | None, closes_at: datetime | None) -> None:
    """Refuse naive times, and a vote that closes before it opens."""
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
        raise Invalid(
            ngettext(
                "An option ballot has at most %(num)d option.",
                "An option ballot has at most %(num)d options.",
                MAX_OPTIONS,
            )
        )
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


def _refuse_unknown(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise Invalid(
            _("These fields cannot be changed here: %(fields)s", fields=", ".join(sorted(unknown)))
        )


def _check_title(title: str | None) -> str:
    title = (title or "").strip()
    if not title:
        raise Invalid(_("Please give the initiative a title."))
    if len(title) > 300:
        raise Invalid(_("The title is at most 300 characters long."))
    return title


def _check_choices(fields: dict[str, Any]) -> None:
    """The kind, ballot and majority as their enums, in place."""
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


def _new_labels(initiative: Initiative, fields: dict[str, Any]) -> list[str] | None:
    """The checked option labels when the options or the ballot change (popped from `fields`),
    else None."""
    if "options" not in fields and "ballot_kind" not in fields:
        return None
    ballot_kind = fields.get("ballot_kind", initiative.ballot_kind or BallotKind.YES_NO)
    given = fields.pop("options", None)
    return _check_options(
        ballot_kind, given if given is not None else [o.label for o in initiative.options]
    )


def _check_fields(initiative: Initiative, fields: dict[str, Any]) -> list[str] | None:
    """Check the drafting fields and turn them into column values, in place; returns the new
    option labels, if they change."""
    _refuse_unknown(fields)
    if "title" in fields:
        fields["title"] = _check_title(fields["title"])
    _check_choices(fields)
    if "quorum" in fields:
        quorum = _check_quorum(fields.pop("quorum"))
        fields["quorum_numerator"], fields["quorum_denominator"] = (
            quorum.numerator,
            quorum.denominator,
        )
    labels = _new_labels(initiative, fields)
    check_dates(
        fields.get("opens_at", initiative.opens_at), fields.get("closes_at", initiative.closes_at)
    )
    if "proposer_park" in fields:
        park = fields.pop("proposer_park")
        fields["proposer_park_id"] = park.id if park is not None else None
    return labels


def _set_options(initiative: Initiative, labels: list[str]) -> bool:
    """Whether the options changed. They change in place by position, so the unique
    (initiative, position) holds at every flush."""
    if [option.label for option in initiative.options] == labels:
        return False
    for position, label in enumerate(labels, start=1):
        if position <= len(initiative.options):
            initiative.options[position - 1].label = label
        else:
            initiative.options.append(InitiativeOption(position=position, label=label))
    del initiative.options[len(labels) :]
    return True


def _apply(initiative: Initiative, fields: dict[str, Any]) -> dict[str, Any]:
    """Set the drafting fields after checking them; returns what changed (for the audit)."""
    labels = _check_fields(initiative, fields)
    changed = {}
    for name, value in fields.items():
        if getattr(initiative, name) != value:
            setattr(initiative, name, value)
            changed[name] = value.isoformat() if isinstance(value, datetime) else value
    if labels is not None and _set_options(initiative, labels):
        changed["options"] = labels
    return changed


def _require_editable(initiative: Initiative) -> None:
    if initiative.status not in (InitiativeStatus.DRAFT, InitiativeStatus.SCHEDULED):
        raise Conflict(
            _(
                "The initiative is %(status)s: its text and rules can no longer be changed.",
                status=initiative.status,
            )
        )


# --- drafting -------------------------------------------------------------------------------


@state_change
def create_initiative(
    session: Session,
    actor: User | None,
    *,
    title: str,
    attachments: Iterable[tuple[str, bytes]] = (),
    translations: Translations | None = None,
    **fields: Any,
) -> Initiative:
    """A new draft, with its translations (language -> {"title", "summary"}, the English being
    `title` and `summary`) and attachments (filename, content): all of it is saved, or nothing
    is. Nothing is published until it is scheduled or opened."""
    require_staff(actor)
    checked = check_translations(translations or {}, TRANSLATED_FIELDS)
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
    _apply(initiative, {"title": title, **fields})
    added = set_translations(initiative.translations, checked, InitiativeTranslation)
    session.add(initiative)
    session.flush()
    details: dict[str, Any] = {"title": initiative.title, "kind": str(initiative.kind)}
    if added:
        details["translations"] = sorted(added)
    record(session, "initiative.created", actor=actor, subject=initiative, details=details)
    for filename, data in attachments:
        add_attachment(session, actor, initiative, filename, data)
    return initiative


@state_change
def update_initiative(
    session: Session,
    actor: User | None,
    initiative: Initiative,
    *,
    attachments: Iterable[tuple[str, bytes]] = (),
    translations: Translations | None = None,
    **fields: Any,
) -> Initiative:
    """Change the text, its translations or the rules and add attachments (filename, content):
    possible until voting opens (the text, in every language, and the rules freeze then); all
    of it is saved, or nothing is.

    `translations` maps a language to its {"title", "summary"}: a language given is added or
    changed, one given empty is removed, one not given stays as it is."""
    require_staff(actor)
    _require_editable(initiative)
    checked = check_translations(translations or {}, TRANSLATED_FIELDS)
    changed = _apply(initiative, dict(fields))
    translated = set_translations(initiative.translations, checked, InitiativeTranslation)
    if changed or translated:
        initiative.updated_at = utcnow()
        details: dict[str, Any] = {"changed": sorted(changed)}
        if translated:
            details["changed"] = sorted([*changed, "translations"])
            details["translations"] = translated
        record(session, "initiative.updated", actor=actor, subject=initiative, details=details)
    for filename, data in attachments:
        add_attachment(session, actor, initiative, filename, data)
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
    require_staff(actor)
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
        raise Invalid(
            ngettext(
                "An initiative has at most %(num)d attachment.",
                "An initiative has at most %(num)d attachments.",
                MAX_ATTACHMENTS,
            )
        )
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
    require_staff(actor)
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


# --- the voting period and withdrawal ---------------------------------------------------------


@state_change
def schedule_initiative(
    session: Session,
    actor: User | None,
    initiative: Initiative,
    opens_at: datetime | None,
    closes_at: datetime | None,
    *,
    now: datetime | None = None,
) -> Initiative:
    """Set the voting period: the vote opens by itself at opens_at and closes at closes_at."""
    require_staff(actor)
    now = now or utcnow()
    _require_editable(initiative)
    if opens_at is None or closes_at is None:
        raise Invalid(_("Please give the time voting opens and the time it closes."))
    check_dates(opens_at, closes_at)
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


@state_change
def cancel_initiative(
    session: Session, actor: User | None, initiative: Initiative, reason: str = ""
) -> Initiative:
    """Withdraw an initiative that has not opened; an open or closed vote cannot be cancelled."""
    require_staff(actor)
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
