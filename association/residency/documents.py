"""The residency programme's two sealed documents, issued through the document engine when a
startup takes an offer (and again when the residency's dates change):

- the Digital Nomad residency certificate: the startup, its home and host parks, the period,
  the residency's number AMT-DN-<year>-<nnnn>, a QR code to /verify/<code>;
- the letter of invitation for visa and border purposes: in the host country's language and in
  English, one after the other, naming the founders (names, nationalities, dates of birth), the
  dates, and the host park's contact.

A residency's current certificate (or letter) is the newest StoredDocument of that kind about the
residency that nothing has superseded. The public verification page says what each stands for
now, without the founders' personal data.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from babel import Locale
from flask_babel import gettext as _
from flask_babel import pgettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from association.audit.log import record
from association.database import utcnow
from association.documents import service as engine
from association.documents.language import document_date, written_in
from association.documents.models import StoredDocument
from association.documents.service import DocumentState
from association.languages import ENGLISH, for_country
from association.membership.documents import printed_country
from association.parks.models import Park, User
from association.residency import policy
from association.residency.models import Residency, ResidencyStatus

CERTIFICATE = "residency_certificate"
LETTER = "residency_letter"
SUBJECT = "Residency"


# --- finding ---------------------------------------------------------------------------------------


def current_document(session: Session, residency: Residency, kind: str) -> StoredDocument | None:
    """The residency's document of this kind in force: the newest that nothing superseded."""
    return session.scalar(
        select(StoredDocument)
        .where(
            StoredDocument.kind == kind,
            StoredDocument.subject_type == SUBJECT,
            StoredDocument.subject_id == residency.id,
            StoredDocument.superseded_by_id.is_(None),
        )
        .order_by(StoredDocument.issued_at.desc(), StoredDocument.id.desc())
    )


def find_by_residency_number(
    session: Session, number: str, viewer: Any = None
) -> StoredDocument | None:
    """The certificate in force of the residency with this number (AMT-DN-2027-0001).

    Residency numbers run in sequence, so anyone could try them all: the number leads to the
    certificate only for those who may see the residency's documents, or when the startup has
    chosen to be named publicly."""
    if not number.startswith("AMT-DN-"):
        return None
    residency = session.scalar(select(Residency).where(Residency.number == number))
    if residency is None:
        return None
    if not (residency.startup.listed_publicly or policy.can_see_residency(viewer, residency)):
        return None
    return current_document(session, residency, CERTIFICATE)


# --- the words, in one language ------------------------------------------------------------------


def country_name(code: str, language: str) -> str:
    """The country in `language`: as the membership certificate prints it in English, from the
    locale's own names otherwise."""
    if language == ENGLISH:
        return printed_country(code)
    return Locale.parse(language).territories.get(code.upper()) or printed_country(code)


def letter_languages(host: Park) -> list[str]:
    """The host country's language, then English; English alone when the host country's
    language is English or not one our catalogs speak."""
    native = for_country(host.country)
    return [native, ENGLISH] if native != ENGLISH else [ENGLISH]


def letter_words(language: str, residency: Residency, issued_on: date) -> dict[str, Any]:
    """The letter's fixed text and its facts worded in `language` (names stay as written).

    Each sentence stands on its own, without a name inside it, so that every language can word
    it in its own order; the names follow as labelled facts."""
    home, host = residency.home_park, residency.host_park
    with written_in(language):
        return {
            "language": language,
            "association": _("Association of Modern Technoparks"),
            "association_sub": _("of the Organization of Turkic States"),
            "programme": _("Digital Nomad IT residency programme"),
            "date_label": _("Date"),
            "date": document_date(issued_on, language),
            "reference_label": _("Our reference"),
            "title": _("Letter of invitation"),
            "addressee": _(
                "To the diplomatic missions, consular offices and border authorities concerned"
            ),
            "opening": _(
                "The Association of Modern Technoparks of the Organization of Turkic States "
                "confirms that the company named below, a resident of its home technology park, "
                "has been admitted to the association's Digital Nomad IT residency programme "
                "at the host technology park named below, for the period stated."
            ),
            "invitation": _(
                "The host park and the association invite the company's founders named below to "
                "stay in the host country for the period of the residency, to work at the host "
                "park. We kindly ask the competent authorities to grant them the visas they need "
                "and to allow their entry for this purpose."
            ),
            "company_label": _("Company"),
            "home_label": _("Home park"),
            "host_label": _("Host park"),
            "home_country": country_name(home.country, language),
            "host_country": country_name(host.country, language),
            "period_label": _("Period of residency"),
            "period": _(
                "%(start)s to %(end)s",
                start=document_date(residency.starts_on, language),
                end=document_date(residency.ends_on, language),
            ),
            "number_label": _("Residency number"),
            "founders_heading": _("Founders invited"),
            "name_label": _("Full name"),
            "nationality_label": _("Nationality"),
            "birth_label": _("Date of birth"),
            "role_label": _("Role"),
            "founders": [
                {
                    "full_name": founder.full_name,
                    "nationality": country_name(founder.nationality, language),
                    "date_of_birth": document_date(founder.date_of_birth, language),
                    "role": founder.role,
                }
                for founder in residency.choice.application.founders
            ],
            "contact_heading": _("Contact at the host park"),
            "contact_name_label": _("Name"),
            "contact_email_label": _("E-mail"),
            "contact_phone_label": _("Telephone"),
            "closing": _(
                "This letter is valid only for the period stated. Should the dates change, the "
                "association issues a new letter and this one is no longer in force; its "
                "verification address always says which letter is."
            ),
            "for_association": _("For the Association of Modern Technoparks"),
            "secretariat": _("The Secretariat of the Association"),
            "seal_note": _(
                "Issued and sealed electronically with the association's digital seal (PAdES), "
                "which takes the place of a handwritten signature. Any change to this file breaks "
                "the seal."
            ),
            "verification_code": _("Verification code"),
            "verify_note": _(
                "To check that this letter is authentic and still in force, scan the QR code or "
                "open the address below."
            ),
        }


# --- issuing ---------------------------------------------------------------------------------------


def issue_residency_documents(
    session: Session, residency: Residency, *, actor: User | None = None
) -> tuple[StoredDocument, StoredDocument]:
    """Issue the residency's certificate and its letter of invitation; flushed, not committed.

    Call it inside the state change that makes or changes the residency (accepting an offer,
    an extension), so that the documents exist exactly when the change does. Called again
    (the dates changed), it issues both anew and supersedes the two in force, whose
    verification pages then name their successors. Each issue is in the audit log.
    """
    if getattr(residency, "id", None) is None:
        session.flush()
    startup, home, host = residency.startup, residency.home_park, residency.host_park
    offer = residency.choice.offer
    issued_on = utcnow().date()
    previous = (
        current_document(session, residency, CERTIFICATE),
        current_document(session, residency, LETTER),
    )
    certificate = engine.issue_from_template(
        session,
        kind=CERTIFICATE,
        template="pdf/residency_certificate.html",
        title=f"Digital Nomad residency certificate {residency.number} of {startup.name}",
        filename=f"residency-certificate-{residency.number}.pdf",
        subject=residency,
        language=ENGLISH,
        actor=actor,
        residency=residency,
        startup=startup,
        home=home,
        host=host,
        home_country=printed_country(home.country),
        host_country=printed_country(host.country),
        starts_on=document_date(residency.starts_on, ENGLISH),
        ends_on=document_date(residency.ends_on, ENGLISH),
        issued_on=document_date(issued_on, ENGLISH),
    )
    languages = letter_languages(host)
    letter = engine.issue_from_template(
        session,
        kind=LETTER,
        template="pdf/residency_letter.html",
        title=f"Letter of invitation {residency.number} for {startup.name}",
        filename=f"residency-letter-{residency.number}.pdf",
        subject=residency,
        # The page is English's; the host country's version is tagged with its language.
        language=ENGLISH,
        actor=actor,
        residency=residency,
        startup=startup,
        home=home,
        host=host,
        offer=offer,
        versions=[letter_words(language, residency, issued_on) for language in languages],
    )
    for old, new in zip(previous, (certificate, letter), strict=True):
        if old is not None:
            engine.supersede(session, old, new, actor=actor)
    record(
        session,
        "residency.documents_issued",
        actor=actor,
        subject=residency,
        details={
            "number": residency.number,
            "certificate": certificate.verification_code,
            "letter": letter.verification_code,
            "letter_languages": languages,
            "starts_on": residency.starts_on.isoformat(),
            "ends_on": residency.ends_on.isoformat(),
            "supersedes": [old.verification_code for old in previous if old is not None],
        },
    )
    return certificate, letter


def remove_letters(session: Session, residency: Residency, *, actor: User | None = None) -> int:
    """Delete every letter of invitation of the residency, in force or superseded; flushed, not
    committed. A letter's bytes print the founders' names, nationalities and dates of birth, so
    when residency-retention removes those, it removes the letters with them (their codes are
    then unknown at /verify); the certificates, which print none, stay. Returns how many."""
    letters = session.scalars(
        select(StoredDocument).where(
            StoredDocument.kind == LETTER,
            StoredDocument.subject_type == SUBJECT,
            StoredDocument.subject_id == residency.id,
        )
    ).all()
    if not letters:
        return 0
    for letter in letters:
        letter.superseded_by_id = None  # they point at one another: unlinked before deleting
    session.flush()
    codes = [letter.verification_code for letter in letters]
    for letter in letters:
        session.delete(letter)
    session.flush()
    record(
        session,
        "residency.letters_removed",
        actor=actor,
        subject=residency,
        details={"number": residency.number, "letters": codes},
    )
    return len(letters)


# --- what they stand for now (the public /verify/<code> page) ----------------------------------


def _facts(residency: Residency) -> list[tuple[str, str]]:
    home, host = residency.home_park, residency.host_park
    return [
        (_("Residency number"), residency.number),
        (_("Company"), residency.startup.name),
        (_("Home park"), f"{home.name_latin}, {printed_country(home.country)}"),
        (_("Host park"), f"{host.name_latin}, {printed_country(host.country)}"),
        (
            _("Period of residency"),
            _(
                "%(start)s to %(end)s",
                start=residency.starts_on.isoformat(),
                end=residency.ends_on.isoformat(),
            ),
        ),
    ]


def _ended_on(residency: Residency) -> str:
    ended = residency.checked_out_at.date() if residency.checked_out_at else residency.ends_on
    return ended.isoformat()


def describe_residency_certificate(session: Session, document: StoredDocument) -> DocumentState:
    """Whether the residency the certificate states took place, or is taking place, as stated.

    A residency cut short says so, with the day it ended; a superseded certificate names the
    one that replaced it (its dates changed)."""
    residency = session.get(Residency, document.subject_id)
    if residency is None:
        return DocumentState(document.title, _("Residency unknown"), False)
    details = _facts(residency)
    headline = _(
        "Digital Nomad residency certificate of %(startup)s", startup=residency.startup.name
    )
    if document.superseded_by is not None:
        details.append(
            (
                pgettext("residency document", "Replaced by"),
                document.superseded_by.verification_code,
            )
        )
        return DocumentState(
            headline,
            _("Superseded by certificate %(code)s", code=document.superseded_by.verification_code),
            False,
            details,
        )
    if residency.status == ResidencyStatus.CUT_SHORT:
        return DocumentState(
            headline,
            _("The residency was cut short: it ended on %(day)s", day=_ended_on(residency)),
            False,
            details,
        )
    if residency.status == ResidencyStatus.COMPLETED:
        return DocumentState(
            headline,
            _("Valid: the residency was completed on %(day)s", day=_ended_on(residency)),
            True,
            details,
        )
    if residency.status in (ResidencyStatus.ACTIVE, ResidencyStatus.EXTENDED):
        return DocumentState(headline, _("Valid: the residency is under way"), True, details)
    return DocumentState(headline, _("Valid: the residency is to begin"), True, details)


def describe_residency_letter(session: Session, document: StoredDocument) -> DocumentState:
    """Whether the letter of invitation still stands: while the residency is to come or under
    way, and it is the letter in force. The founders' personal data is not shown here."""
    residency = session.get(Residency, document.subject_id)
    if residency is None:
        return DocumentState(document.title, _("Residency unknown"), False)
    details = _facts(residency)
    details.append((_("Founders named"), str(_founders_named(residency))))
    headline = _("Letter of invitation for %(startup)s", startup=residency.startup.name)
    if document.superseded_by is not None:
        details.append(
            (
                pgettext("residency document", "Replaced by"),
                document.superseded_by.verification_code,
            )
        )
        return DocumentState(
            headline,
            _("Superseded by letter %(code)s", code=document.superseded_by.verification_code),
            False,
            details,
        )
    if residency.status in (ResidencyStatus.COMPLETED, ResidencyStatus.CUT_SHORT):
        return DocumentState(
            headline,
            _("No longer in force: the residency ended on %(day)s", day=_ended_on(residency)),
            False,
            details,
        )
    return DocumentState(headline, _("Valid for the period stated"), True, details)


def _founders_named(residency: Residency) -> int:
    application = residency.choice.application
    if application.founders_removed is not None:
        return application.founders_removed
    return len(application.founders)
