"""Memoranda: drafting, circulation, signing by each party, issuing, termination, amendment.

Every function that changes something is a state change (association.domain): it runs
under the association-wide change lock, checks the rules, writes its audit event and its
e-mails in the same transaction, or refuses with a DomainError and changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from markdown_it import MarkdownIt
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from association.audit.log import record
from association.audit.models import AuditEvent
from association.auth.models import Role, User
from association.auth.passwords import hash_password, password_matches
from association.database import utcnow
from association.domain import Conflict, Invalid, NotAllowed, NotFound, Refusal, state_change
from association.mail.outbox import queue_mail
from association.memoranda import policy
from association.memoranda.models import (
    LANGUAGE_ORDER,
    TEXT_LANGUAGES,
    Circulation,
    CirculationEnd,
    Decline,
    Memorandum,
    MemorandumStatus,
    OutsideSigningLink,
    Party,
    Revision,
    RevisionText,
    Signature,
    SigningView,
)
from association.parks.models import Park, ParkStatus
from association.site import site_url

OUTSIDE_LINK_DAYS = 14
CODE_MINUTES = 30
MAX_WRONG_CODES = 5
MAX_CODES_SENT = 5
# Wrong passwords at signing: after this many within the window, signing is refused for a while.
MAX_WRONG_PASSWORDS = 5
WRONG_PASSWORD_WINDOW = timedelta(minutes=15)
MAX_TEXT_CHARS = 400_000

# "Place of signature ... languages ... equally authentic", closing the text in each language.
_CLAUSE_PLACE = {
    "en": "Place of signature: {place}.",
    "kk": "Қол қойылған орны: {place}.",
    "tr": "İmza yeri: {place}.",
    "az": "İmzalanma yeri: {place}.",
    "uz": "Imzolangan joy: {place}.",
    "ky": "Кол коюлган жери: {place}.",
    "ru": "Место подписания: {place}.",
}
_CLAUSE_LANGUAGES = {
    "en": "This Memorandum is made in the following languages: {languages}; all texts are equally authentic.",
    "kk": "Осы Меморандум мына тілдерде жасалды: {languages}; барлық мәтіндердің күші бірдей.",
    "tr": "Bu Mutabakat Zaptı şu dillerde düzenlenmiştir: {languages}; tüm metinler eşit derecede geçerlidir.",
    "az": "Bu Memorandum aşağıdakı dillərdə tərtib edilmişdir: {languages}; bütün mətnlər eyni qüvvəyə malikdir.",
    "uz": "Ushbu Memorandum quyidagi tillarda tuzilgan: {languages}; barcha matnlar teng kuchga ega.",
    "ky": "Бул Меморандум төмөнкү тилдерде түзүлдү: {languages}; бардык тексттер бирдей күчкө ээ.",
    "ru": "Настоящий Меморандум составлен на следующих языках: {languages}; все тексты имеют одинаковую силу.",
}


# --- the text, its final clause and its hash ----------------------------------------


def authentic_clause(revision: Revision, language: str) -> str:
    """The final clause in `language`: place of signature, the languages, each equally authentic."""
    languages = ", ".join(TEXT_LANGUAGES[text.language] for text in revision.ordered_texts)
    parts = []
    if revision.place:
        parts.append(_CLAUSE_PLACE[language].format(place=revision.place))
    parts.append(_CLAUSE_LANGUAGES[language].format(languages=languages))
    return " ".join(parts)


def canonical_text(revision: Revision, parties: list[Party]) -> str:
    """What is signed, as canonical JSON: title, place, parties, and every language's text
    with its final clause, in the fixed language order."""
    payload = {
        "memorandum": revision.memorandum_id,
        "revision": revision.number,
        "title": revision.title,
        "place": revision.place,
        "parties": [party.name for party in parties],
        "texts": [
            {
                "language": text.language,
                "text": text.body,
                "clause": authentic_clause(revision, text.language),
            }
            for text in revision.ordered_texts
        ],
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def text_sha256(revision: Revision, parties: list[Party]) -> str:
    return hashlib.sha256(canonical_text(revision, parties).encode()).hexdigest()


def is_frozen(session: Session, revision: Revision) -> bool:
    """A revision once circulated is frozen for good."""
    return (
        session.scalar(
            select(func.count())
            .select_from(Circulation)
            .where(Circulation.revision_id == revision.id)
        )
        > 0
    )


@event.listens_for(Session, "before_flush")
def _frozen_revisions_stay_as_they_are(session, flush_context, instances):
    # A second line behind the domain functions: no code path may rewrite a circulated text.
    for changed in session.dirty:
        if isinstance(changed, RevisionText | Revision) and session.is_modified(changed):
            revision = changed.revision if isinstance(changed, RevisionText) else changed
            with session.no_autoflush:
                frozen = revision.id is not None and is_frozen(session, revision)
            if frozen:
                raise Conflict(
                    _(
                        "Revision %(number)d was circulated and is frozen: save a new revision instead.",
                        number=revision.number,
                    )
                )


# --- helpers ------------------------------------------------------------------------


def _require_secretariat(actor: User | None) -> None:
    # actor None: the command line, run by the machine's operator.
    if actor is not None and not policy.can_manage_memoranda(actor):
        raise NotAllowed(_("Only the secretariat drafts, circulates and issues memoranda."))


def _staff(session: Session) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .where(User.role.in_([Role.SECRETARIAT, Role.ADMIN]), User.active.is_(True))
            .order_by(User.id)
        )
    )


def _signatories(party: Party) -> list[User]:
    if party.park is None:
        return []
    return [
        user
        for user in party.park.users
        if user.active and user.is_signatory and user.role == Role.MEMBER
    ]


def _party_recipients(party: Party) -> list[tuple[str, str]]:
    """(e-mail, name) of whoever signs for the party."""
    if party.is_outside:
        return [(party.signatory_email, party.signatory_name)] if party.signatory_email else []
    return [(user.email, user.full_name) for user in _signatories(party)]


def _clean_texts(texts: dict[str, str]) -> dict[str, str]:
    cleaned = {}
    for language, body in texts.items():
        if language not in TEXT_LANGUAGES:
            raise Invalid(
                _("%(code)s is not a language a memorandum can be written in.", code=language)
            )
        body = (body or "").replace("\r\n", "\n").strip()
        if body:
            cleaned[language] = body
    if not cleaned:
        raise Invalid(_("Please write the text in at least one language."))
    return {language: cleaned[language] for language in LANGUAGE_ORDER if language in cleaned}


# Raw HTML is recognised here (never rendered: association.markdown renders without it), so
# that a text holding any is refused rather than silently changed.
_markdown_with_html = MarkdownIt("commonmark")
_SCRIPT_LINK = re.compile(r"(\]\(|\]:|<)\s*<?\s*(javascript|vbscript|data|file)\s*:", re.IGNORECASE)


def _holds_html_or_script(body: str) -> bool:
    if _SCRIPT_LINK.search(body):
        return True
    for token in _markdown_with_html.parse(body):
        if token.type == "html_block" or any(
            child.type == "html_inline" for child in token.children or []
        ):
            return True
    return False


def _unsafe_language(texts: dict[str, str]) -> str | None:
    """The first language whose Markdown holds raw HTML, a script or a script link."""
    for language, body in texts.items():
        if _holds_html_or_script(body):
            return language
    return None


def _check_draft_fields(title: str, place: str) -> tuple[str, str]:
    title, place = (title or "").strip(), (place or "").strip()
    if not title:
        raise Invalid(_("Please give the memorandum a title."))
    if len(title) > 300 or len(place) > 200:
        raise Invalid(_("The title may have at most 300 characters and the place 200."))
    return title, place


def _check_texts(
    actor: User | None, memorandum: Memorandum | None, texts: dict[str, str]
) -> dict[str, str]:
    texts = _clean_texts(texts)
    if any(len(body) > MAX_TEXT_CHARS for body in texts.values()):
        raise Invalid(_("A text may have at most %(count)d characters.", count=MAX_TEXT_CHARS))
    unsafe = _unsafe_language(texts)
    if unsafe is not None:
        raise Invalid(
            _(
                "The %(language)s text contains HTML or a script link, which a memorandum cannot hold. "
                "Please write it in plain Markdown.",
                language=TEXT_LANGUAGES[unsafe],
            ),
            audit=Refusal(
                "memorandum.unsafe_text_refused",
                actor=actor,
                subject=memorandum,
                details={"language": unsafe},
            ),
        )
    return texts


def _add_revision(
    session: Session,
    actor: User | None,
    memorandum: Memorandum,
    title: str,
    place: str,
    texts: dict[str, str],
    note: str,
) -> Revision:
    number = (memorandum.latest_revision.number if memorandum.latest_revision else 0) + 1
    revision = Revision(
        memorandum=memorandum,
        number=number,
        title=title,
        place=place,
        note=(note or "").strip()[:500],
        created_by=actor,
    )
    for language, body in texts.items():
        revision.texts.append(RevisionText(language=language, body=body))
    session.add(revision)
    memorandum.title, memorandum.place = title, place
    session.flush()
    return revision


# --- drafting -----------------------------------------------------------------------


@state_change
def create_memorandum(
    session: Session,
    actor: User | None,
    *,
    title: str,
    place: str = "",
    texts: dict[str, str],
    public: bool = False,
    note: str = "",
) -> Memorandum:
    """A new draft with its first revision."""
    _require_secretariat(actor)
    title, place = _check_draft_fields(title, place)
    texts = _check_texts(actor, None, texts)
    memorandum = Memorandum(
        title=title, place=place, status=MemorandumStatus.DRAFT, public=public, created_by=actor
    )
    session.add(memorandum)
    session.flush()
    revision = _add_revision(session, actor, memorandum, title, place, texts, note or "First draft")
    record(
        session,
        "memorandum.created",
        actor=actor,
        subject=memorandum,
        details={"title": title, "revision": revision.number, "languages": list(texts)},
    )
    return memorandum


def _end_circulation(session: Session, circulation: Circulation, reason: CirculationEnd) -> None:
    circulation.ended_at = utcnow()
    circulation.end_reason = reason


@state_change
def save_revision(
    session: Session,
    actor: User | None,
    memorandum: Memorandum,
    *,
    title: str,
    place: str,
    texts: dict[str, str],
    note: str = "",
    base_number: int | None = None,
) -> Revision:
    """Every save is a new revision; the circulated ones stay frozen.

    Saving while a revision circulates (or after all signed, before issue) ends that
    circulation: its signatures lapse and every party is told by e-mail. An issued
    memorandum is never edited (amend it instead). `base_number` is the revision the
    editor started from: if another was saved since, nothing is saved.
    """
    _require_secretariat(actor)
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
    texts = _check_texts(actor, memorandum, texts)
    if (
        latest is not None
        and latest.title == title
        and latest.place == place
        and {t.language: t.body for t in latest.texts} == texts
    ):
        raise Invalid(
            _("Nothing was changed: revision %(number)d stays the latest.", number=latest.number)
        )
    lapsed = None
    if memorandum.status in (MemorandumStatus.CIRCULATING, MemorandumStatus.SIGNED):
        lapsed = memorandum.last_circulation
        if lapsed.is_open:
            _end_circulation(session, lapsed, CirculationEnd.NEW_REVISION)
    revision = _add_revision(session, actor, memorandum, title, place, texts, note)
    memorandum.status = MemorandumStatus.DRAFT
    details = {"revision": revision.number, "languages": list(texts)}
    if lapsed is not None:
        details.update(circulation=lapsed.id, lapsed_signatures=len(lapsed.signatures))
        for party in memorandum.parties:
            for email, name in _party_recipients(party):
                queue_mail(
                    session,
                    email,
                    _("Signatures lapsed: %(title)s", title=memorandum.title),
                    "memorandum_withdrawn.txt",
                    name=name,
                    memorandum=memorandum,
                    party=party,
                    revision=revision,
                    link=site_url(f"/memoranda/{memorandum.id}"),
                )
    record(session, "memorandum.revised", actor=actor, subject=memorandum, details=details)
    return revision


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
    session: Session, actor: User | None, memorandum: Memorandum, park: Park
) -> Party:
    """A member (or observer) park becomes a party; its signatories sign for it."""
    _require_secretariat(actor)
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
        details={"party": party.id, "park": park.slug},
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
    from association.parks.service import check_country

    _require_secretariat(actor)
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
    _require_secretariat(actor)
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
    session.execute(SigningView.__table__.delete().where(SigningView.party_id == party.id))
    session.execute(
        OutsideSigningLink.__table__.delete().where(OutsideSigningLink.party_id == party.id)
    )
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
    _require_secretariat(actor)
    if memorandum.public != public:
        memorandum.public = public
        record(
            session,
            "memorandum.visibility_changed",
            actor=actor,
            subject=memorandum,
            details={"public": public},
        )


# --- circulation --------------------------------------------------------------------


def _new_outside_link(session: Session, party: Party, circulation: Circulation) -> str:
    token = secrets.token_urlsafe(32)
    session.add(
        OutsideSigningLink(
            party=party,
            circulation=circulation,
            token_hash=_digest(token),
            expires_at=utcnow() + timedelta(days=OUTSIDE_LINK_DAYS),
        )
    )
    return token


def _send_outside_link(session: Session, party: Party, circulation: Circulation) -> str:
    token = _new_outside_link(session, party, circulation)
    queue_mail(
        session,
        party.signatory_email,
        _("Please sign: %(title)s", title=circulation.memorandum.title),
        "memorandum_outside_link.txt",
        party=party,
        memorandum=circulation.memorandum,
        circulation=circulation,
        link=site_url(f"/memoranda/sign/{token}"),
        days=OUTSIDE_LINK_DAYS,
    )
    return token


@state_change
def circulate(session: Session, actor: User | None, memorandum: Memorandum) -> Circulation:
    """Send the latest revision for signature: its text and SHA-256 are frozen, each party's
    signatories are e-mailed (outside signatories get a single-use, expiring link)."""
    _require_secretariat(actor)
    if memorandum.status not in (MemorandumStatus.DRAFT, MemorandumStatus.DECLINED):
        raise Conflict(
            _(
                "Only a draft (or a declined memorandum) can be circulated; this one is %(status)s.",
                status=_(str(memorandum.status)),
            ),
            audit=Refusal(
                "memorandum.circulate_refused",
                actor=actor,
                subject=memorandum,
                details={"status": str(memorandum.status)},
            ),
        )
    if len(memorandum.parties) < 2:
        raise Invalid(_("A memorandum needs at least two parties before it can be circulated."))
    for party in memorandum.parties:
        if not _party_recipients(party):
            raise Invalid(
                _("%(party)s has no active signatory: nobody could sign for it.", party=party.name)
            )
    revision = memorandum.latest_revision
    circulation = Circulation(
        memorandum=memorandum, revision=revision, sha256=text_sha256(revision, memorandum.parties)
    )
    circulation.started_by_id = actor.id if actor is not None else None
    session.add(circulation)
    memorandum.status = MemorandumStatus.CIRCULATING
    session.flush()
    for party in memorandum.parties:
        if party.is_outside:
            _send_outside_link(session, party, circulation)
            continue
        for user in _signatories(party):
            queue_mail(
                session,
                user.email,
                _("Please sign: %(title)s", title=memorandum.title),
                "memorandum_circulated.txt",
                name=user.full_name,
                party=party,
                memorandum=memorandum,
                circulation=circulation,
                link=site_url(f"/memoranda/{memorandum.id}/sign"),
            )
    record(
        session,
        "memorandum.circulated",
        actor=actor,
        subject=memorandum,
        details={
            "circulation": circulation.id,
            "revision": revision.number,
            "sha256": circulation.sha256,
            "parties": [party.name for party in memorandum.parties],
        },
    )
    return circulation


@state_change
def withdraw_circulation(
    session: Session, actor: User | None, memorandum: Memorandum, reason: str = ""
) -> None:
    """Stop the circulation without a new text: signatures lapse, the parties are told."""
    _require_secretariat(actor)
    circulation = memorandum.current_circulation
    if memorandum.status != MemorandumStatus.CIRCULATING or circulation is None:
        raise Conflict(_("Nothing circulates for signature now."))
    _end_circulation(session, circulation, CirculationEnd.WITHDRAWN)
    memorandum.status = MemorandumStatus.DRAFT
    for party in memorandum.parties:
        for email, name in _party_recipients(party):
            queue_mail(
                session,
                email,
                _("Signatures lapsed: %(title)s", title=memorandum.title),
                "memorandum_withdrawn.txt",
                name=name,
                memorandum=memorandum,
                party=party,
                revision=None,
                link=site_url(f"/memoranda/{memorandum.id}"),
            )
    record(
        session,
        "memorandum.circulation_withdrawn",
        actor=actor,
        subject=memorandum,
        details={
            "circulation": circulation.id,
            "reason": (reason or "").strip()[:500],
            "lapsed_signatures": len(circulation.signatures),
        },
    )


# --- signing ------------------------------------------------------------------------


def _refuse(error_class, message: str, action: str, actor, memorandum, **details):
    return error_class(
        message, audit=Refusal(action, actor=actor, subject=memorandum, details=details)
    )


def _open_circulation_for(
    memorandum: Memorandum, circulation_id: int | None, actor, who: str
) -> Circulation:
    """The circulation being signed, or a clear, audited refusal."""
    status = memorandum.status
    action = "memorandum.sign_refused"
    if status == MemorandumStatus.DRAFT and not memorandum.circulations:
        raise _refuse(
            Conflict,
            _("This memorandum is a draft: it has not been circulated for signature."),
            action,
            actor,
            memorandum,
            reason="draft",
            who=who,
        )
    if status in policy.ISSUED_STATES:
        raise _refuse(
            Conflict,
            _(
                "This memorandum is already issued (%(number)s): it cannot be signed any more.",
                number=memorandum.registry_number,
            ),
            action,
            actor,
            memorandum,
            reason="issued",
            who=who,
        )
    current = memorandum.current_circulation
    if current is None or (circulation_id is not None and current.id != circulation_id):
        if status == MemorandumStatus.DECLINED:
            message = _(
                "A party declined this memorandum: signing is stopped until the secretariat acts."
            )
        elif status == MemorandumStatus.SIGNED:
            message = _("Every party has signed already; nothing more is needed.")
        else:
            message = _(
                "The text you read was withdrawn from signature (the secretariat changed it or stopped the "
                "circulation). Your signature was not recorded; please read the current text."
            )
        raise _refuse(
            Conflict,
            message,
            action,
            actor,
            memorandum,
            reason="withdrawn",
            who=who,
            circulation=circulation_id,
        )
    return current


def _party_in(memorandum: Memorandum, party_id: int) -> Party:
    party = next((p for p in memorandum.parties if p.id == party_id), None)
    if party is None:
        raise NotFound(_("This party is not a party to the memorandum."))
    return party


def _check_signer_fields(full_name: str, title: str, consent: bool) -> tuple[str, str]:
    full_name, title = (full_name or "").strip(), (title or "").strip()
    if not full_name or not title:
        raise Invalid(
            _("Please type your full name and your title, as they should appear on the memorandum.")
        )
    if len(full_name) > 200 or len(title) > 200:
        raise Invalid(_("The name and the title may have at most 200 characters each."))
    if not consent:
        raise Invalid(
            _("Please tick the box to confirm that you sign with this electronic signature.")
        )
    return full_name, title


def wrong_passwords_recently(session: Session, user: User, memorandum: Memorandum) -> int:
    since = utcnow() - WRONG_PASSWORD_WINDOW
    return (
        session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.action == "memorandum.sign_wrong_password",
                AuditEvent.actor_id == user.id,
                AuditEvent.subject_type == "Memorandum",
                AuditEvent.subject_id == str(memorandum.id),
                AuditEvent.occurred_at >= since,
            )
        )
        or 0
    )


def _first_opened(session: Session, circulation: Circulation, party: Party) -> datetime | None:
    return session.scalar(
        select(SigningView.first_opened_at).where(
            SigningView.circulation_id == circulation.id, SigningView.party_id == party.id
        )
    )


def _after_signature(
    session: Session, actor, memorandum: Memorandum, circulation: Circulation, signature: Signature
) -> None:
    record(
        session,
        "memorandum.signed",
        actor=actor,
        subject=memorandum,
        details={
            "circulation": circulation.id,
            "party": signature.party.name,
            "signer": signature.full_name,
            "title": signature.title,
            "method": signature.method,
            "sha256": signature.revision_sha256,
            "ip": signature.ip,
            "user_agent": signature.user_agent,
        },
    )
    signed = {s.party_id for s in circulation.signatures}
    if all(party.id in signed for party in memorandum.parties):
        _end_circulation(session, circulation, CirculationEnd.COMPLETED)
        memorandum.status = MemorandumStatus.SIGNED
        for user in _staff(session):
            queue_mail(
                session,
                user.email,
                _("All parties have signed: %(title)s", title=memorandum.title),
                "memorandum_signed_all.txt",
                name=user.full_name,
                memorandum=memorandum,
                link=site_url(f"/memoranda/{memorandum.id}"),
            )
        record(
            session,
            "memorandum.fully_signed",
            actor=actor,
            subject=memorandum,
            details={"circulation": circulation.id, "sha256": circulation.sha256},
        )


@state_change
def note_sign_page_opened(
    session: Session, user: User | None, circulation: Circulation, party: Party
) -> None:
    """Keep when the party's signatory first opened the text of this circulation (once)."""
    if _first_opened(session, circulation, party) is not None:
        return
    session.add(
        SigningView(circulation=circulation, party_id=party.id, user_id=getattr(user, "id", None))
    )
    record(
        session,
        "memorandum.sign_page_opened",
        actor=user,
        subject=circulation.memorandum,
        details={"circulation": circulation.id, "party": party.name},
    )


@state_change
def sign(
    session: Session,
    user: User,
    memorandum: Memorandum,
    *,
    party_id: int,
    circulation_id: int | None,
    full_name: str,
    title: str,
    consent: bool,
    password: str,
    ip: str = "",
    user_agent: str = "",
) -> Signature:
    """The party's signature of the circulating text, confirmed with the signatory's password.

    Exactly one signature per party and circulation, even when two of its signatories sign
    at the same moment (the change lock serialises them; a unique constraint guards).
    Repeated wrong passwords (5 in 15 minutes) stop signing for this user for a while.
    """
    party = _party_in(memorandum, party_id)
    if not policy.can_sign_for(user, party):
        reason = "not_signatory" if user.park_id == party.park_id else "other_party"
        message = (
            _(
                "You are not a signatory of %(party)s: ask the secretariat to give you that duty.",
                party=party.name,
            )
            if reason == "not_signatory"
            else _("You cannot sign for %(party)s: you do not represent it.", party=party.name)
        )
        raise _refuse(
            NotAllowed,
            message,
            "memorandum.sign_refused",
            user,
            memorandum,
            reason=reason,
            party=party.name,
        )
    if wrong_passwords_recently(session, user, memorandum) >= MAX_WRONG_PASSWORDS:
        raise _refuse(
            NotAllowed,
            _(
                "Too many wrong passwords. Signing is paused for 15 minutes; please try again "
                "later."
            ),
            "memorandum.sign_throttled",
            user,
            memorandum,
            party=party.name,
        )
    circulation = _open_circulation_for(memorandum, circulation_id, user, user.email)
    existing = circulation.signature_of(party)
    if existing is not None:
        raise Conflict(
            _(
                "%(party)s has already signed (by %(name)s at %(time)s UTC).",
                party=party.name,
                name=existing.full_name,
                time=existing.signed_at.strftime("%Y-%m-%d %H:%M"),
            )
        )
    full_name, title = _check_signer_fields(full_name, title, consent)
    if not password_matches(user.password_hash, password or ""):
        raise _refuse(
            NotAllowed,
            _("The password is not right. Your signature was not recorded."),
            "memorandum.sign_wrong_password",
            user,
            memorandum,
            party=party.name,
            circulation=circulation.id,
        )
    signature = Signature(
        circulation=circulation,
        party=party,
        user=user,
        full_name=full_name,
        title=title,
        consent=True,
        method="password",
        first_opened_at=_first_opened(session, circulation, party),
        ip=(ip or "")[:64],
        user_agent=(user_agent or "")[:300],
        revision_sha256=circulation.sha256,
    )
    session.add(signature)
    session.flush()
    _after_signature(session, user, memorandum, circulation, signature)
    return signature


def _record_decline(
    session: Session,
    actor,
    memorandum: Memorandum,
    circulation: Circulation,
    party: Party,
    full_name: str,
    reason: str,
) -> Decline:
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(
            _(
                "Please give the reason for declining: the secretariat and the other parties will read it."
            )
        )
    decline = Decline(
        circulation=circulation,
        party=party,
        user_id=getattr(actor, "id", None),
        full_name=full_name[:200],
        reason=reason[:5000],
    )
    session.add(decline)
    _end_circulation(session, circulation, CirculationEnd.DECLINED)
    memorandum.status = MemorandumStatus.DECLINED
    recipients = [(u.email, u.full_name) for u in _staff(session)]
    for other in memorandum.parties:
        if other.id != party.id:
            recipients += _party_recipients(other)
    for email, name in recipients:
        queue_mail(
            session,
            email,
            _("Declined by %(party)s: %(title)s", party=party.name, title=memorandum.title),
            "memorandum_declined.txt",
            name=name,
            memorandum=memorandum,
            party=party,
            reason=reason,
            link=site_url(f"/memoranda/{memorandum.id}"),
        )
    session.flush()
    record(
        session,
        "memorandum.declined",
        actor=actor,
        subject=memorandum,
        details={
            "circulation": circulation.id,
            "party": party.name,
            "by": full_name,
            "reason": reason[:500],
        },
    )
    return decline


@state_change
def decline(
    session: Session,
    user: User,
    memorandum: Memorandum,
    *,
    party_id: int,
    circulation_id: int | None,
    reason: str,
) -> Decline:
    """The party declines the circulating text: the circulation stops until the secretariat acts."""
    party = _party_in(memorandum, party_id)
    if not policy.can_sign_for(user, party):
        raise _refuse(
            NotAllowed,
            _("Only a signatory of %(party)s can decline for it.", party=party.name),
            "memorandum.decline_refused",
            user,
            memorandum,
            party=party.name,
        )
    circulation = _open_circulation_for(memorandum, circulation_id, user, user.email)
    if circulation.signature_of(party) is not None:
        raise Conflict(_("%(party)s has already signed this text.", party=party.name))
    return _record_decline(session, user, memorandum, circulation, party, user.full_name, reason)


# --- outside signatories ------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_outside_link(session: Session, token: str) -> OutsideSigningLink:
    """The link, if it can still be used; Invalid saying plainly what is wrong otherwise."""
    link = session.scalar(
        select(OutsideSigningLink).where(OutsideSigningLink.token_hash == _digest(token or ""))
    )
    if link is None:
        raise Invalid(_("This signing link is not valid. Please check that you copied all of it."))
    if link.used_at is not None:
        raise Invalid(_("This signing link has already been used. Each link works once."))
    if link.expires_at <= utcnow():
        raise Invalid(_("This signing link has expired. Please ask the secretariat for a new one."))
    if not link.circulation.is_open:
        raise Invalid(
            _(
                "The text this link was sent for is no longer out for signature (it was changed, declined or "
                "signed by all). If a new text is circulated you will receive a new link."
            )
        )
    return link


def _usable_link(session: Session, token: str) -> OutsideSigningLink:
    try:
        return find_outside_link(session, token)
    except Invalid as refused:
        link = session.scalar(
            select(OutsideSigningLink).where(OutsideSigningLink.token_hash == _digest(token or ""))
        )
        refused.audit = Refusal(
            "memorandum.outside_link_refused",
            subject=link.circulation.memorandum if link else None,
            details={"reason": refused.message[:200], "link": link.id if link else None},
        )
        raise


def wrong_codes(session: Session, link: OutsideSigningLink) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.action == "memorandum.outside_code_wrong",
                AuditEvent.subject_type == "OutsideSigningLink",
                AuditEvent.subject_id == str(link.id),
            )
        )
        or 0
    )


@state_change
def send_outside_code(session: Session, token: str) -> OutsideSigningLink:
    """E-mail a fresh 6-digit confirmation code to the outside signatory (valid 30 minutes)."""
    link = _usable_link(session, token)
    if link.codes_sent >= MAX_CODES_SENT:
        raise Conflict(
            _(
                "Several codes have been sent already. Please use the latest one, or ask the secretariat "
                "for a new link."
            )
        )
    code = f"{secrets.randbelow(1_000_000):06d}"
    link.code_hash = hash_password(code)
    link.code_sent_at = utcnow()
    link.code_expires_at = utcnow() + timedelta(minutes=CODE_MINUTES)
    link.codes_sent += 1
    party = link.party
    queue_mail(
        session,
        party.signatory_email,
        _("Your confirmation code: %(title)s", title=party.memorandum.title),
        "memorandum_code.txt",
        party=party,
        memorandum=party.memorandum,
        code=code,
        minutes=CODE_MINUTES,
    )
    record(
        session,
        "memorandum.outside_code_sent",
        subject=party.memorandum,
        details={
            "circulation": link.circulation_id,
            "party": party.name,
            "to": party.signatory_email,
        },
    )
    return link


def _check_code(session: Session, link: OutsideSigningLink, code: str) -> None:
    memorandum = link.party.memorandum
    if wrong_codes(session, link) >= MAX_WRONG_CODES:
        raise Invalid(
            _(
                "Too many wrong codes: this link is locked. Please ask the secretariat for a new one."
            ),
            audit=Refusal(
                "memorandum.outside_link_locked", subject=memorandum, details={"link": link.id}
            ),
        )
    if link.code_hash is None:
        raise Invalid(
            _(
                "Please ask for a confirmation code first: it is sent to %(email)s.",
                email=link.party.signatory_email,
            )
        )
    if link.code_expires_at is None or link.code_expires_at <= utcnow():
        raise Invalid(_("The confirmation code has expired. Please ask for a new one."))
    code = re.sub(r"\s", "", code or "")
    if not re.fullmatch(r"\d{6}", code) or not password_matches(link.code_hash, code):
        raise Invalid(
            _("The confirmation code is not right. Your signature was not recorded."),
            audit=Refusal(
                "memorandum.outside_code_wrong",
                subject=link,
                details={"memorandum": memorandum.id, "party": link.party.name},
            ),
        )


@state_change
def sign_outside(
    session: Session,
    token: str,
    *,
    code: str,
    full_name: str,
    title: str,
    consent: bool,
    ip: str = "",
    user_agent: str = "",
) -> Signature:
    """An outside party's signature through its single-use link, confirmed with the e-mailed code."""
    link = _usable_link(session, token)
    party, circulation = link.party, link.circulation
    memorandum = party.memorandum
    if circulation.signature_of(party) is not None:
        raise Conflict(_("%(party)s has already signed.", party=party.name))
    full_name, title = _check_signer_fields(full_name, title, consent)
    _check_code(session, link, code)
    link.used_at = utcnow()
    signature = Signature(
        circulation=circulation,
        party=party,
        user=None,
        full_name=full_name,
        title=title,
        consent=True,
        method="email_code",
        first_opened_at=_first_opened(session, circulation, party),
        ip=(ip or "")[:64],
        user_agent=(user_agent or "")[:300],
        revision_sha256=circulation.sha256,
    )
    session.add(signature)
    session.flush()
    _after_signature(session, None, memorandum, circulation, signature)
    return signature


@state_change
def decline_outside(session: Session, token: str, *, code: str, reason: str) -> Decline:
    link = _usable_link(session, token)
    party = link.party
    _check_code(session, link, code)
    link.used_at = utcnow()
    return _record_decline(
        session, None, party.memorandum, link.circulation, party, party.signatory_name, reason
    )


@state_change
def resend_outside_link(session: Session, actor: User | None, party: Party) -> str:
    """A new link for an outside signatory (lost, expired or locked); the earlier ones stop working."""
    _require_secretariat(actor)
    memorandum = party.memorandum
    circulation = memorandum.current_circulation
    if not party.is_outside or circulation is None:
        raise Conflict(_("Only an outside party of a circulating memorandum gets a signing link."))
    if circulation.signature_of(party) is not None:
        raise Conflict(_("%(party)s has already signed.", party=party.name))
    now = utcnow()
    for link in session.scalars(
        select(OutsideSigningLink).where(
            OutsideSigningLink.party_id == party.id, OutsideSigningLink.used_at.is_(None)
        )
    ):
        link.used_at = now
    token = _send_outside_link(session, party, circulation)
    record(
        session,
        "memorandum.outside_link_resent",
        actor=actor,
        subject=memorandum,
        details={"circulation": circulation.id, "party": party.name},
    )
    return token


@state_change
def record_paper_signature(
    session: Session,
    actor: None,
    memorandum: Memorandum,
    party: Party,
    *,
    signatory: User | None,
    full_name: str,
    title: str,
    signed_at: datetime,
    evidence: str,
) -> Signature:
    """Record a signature made on paper before this platform existed (command line only).

    The 2022 memorandum was signed in ink in Astana; its record here says so in the evidence.
    """
    if actor is not None:
        raise NotAllowed(_("Signatures made on paper are recorded from the command line only."))
    circulation = _open_circulation_for(memorandum, None, None, "paper")
    if circulation.signature_of(party) is not None:
        raise Conflict(_("%(party)s has already signed.", party=party.name))
    signature = Signature(
        circulation=circulation,
        party=party,
        user=signatory,
        full_name=full_name,
        title=title,
        consent=True,
        method="paper",
        signed_at=signed_at,
        ip="",
        user_agent=evidence[:300],
        revision_sha256=circulation.sha256,
    )
    session.add(signature)
    session.flush()
    _after_signature(session, None, memorandum, circulation, signature)
    return signature


# --- issuing and after --------------------------------------------------------------


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
    last = memorandum.last_circulation
    if last is not None and last.end_reason == CirculationEnd.COMPLETED:
        return last
    return None


def concluded_at(circulation: Circulation) -> datetime:
    """When the last party signed: the memorandum's date of signature."""
    return max(signature.signed_at for signature in circulation.signatures)


@state_change
def issue_memorandum(
    session: Session, actor: User | None, memorandum: Memorandum, *, render: bool = True
) -> Memorandum:
    """Give the signed memorandum its registry number, put it in force and store its sealed PDF.

    Only when every party has signed the current circulation. The number is
    `AMT/MOU/<year of signature>/<nnnn>`, sequential per year and never reused, even when
    two are issued at once (the change lock serialises; a unique constraint guards).
    The PDF is rendered and sealed once, here, and served from storage afterwards.
    """
    _require_secretariat(actor)
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
    memorandum.issued_at = utcnow()
    session.flush()
    record(
        session,
        "memorandum.issued",
        actor=actor,
        subject=memorandum,
        details={
            "registry_number": number,
            "circulation": circulation.id,
            "sha256": circulation.sha256,
        },
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
        from association.memoranda.issuing import store_pdf

        store_pdf(session, memorandum, circulation)
    for party in memorandum.parties:
        for email, name in _party_recipients(party):
            queue_mail(
                session,
                email,
                _("Issued: %(number)s %(title)s", number=number, title=memorandum.title),
                "memorandum_issued.txt",
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
    _require_secretariat(actor)
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
    _require_secretariat(actor)
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
    source = (
        completed_circulation(memorandum).revision
        if completed_circulation(memorandum)
        else memorandum.latest_revision
    )
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
    _add_revision(
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
