"""The membership area's document, its certificate: issued through the document engine,
re-issued when what it states changes, described on the verification page. It speaks the
park's language beside English (English alone for a park whose language is English), in
the words of our catalogs.

The park's current certificate is the newest StoredDocument of kind "certificate" for the
park that nothing has superseded; CertificateParticulars keeps what each one states.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pycountry
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from association.audit.log import record
from association.database import utcnow
from association.documents import service as engine
from association.documents.language import document_date, written_in
from association.documents.models import StoredDocument
from association.documents.service import DocumentState
from association.domain import Conflict, NotAllowed, state_change
from association.languages import ENGLISH, offered
from association.membership.models import CertificateParticulars
from association.membership.policy import can_issue_certificates
from association.parks.models import Park, ParkStatus, User
from association.parks.presenters import park_status_word

KIND = "certificate"
CERTIFIED = (ParkStatus.MEMBER, ParkStatus.OBSERVER)


def printed_country(code: str) -> str:
    """The country as a certificate prints it: "State of Palestine", not "Palestine, State of"."""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    name = getattr(country, "common_name", None) or country.name
    if ", " in name:
        head, tail = name.split(", ", 1)
        name = f"{tail} {head}"
    return name


def find_by_membership_number(
    session: Session, number: str, viewer: Any = None
) -> StoredDocument | None:
    """The certificate in force of the park with this membership number (public: it is printed
    on the certificate and in the directory); None when no park has the number."""
    park = session.scalar(select(Park).where(Park.membership_number == number))
    if park is None:
        return None
    return current_certificate(session, park)


def current_certificate(session: Session, park: Park) -> StoredDocument | None:
    """The park's certificate in force: the newest of its certificates that nothing superseded."""
    return session.scalar(
        select(StoredDocument)
        .where(
            StoredDocument.kind == KIND,
            StoredDocument.subject_type == "Park",
            StoredDocument.subject_id == park.id,
            StoredDocument.superseded_by_id.is_(None),
        )
        .order_by(StoredDocument.issued_at.desc(), StoredDocument.id.desc())
    )


def _particulars_now(park: Park) -> dict[str, Any]:
    return {
        "name_latin": park.name_latin,
        "name_native": park.name_native or park.name_latin,
        "country": park.country,
        "category": str(park.status),
        "membership_number": park.membership_number,
        "member_since": park.member_since,
    }


def _stated(session: Session, document: StoredDocument) -> dict[str, Any] | None:
    stated = session.get(CertificateParticulars, document.id)
    if stated is None:
        return None
    return {key: getattr(stated, key) for key in _particulars_now_keys()}


def _particulars_now_keys() -> tuple[str, ...]:
    return ("name_latin", "name_native", "country", "category", "membership_number", "member_since")


def is_out_of_date(session: Session, park: Park, document: StoredDocument) -> bool:
    """True when the park's names, country, category or number differ from what the certificate states.

    A suspended or withdrawn park's certificate is not out of date: the verification page
    says the park's state plainly instead. Nor is one after a change of the park's language:
    it still states the truth; the next certificate issued (re-issue_certificate, or one made
    after a change of what it states) is in the new language.
    """
    if park.status not in CERTIFIED:
        return False
    return _stated(session, document) != _particulars_now(park)


@dataclass(frozen=True)
class CertificateWords:
    """The certificate's fixed text in one language, from the catalogs, with its dates in
    that language's form."""

    language: str
    association: str
    association_full: str
    association_sub: str
    title: str
    lead: str
    statement: str
    number: str
    category_label: str
    category: str
    member_since_label: str
    member_since: str
    issued_on_label: str
    issued_on: str
    secretariat: str
    seal_note: str
    verification_code: str


def certificate_words(
    language: str, *, member: bool, member_since: date | None, issued_on: date
) -> CertificateWords:
    """What the certificate says around the park's names, in `language`.

    Each sentence stands on its own, without the park's name inside it, so that every
    language can word it in its own order (a Turkish suffix never has to fit a name)."""
    with written_in(language):
        return CertificateWords(
            language=language,
            association=_("Association of Modern Technoparks"),
            association_full=_(
                "Association of Modern Technoparks of the Organization of Turkic States"
            ),
            association_sub=_("of the Organization of Turkic States"),
            title=_("Membership certificate"),
            lead=_("This certificate is issued to"),
            statement=_(
                "Member of the Association of Modern Technoparks, with a seat and a vote in "
                "its General Assembly."
            )
            if member
            else _(
                "Observer of the Association of Modern Technoparks, taking part in its work "
                "without a vote."
            ),
            number=_("Membership number"),
            category_label=_("Category"),
            category=_("Member") if member else _("Observer"),
            member_since_label=_("Member since"),
            member_since=document_date(member_since, language),
            issued_on_label=_("Date of issue"),
            issued_on=document_date(issued_on, language),
            secretariat=_("The Secretariat of the Association"),
            seal_note=_(
                "Issued and sealed electronically with the association's digital seal (PAdES). "
                "Any change to this file breaks the seal. Whether the certificate is still in "
                "force is shown at its verification address."
            ),
            verification_code=_("Verification code"),
        )


def certificate_languages(park: Park) -> list[str]:
    """The park's language beside English; English alone when that is the park's language
    (or the park's is not one the catalogs speak)."""
    native = offered(park.language)
    return [native, ENGLISH] if native and native != ENGLISH else [ENGLISH]


def _render_and_store(
    session: Session, park: Park, previous: StoredDocument | None, actor: User | None
) -> StoredDocument:
    particulars = _particulars_now(park)
    languages = certificate_languages(park)
    issued_on = utcnow().date()
    words = [
        certificate_words(
            language,
            member=park.status == ParkStatus.MEMBER,
            member_since=particulars["member_since"],
            issued_on=issued_on,
        )
        for language in languages
    ]
    document = engine.issue_from_template(
        session,
        kind=KIND,
        template="pdf/certificate.html",
        title=f"Membership certificate of {park.name_latin}",
        filename=f"certificate-{park.slug}.pdf",
        subject=park,
        # The page is English's; the park's language is tagged where it speaks.
        language=ENGLISH,
        actor=actor,
        park=park,
        particulars=particulars,
        country=printed_country(park.country),
        native=words[0] if len(words) > 1 else None,
        english=words[-1],
    )
    session.add(CertificateParticulars(document_id=document.id, park_id=park.id, **particulars))
    if previous is not None:
        engine.supersede(session, previous, document, actor=actor)
    record(
        session,
        "certificate.issued",
        actor=actor,
        subject=park,
        details={
            "document_id": document.id,
            "verification_code": document.verification_code,
            "sha256": document.sha256,
            "supersedes": previous.verification_code if previous is not None else None,
            "languages": languages,
        },
    )
    return document


def ensure_certificate(
    session: Session, park: Park, *, actor: User | None = None
) -> StoredDocument | None:
    """The park's current certificate, issuing one (superseding the old) if it has none or it is out of date.

    Called inside a state change (admission); actor is who made it, named in the audit log.
    Parks that are neither members nor observers get none.
    """
    if park.status not in CERTIFIED or not park.membership_number:
        return None
    current = current_certificate(session, park)
    if current is not None and not is_out_of_date(session, park, current):
        return current
    return _render_and_store(session, park, current, actor)


def reissue_certificate_if_needed(
    session: Session, park: Park, *, actor: User | None = None
) -> StoredDocument | None:
    """After a change of a park (names, country, status): a new certificate if the current one
    now states something untrue. A park without a certificate gets none from here."""
    current = current_certificate(session, park)
    if current is None or not is_out_of_date(session, park, current):
        return None
    return _render_and_store(session, park, current, actor)


@state_change
def reissue_certificate(session: Session, actor: User | None, park: Park) -> StoredDocument:
    """The secretariat issues a fresh certificate (a lost file, a new key, the park's new
    language); it supersedes the previous one and speaks the park's language of today."""
    if actor is not None and not can_issue_certificates(actor):
        raise NotAllowed(_("Only the secretariat issues certificates."))
    if park.status not in CERTIFIED or not park.membership_number:
        raise Conflict(
            _(
                "%(park)s is %(status)s: only members and observers hold a certificate.",
                park=park.name_latin,
                status=park.status,
            )
        )
    return _render_and_store(session, park, current_certificate(session, park), actor)


@state_change
def issue_certificate(session: Session, actor: User | None, park: Park) -> StoredDocument | None:
    """The park's certificate, issued if it has none or the current one is out of date (idempotent)."""
    if actor is not None and not can_issue_certificates(actor):
        raise NotAllowed(_("Only the secretariat issues certificates."))
    return ensure_certificate(session, park, actor=actor)


# --- what a certificate stands for now (the public /verify/<code> page) ------------------------


def describe_certificate(session: Session, document: StoredDocument) -> DocumentState:
    """Whether the park named on the certificate is a member (or observer) in good standing now.

    A suspended or withdrawn park's certificate says so plainly; a superseded one is not in
    force (the verification page names its successor).
    """
    park = session.get(Park, document.subject_id)
    stated = session.get(CertificateParticulars, document.id)
    name = stated.name_latin if stated else (park.name_latin if park else "?")
    details: list[tuple[str, str]] = []
    if stated is not None:
        if stated.name_native and stated.name_native != stated.name_latin:
            details.append((_("Name in native script"), stated.name_native))
        details += [
            (_("Country"), printed_country(stated.country)),
            (
                _("Category stated"),
                _("Member") if stated.category == ParkStatus.MEMBER else _("Observer"),
            ),
            (_("Membership number"), stated.membership_number),
            (_("Member since"), stated.member_since.isoformat()),
        ]
    if document.superseded_by is not None:
        details.append((_("Replaced by"), document.superseded_by.verification_code))
    headline = _("Membership certificate of %(park)s", park=name)
    if park is None:
        return DocumentState(headline, _("Park unknown"), False, details)
    details.append((_("The park's status today"), STATE_WORDS[park.status]()))
    if park.status == ParkStatus.SUSPENDED:
        return DocumentState(
            headline,
            _(
                "Membership suspended: %(park)s is not a member in good standing",
                park=park.name_latin,
            ),
            False,
            details,
        )
    if park.status == ParkStatus.WITHDRAWN:
        return DocumentState(
            headline,
            _("%(park)s has withdrawn from the association", park=park.name_latin),
            False,
            details,
        )
    if document.superseded_by is not None:
        return DocumentState(
            headline,
            _("Superseded by certificate %(code)s", code=document.superseded_by.verification_code),
            False,
            details,
        )
    if park.status == ParkStatus.MEMBER:
        return DocumentState(
            headline,
            _("Valid: %(park)s is a member in good standing", park=park.name_latin),
            True,
            details,
        )
    return DocumentState(
        headline,
        _("Valid: %(park)s is an observer of the association", park=park.name_latin),
        True,
        details,
    )


STATE_WORDS = {
    ParkStatus.MEMBER: lambda: _("member in good standing"),
    ParkStatus.OBSERVER: lambda: park_status_word(ParkStatus.OBSERVER),
    ParkStatus.SUSPENDED: lambda: park_status_word(ParkStatus.SUSPENDED),
    ParkStatus.WITHDRAWN: lambda: park_status_word(ParkStatus.WITHDRAWN),
}
