"""Drafting: a memorandum, its revisions (every save is a new one) and its parties.

Every function that changes something is a state change (association.domain): it runs
under the association-wide change lock, checks the rules, writes its audit event and its
e-mails in the same transaction, or refuses with a DomainError and changes nothing.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete
from sqlalchemy.orm import Session

from association.audit.log import record
from association.documents.language import check_document_language
from association.domain import Conflict, Invalid, Refusal, state_change
from association.history import stating_time
from association.languages import ENGLISH
from association.mail.outbox import queue_mail
from association.memoranda import policy
from association.memoranda.circulation import end_circulation
from association.memoranda.models import (
    CirculationEnd,
    Memorandum,
    MemorandumStatus,
    OutsideSigningLink,
    Party,
    Revision,
    RevisionText,
    SigningView,
)
from association.memoranda.policy import party_recipients, require_secretariat
from association.memoranda.texts import check_texts, check_titles
from association.parks.models import Park, ParkStatus, User
from association.parks.service import check_country
from association.site import site_url


def _check_draft_fields(title: str, place: str) -> tuple[str, str]:
    title, place = (title or "").strip(), (place or "").strip()
    if not title:
        raise Invalid(_("Please give the memorandum a title."))
    if len(title) > 300 or len(place) > 200:
        raise Invalid(_("The title may have at most 300 characters and the place 200."))
    return title, place


def add_revision(
    session: Session,
    actor: User | None,
    memorandum: Memorandum,
    title: str,
    place: str,
    texts: dict[str, str],
    note: str,
    titles: dict[str, str] | None = None,
    now: datetime | None = None,
) -> Revision:
    """The next revision with these texts, flushed; the memorandum takes its title and place.

    Each text is headed by its language's title in `titles`, or else by `title`. The caller
    has checked the fields, texts and titles and holds the change lock."""
    number = (memorandum.latest_revision.number if memorandum.latest_revision else 0) + 1
    revision = Revision(
        memorandum=memorandum,
        number=number,
        title=title,
        place=place,
        note=(note or "").strip()[:500],
        created_by=actor,
    )
    if now is not None:
        revision.created_at = now
    titles = titles or {}
    for language, body in texts.items():
        revision.texts.append(
            RevisionText(language=language, title=titles.get(language) or title, body=body)
        )
    session.add(revision)
    memorandum.title, memorandum.place = title, place
    session.flush()
    return revision


@state_change
def create_memorandum(
    session: Session,
    actor: User | None,
    *,
    title: str,
    place: str = "",
    texts: dict[str, str],
    titles: dict[str, str] | None = None,
    public: bool = False,
    note: str = "",
    now: datetime | None = None,
    document_language: str = ENGLISH,
) -> Memorandum:
    """A new draft with its first revision; `titles` heads each language's text (the
    memorandum's title where a language has none of its own). `document_language` is the
    language of the issued PDF's fixed text (cover, headings, signature and audit-trail
    pages); the texts stay as drafted. An unknown one is refused (Invalid).

    `now` is when it was drafted, when that was before it is recorded (association.history)."""
    require_secretariat(actor)
    title, place = _check_draft_fields(title, place)
    texts = check_texts(actor, None, texts)
    titles = check_titles(titles, texts)
    document_language = check_document_language(document_language)
    memorandum = Memorandum(
        title=title,
        place=place,
        status=MemorandumStatus.DRAFT,
        public=public,
        created_by=actor,
        document_language=document_language,
    )
    if now is not None:
        memorandum.created_at = now
    session.add(memorandum)
    session.flush()
    revision = add_revision(
        session, actor, memorandum, title, place, texts, note or "First draft", titles, now
    )
    record(
        session,
        "memorandum.created",
        actor=actor,
        subject=memorandum,
        details=stating_time(
            {
                "title": title,
                "revision": revision.number,
                "languages": list(texts),
                "document_language": document_language,
            },
            now,
        ),
    )
    return memorandum


@state_change
def save_revision(
    session: Session,
    actor: User | None,
    memorandum: Memorandum,
    *,
    title: str,
    place: str,
    texts: dict[str, str],
    titles: dict[str, str] | None = None,
    note: str = "",
    base_number: int | None = None,
    public: bool | None = None,
    document_language: str | None = None,
) -> Revision:
    """Every save is a new revision; the circulated ones stay frozen.

    Saving while a revision circulates (or after all signed, before issue) ends that
    circulation: its signatures lapse and every party is told by e-mail. An issued
    memorandum is never edited (amend it instead). `base_number` is the revision the
    editor started from: if another was saved since, nothing is saved.

    `public` is the edit form's visibility and `document_language` the language of the
    issued PDF's fixed text (None: leave it): they change in the same transaction, so a
    refused revision leaves them as they were too; an unknown language is refused (Invalid)
    and nothing changes. When only they changed, no revision is added, no circulation ends
    (the parties sign the texts, not the PDF's labels) and the latest revision is returned.
    Once issued, nothing changes: the PDF is rendered in that language once, at issue.
    """
    require_secretariat(actor)
    if memorandum.status in policy.ISSUED_STATES:
        raise Conflict(
            _(
                "%(number)s is issued: its text is frozen for good. Amend it instead.",
                number=memorandum.registry_number,
            ),
            audit=Refusal(
                "memorandum.edit_refused",
                actor=actor,
                subject=memorandum,
                details={"status": str(memorandum.status)},
            ),
        )
    latest = memorandum.latest_revision
    if base_number is not None and latest is not None and base_number != latest.number:
        raise Conflict(
            _(
                "Revision %(latest)d was saved while you edited revision %(base)d; your changes are not "
                "saved. Please open the latest revision and edit it.",
                latest=latest.number,
                base=base_number,
            )
        )
    title, place = _check_draft_fields(title, place)
    texts = check_texts(actor, memorandum, texts)
    titles = check_titles(titles, texts)
    settings = _settings_changed(memorandum, public, document_language)
    if latest is not None and _same_text(latest, title, place, texts, titles):
        if not settings:
            raise Invalid(
                _(
                    "Nothing was changed: revision %(number)d stays the latest.",
                    number=latest.number,
                )
            )
        _change_settings(session, actor, memorandum, settings)
        return latest
    _change_settings(session, actor, memorandum, settings)
    lapsed = None
    if memorandum.status in (MemorandumStatus.CIRCULATING, MemorandumStatus.SIGNED):
        lapsed = memorandum.last_circulation
        if lapsed is not None and lapsed.is_open:
            end_circulation(session, lapsed, CirculationEnd.NEW_REVISION)
    revision = add_revision(session, actor, memorandum, title, place, texts, note, titles)
    memorandum.status = MemorandumStatus.DRAFT
    details: dict[str, Any] = {"revision": revision.number, "languages": list(texts)}
    if lapsed is not None:
        details.update(circulation=lapsed.id, lapsed_signatures=len(lapsed.signatures))
        for party in memorandum.parties:
            for email, name, language in party_recipients(party):
                queue_mail(
                    session,
                    email,
                    _l("Signatures lapsed: %(title)s", title=memorandum.title),
                    "memorandum_withdrawn.txt",
                    language=language,
                    name=name,
                    memorandum=memorandum,
                    party=party,
                    revision=revision,
                    link=site_url(f"/memoranda/{memorandum.id}"),
                )
    record(session, "memorandum.revised", actor=actor, subject=memorandum, details=details)
    return revision


def _same_text(
    latest: Revision, title: str, place: str, texts: dict[str, str], titles: dict[str, str]
) -> bool:
    return (
        latest.title == title
        and latest.place == place
        and {t.language: t.body for t in latest.texts} == texts
        and {t.language: t.heading for t in latest.texts}
        == {language: titles.get(language) or title for language in texts}
    )


def _settings_changed(
    memorandum: Memorandum, public: bool | None, document_language: str | None
) -> dict[str, Any]:
    """What the edit form changes besides the text: visibility and the PDF's language
    (checked: an unknown language is refused)."""
    changed: dict[str, Any] = {}
    if public is not None and public != memorandum.public:
        changed["public"] = public
    if document_language is not None:
        document_language = check_document_language(document_language)
        if document_language != memorandum.document_language:
            changed["document_language"] = document_language
    return changed


def _change_settings(
    session: Session, actor: User | None, memorandum: Memorandum, settings: dict[str, Any]
) -> None:
    if "public" in settings:
        _change_visibility(session, actor, memorandum, bool(settings["public"]))
    if "document_language" in settings:
        _change_document_language(session, actor, memorandum, settings["document_language"])


def _parties_editable(actor: User | None, memorandum: Memorandum) -> None:
    if memorandum.status not in (MemorandumStatus.DRAFT, MemorandumStatus.DECLINED):
        raise Conflict(
            _(
                "The parties can change only while the memorandum is a draft (not while it circulates, "
                "is signed or issued)."
            ),
            audit=Refusal(
                "memorandum.parties_refused",
                actor=actor,
                subject=memorandum,
                details={"status": str(memorandum.status)},
            ),
        )


@state_change
def add_member_party(
    session: Session,
    actor: User | None,
    memorandum: Memorandum,
    park: Park,
    *,
    now: datetime | None = None,
) -> Party:
    """A member (or observer) park becomes a party; its signatories sign for it (`now`: when,
    if before it is recorded)."""
    require_secretariat(actor)
    _parties_editable(actor, memorandum)
    if park.status == ParkStatus.WITHDRAWN:
        raise Invalid(_("%(park)s has withdrawn from the association.", park=park.name_latin))
    if any(party.park_id == park.id for party in memorandum.parties):
        raise Conflict(_("%(park)s is already a party.", park=park.name_latin))
    party = Party(memorandum=memorandum, park=park, position=len(memorandum.parties) + 1)
    session.add(party)
    session.flush()
    record(
        session,
        "memorandum.party_added",
        actor=actor,
        subject=memorandum,
        details=stating_time({"party": party.id, "park": park.slug}, now),
    )
    return party


@state_change
def add_outside_party(
    session: Session,
    actor: User | None,
    memorandum: Memorandum,
    *,
    name: str,
    country: str,
    signatory_name: str,
    signatory_title: str,
    signatory_email: str,
) -> Party:
    """An organisation outside the association; its signatory signs through an e-mailed link."""

    require_secretariat(actor)
    _parties_editable(actor, memorandum)
    name, signatory_name = (name or "").strip(), (signatory_name or "").strip()
    email = (signatory_email or "").strip().lower()
    if not name or not signatory_name:
        raise Invalid(_("Please give the organisation's name and its signatory's name."))
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise Invalid(
            _("Please give the signatory's e-mail address: the signing link is sent there.")
        )
    party = Party(
        memorandum=memorandum,
        organisation_name=name[:300],
        organisation_country=check_country(country),
        signatory_name=signatory_name[:200],
        signatory_title=(signatory_title or "").strip()[:200],
        signatory_email=email[:320],
        position=len(memorandum.parties) + 1,
    )
    session.add(party)
    session.flush()
    record(
        session,
        "memorandum.party_added",
        actor=actor,
        subject=memorandum,
        details={"party": party.id, "organisation": name, "signatory_email": email},
    )
    return party


@state_change
def remove_party(session: Session, actor: User | None, party: Party) -> None:
    """Remove a party from a draft, unless it signed or declined an earlier circulation."""
    require_secretariat(actor)
    memorandum = party.memorandum
    _parties_editable(actor, memorandum)
    if any(s.party_id == party.id for c in memorandum.circulations for s in c.signatures) or any(
        d.party_id == party.id for c in memorandum.circulations for d in c.declines
    ):
        raise Conflict(
            _(
                "%(party)s has signed or declined an earlier circulation: its record stays.",
                party=party.name,
            )
        )
    session.execute(delete(SigningView).where(SigningView.party_id == party.id))
    session.execute(delete(OutsideSigningLink).where(OutsideSigningLink.party_id == party.id))
    memorandum.parties.remove(party)
    session.delete(party)
    for position, other in enumerate(memorandum.parties, start=1):
        other.position = position
    record(
        session,
        "memorandum.party_removed",
        actor=actor,
        subject=memorandum,
        details={"party": party.name},
    )


@state_change
def set_public(session: Session, actor: User | None, memorandum: Memorandum, public: bool) -> None:
    """Whether everyone may read the memorandum (and download its PDF) once issued."""
    require_secretariat(actor)
    _change_visibility(session, actor, memorandum, public)


def _change_visibility(
    session: Session, actor: User | None, memorandum: Memorandum, public: bool
) -> None:
    if memorandum.public != public:
        memorandum.public = public
        record(
            session,
            "memorandum.visibility_changed",
            actor=actor,
            subject=memorandum,
            details={"public": public},
        )


def _change_document_language(
    session: Session, actor: User | None, memorandum: Memorandum, language: str
) -> None:
    if memorandum.document_language != language:
        record(
            session,
            "memorandum.document_language_changed",
            actor=actor,
            subject=memorandum,
            details={"from": memorandum.document_language, "to": language},
        )
        memorandum.document_language = language
