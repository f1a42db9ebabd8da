"""The certificate in the park's language beside English: its fixed text from our catalogs,
the park's native name, every letter extractable; English alone for an English park; and a
change of the park's language reaching the next certificate issued."""

from __future__ import annotations

import json
from io import BytesIO

import pytest
from babel.dates import format_date
from pypdf import PdfReader
from sqlalchemy import select

from association.audit.models import AuditEvent
from association.catalogs import TRANSLATED, read_catalog
from association.membership import documents
from association.parks.service import update_park
from tests.documents.pdf_helpers import embedded_fonts, plain_text

# The certificate's fixed text, as the code marks it (English is the source language).
FIXED_TEXT = [
    "Association of Modern Technoparks of the Organization of Turkic States",
    "Membership certificate",
    "This certificate is issued to",
    "Member of the Association of Modern Technoparks, with a seat and a vote in its General "
    "Assembly.",
    "Membership number",
    "Category",
    "Member",
    "Member since",
    "Date of issue",
    "The Secretariat of the Association",
    "Issued and sealed electronically with the association's digital seal (PAdES). Any change "
    "to this file breaks the seal. Whether the certificate is still in force is shown at its "
    "verification address.",
    "Verification code",
]
# Present in the catalogs today: a certificate in that language carries them whatever else
# is still waiting for its translator.
TRANSLATED_TODAY = [
    "Association of Modern Technoparks of the Organization of Turkic States",
    "Membership certificate",
    "Membership number",
    "Member",
    "Member since",
    "Verification code",
]


def catalog_text(language: str, message: str) -> str:
    entry = read_catalog(language).get(message)
    return entry.string if entry is not None and not entry.fuzzy else ""


def certificate_text(session, park, tmp_path) -> str:
    document = documents.issue_certificate(session, None, park)
    return plain_text(document.content, tmp_path)


def folded(text: str) -> str:
    # English labels are set in capitals; the park's language keeps its own case.
    return " ".join(text.split()).casefold()


@pytest.mark.parametrize(
    ("language", "country", "name_latin", "name_native"),
    [
        ("kk", "KZ", "Astana Hub International Technopark", "«Астана Хаб» халықаралық технопаркі"),
        ("tr", "TR", "Ankara University Technopark", "Ankara Üniversitesi Teknokent"),
    ],
)
def test_a_certificate_speaks_the_parks_language_beside_english(
    session, make_park, tmp_path, language, country, name_latin, name_native
):
    park = make_park(name_latin, name_native=name_native, country=country, language=language)
    text = certificate_text(session, park, tmp_path)

    assert name_latin in text
    assert name_native in text
    for message in TRANSLATED_TODAY:
        assert catalog_text(language, message) not in ("", message), f"{language}: {message!r}"
    for message in FIXED_TEXT:
        translated = catalog_text(language, message)
        if translated:  # a message still waiting for its translator reads English
            assert translated in text, f"{language} {message!r}"
        assert folded(message) in folded(text), f"English {message!r}"
    for day in (
        format_date(park.member_since, "long", locale=language),
        format_date(park.member_since, "d MMMM y", locale="en"),
    ):
        assert " ".join(day.split()) in text  # Kazakh's year sits behind a narrow space


def test_the_certificate_of_an_english_park_has_no_second_language(session, make_park, tmp_path):
    park = make_park("Palestine Technology Park", country="PS", language="en")
    text = certificate_text(session, park, tmp_path)

    for message in FIXED_TEXT:
        assert folded(message) in folded(text)
    for language in TRANSLATED:
        for message in TRANSLATED_TODAY:
            translated = catalog_text(language, message)
            assert not translated or translated not in text, f"{language} {message!r}"


@pytest.mark.parametrize(
    ("language", "country", "name_latin", "name_native"),
    [
        ("kk", "KZ", "Kazakh Letters Park", "Әлем ғылым қала Ұлы Өңір Үміт Һаһ Іле"),
        ("az", "AZ", "High Technologies Park", "Yüksək Texnologiyalar Parkı: ə ğ ı ş ç ö ü"),
        ("uz", "UZ", "IT Park Uzbekistan", "IT Park Oʻzbekiston: oʻ gʻ Gʻijduvon"),
        ("ky", "KG", "High Technology Park", "Жогорку технологиялар паркы: ң ө ү"),
        ("ru", "TJ", "Technopark of Tajikistan", "Технопарки Тоҷикистон"),
        ("tr", "TR", "Bilisim Vadisi", "Bilişim Vadisi: ı İ ğ ş ç"),
    ],
)
def test_every_letter_of_a_native_name_and_its_language_comes_back_out(
    session, make_park, tmp_path, language, country, name_latin, name_native
):
    park = make_park(name_latin, name_native=name_native, country=country, language=language)
    document = documents.issue_certificate(session, None, park)
    text = plain_text(document.content, tmp_path)

    assert name_native in text
    assert catalog_text(language, "Membership number") in text
    assert all(embedded for _name, embedded in embedded_fonts(document.content, tmp_path))
    assert len(PdfReader(BytesIO(document.content)).pages) == 1


def test_a_palestinian_parks_arabic_name_reads_right_to_left_in_order(session, make_park, tmp_path):
    native = "حديقة فلسطين التكنولوجية"
    park = make_park("Palestine Technology Park", name_native=native, country="PS", language="en")
    text = certificate_text(session, park, tmp_path)
    # pdftotext's default mode gives the words in reading order only when they were laid
    # out right to left.
    assert native in text


def test_long_names_in_two_languages_stay_on_one_page(session, make_park):
    park = make_park(
        "Innovation Technology Park of the Autonomous Educational Organisation Nazarbayev University",
        name_native="«Назарбаев Университеті» дербес білім беру ұйымының инновациялық "
        "технологиялар паркі",
        country="KZ",
        language="kk",
    )
    document = documents.issue_certificate(session, None, park)
    assert len(PdfReader(BytesIO(document.content)).pages) == 1


def test_a_new_language_reaches_the_next_certificate_issued(
    session, secretariat, make_park, tmp_path
):
    park = make_park("Astana Hub", name_native="Астана Хаб", country="KZ", language="en")
    english = documents.issue_certificate(session, secretariat, park)

    update_park(session, secretariat, park, language="kk")
    # Still true in what it states: it stays in force until the secretariat re-issues it.
    assert documents.current_certificate(session, park).id == english.id

    kazakh = documents.reissue_certificate(session, secretariat, park)
    assert english.superseded_by_id == kazakh.id
    assert catalog_text("kk", "Membership number") in plain_text(kazakh.content, tmp_path)
    assert catalog_text("kk", "Membership number") not in plain_text(english.content, tmp_path)
    issued = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "certificate.issued").order_by(AuditEvent.seq)
    ).all()
    assert [json.loads(event.details)["languages"] for event in issued] == [["en"], ["kk", "en"]]
