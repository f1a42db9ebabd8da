"""The residency's sealed certificate and letter of invitation: issued, verifiable by code, by
number and by upload, superseded on re-issue, served only to those who may see them, and the
letter in the host country's language and English."""

from __future__ import annotations

import io
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from association.documents.models import StoredDocument
from association.documents.seal import load_signer
from association.documents.service import UploadOutcome, find_by_number, verify_upload
from association.documents.verify import check_pdf
from association.residency import documents
from association.residency.models import ChoiceStatus, ResidencyStatus
from tests.factories import login
from tests.residency import residency_rows as rows

FOUNDERS = [
    {
        "full_name": "Aruzhan Nurlanqyzy",
        "nationality": "KZ",
        "date_of_birth": date(1994, 4, 12),
        "role": "CEO",
    },
    {
        "full_name": "Timur Abenov",
        "nationality": "KG",
        "date_of_birth": date(1991, 11, 3),
        "role": "CTO",
    },
]


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(text.split())


def association_cert(app):
    return load_signer(app.config, Path(app.instance_path)).signing_cert


@pytest.fixture
def world(session, make_park, make_user):
    """Astana Hub's startup Qazaq Robotics, taking IT Park Uzbekistan's offer in spring 2027."""
    home = make_park("Astana Hub", name_native="Астана Хаб", country="KZ", city="Astana")
    host = make_park("IT Park Uzbekistan", country="UZ", city="Tashkent")
    call = rows.add_call(session)
    offer = rows.add_offer(session, call, host)
    startup = rows.add_startup(session, home, "Qazaq Robotics")
    application = rows.add_application(
        session, call, startup, [(offer, ChoiceStatus.TAKEN)], founders=FOUNDERS
    )
    residency = rows.add_residency(session, application)
    session.commit()
    return {
        "home": home,
        "host": host,
        "offer": offer,
        "startup": startup,
        "application": application,
        "residency": residency,
        "founder": rows.add_founder_user(session, startup),
        "home_coordinator": rows.add_coordinator(session, home),
        "host_coordinator": rows.add_coordinator(session, host),
        "home_reader": make_user(park=home),
        "other_coordinator": rows.add_coordinator(session, make_park("Sabah Lab", country="AZ")),
    }


@pytest.fixture
def issued(session, world):
    certificate, letter = documents.issue_residency_documents(session, world["residency"])
    session.commit()
    return certificate, letter


def test_issuing_stores_a_sealed_certificate_and_letter(app, session, world, issued, tmp_path):
    certificate, letter = issued
    assert (certificate.kind, letter.kind) == (documents.CERTIFICATE, documents.LETTER)
    for document in issued:
        assert document.subject_type == "Residency"
        assert document.subject_id == world["residency"].id
        check = check_pdf(document.content, association_cert(app))
        assert check.signed_by_association
        assert check.intact
    text = pdf_text(certificate.content, tmp_path)
    for fact in (
        "Qazaq Robotics",
        "Astana Hub",
        "Астана Хаб",
        "Kazakhstan",
        "IT Park Uzbekistan",
        "Uzbekistan",
        "1 March 2027",
        "31 May 2027",
        "AMT-DN-2027-0001",
        certificate.verification_code,
        f"/verify/{certificate.verification_code}",
    ):
        assert fact in text, fact
    assert (
        documents.current_document(session, world["residency"], documents.CERTIFICATE)
        == certificate
    )


def test_the_certificate_is_one_landscape_page(issued):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(issued[0].content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert box.width > box.height


def test_the_letter_names_founders_dates_and_the_host_contact(issued, tmp_path):
    text = pdf_text(issued[1].content, tmp_path)
    for fact in (
        "Letter of invitation",
        "Aruzhan Nurlanqyzy",
        "Timur Abenov",
        "Kazakhstan",
        "Kyrgyzstan",
        "12 April 1994",
        "3 November 1991",
        "1 March 2027 to 31 May 2027",
        "Dilnoza Karimova",
        "residency@itpark.example",
        "+998 71 200 00 00",
        "AMT-DN-2027-0001",
        "The Secretariat of the Association",
        issued[1].verification_code,
    ):
        assert fact in text, fact


def test_the_letter_is_in_the_host_countrys_language_then_english(issued, tmp_path):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(issued[1].content))
    assert len(reader.pages) == 2
    uzbek = " ".join(reader.pages[0].extract_text().split())
    english = " ".join(reader.pages[1].extract_text().split())
    # Uzbek's own names and dates (the locale's), then English's.
    assert "Qozogʻiston" in uzbek
    assert "Oʻzbekiston" in uzbek
    assert "Aruzhan Nurlanqyzy" in uzbek
    assert "2027" in uzbek
    assert "March 2027" not in uzbek
    assert "Kazakhstan" in english
    assert "1 March 2027 to 31 May 2027" in english
    assert "Qozogʻiston" not in english


@pytest.mark.parametrize(
    ("country", "expected"),
    [("KZ", ["kk", "en"]), ("TR", ["tr", "en"]), ("TM", ["ru", "en"]), ("PS", ["en"])],
)
def test_letter_languages_follow_the_host_country(make_park, country, expected):
    assert documents.letter_languages(make_park(country=country)) == expected


def test_a_letter_to_a_host_whose_language_is_not_ours_is_english_alone(
    session, world, make_park, tmp_path
):
    from pypdf import PdfReader

    host = make_park("Palestine Techno Park", country="PS")
    call = rows.add_call(session, "Digital Nomad 2028", 2028)
    offer = rows.add_offer(session, call, host)
    application = rows.add_application(
        session, call, world["startup"], [(offer, ChoiceStatus.TAKEN)], founders=FOUNDERS
    )
    residency = rows.add_residency(
        session, application, starts_on=date(2028, 3, 1), ends_on=date(2028, 4, 30)
    )
    _certificate, letter = documents.issue_residency_documents(session, residency)
    session.commit()
    assert len(PdfReader(io.BytesIO(letter.content)).pages) == 1
    assert "State of Palestine" in pdf_text(letter.content, tmp_path)


@pytest.mark.parametrize("country", ["KZ", "TR", "AZ", "UZ", "KG", "TM"])
def test_every_language_of_the_letter_keeps_each_version_to_one_page(
    session, world, make_park, country
):
    from pypdf import PdfReader

    host = make_park(f"Host park in {country}", country=country, city="A city of some length")
    call = rows.add_call(session, f"Digital Nomad {country}", 2029)
    offer = rows.add_offer(session, call, host)
    many = [
        {
            "full_name": f"Founder With A Rather Long Full Name Number {n}",
            "nationality": country,
            "date_of_birth": date(1990, 9, n + 1),
            "role": "Chief Technology Officer",
        }
        for n in range(4)
    ]
    application = rows.add_application(
        session, call, world["startup"], [(offer, ChoiceStatus.TAKEN)], founders=many
    )
    residency = rows.add_residency(
        session, application, starts_on=date(2029, 9, 1), ends_on=date(2029, 12, 31)
    )
    _certificate, letter = documents.issue_residency_documents(session, residency)
    assert len(PdfReader(io.BytesIO(letter.content)).pages) == len(documents.letter_languages(host))


def test_verifying_by_code_says_what_each_document_is(client, issued):
    certificate, letter = issued
    page = client.get(f"/verify/{certificate.verification_code}").get_data(as_text=True)
    assert "Digital Nomad residency certificate of Qazaq Robotics" in page
    assert "Valid: the residency is to begin" in page
    assert "AMT-DN-2027-0001" in page
    page = client.get(f"/verify/{letter.verification_code}").get_data(as_text=True)
    assert "Letter of invitation for Qazaq Robotics" in page
    assert "Valid for the period stated" in page
    # The public page never shows the founders' personal data.
    assert "Aruzhan" not in page
    assert "1994" not in page


def test_verifying_by_upload_finds_the_issued_file(app, client, session, issued):
    for document in issued:
        verdict = verify_upload(session, document.content, association_cert(app))
        assert verdict.outcome == UploadOutcome.ISSUED
        assert verdict.document.id == document.id
    response = client.post(
        "/verify",
        data={"document": (io.BytesIO(issued[1].content), "letter.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "exactly the document the association issued" in page
    assert "Letter of invitation AMT-DN-2027-0001 for Qazaq Robotics" in page


def test_an_altered_file_is_not_taken_for_the_issued_one(app, session, issued):
    altered = issued[0].content.replace(b"AMT-DN-2027-0001", b"AMT-DN-2027-0002")
    verdict = verify_upload(session, altered + b"\n%", association_cert(app))
    assert verdict.outcome in (UploadOutcome.ALTERED, UploadOutcome.NOT_ISSUED)


def test_re_issuing_supersedes_both_previous_documents(app, client, session, world, issued):
    residency = world["residency"]
    residency.ends_on = date(2027, 7, 31)
    certificate, letter = documents.issue_residency_documents(session, residency)
    session.commit()
    old_certificate, old_letter = issued
    assert old_certificate.superseded_by_id == certificate.id
    assert old_letter.superseded_by_id == letter.id
    assert documents.current_document(session, residency, documents.LETTER) == letter
    page = client.get(f"/verify/{old_letter.verification_code}").get_data(as_text=True)
    assert f"Superseded by letter {letter.verification_code}" in page
    verdict = verify_upload(session, old_certificate.content, association_cert(app))
    assert verdict.outcome == UploadOutcome.SUPERSEDED
    assert verdict.current.id == certificate.id
    in_force = session.scalar(
        select(func.count())
        .select_from(StoredDocument)
        .where(
            StoredDocument.subject_type == "Residency", StoredDocument.superseded_by_id.is_(None)
        )
    )
    assert in_force == 2


def test_a_cut_short_residency_says_so_and_its_letter_is_no_longer_in_force(session, world, issued):
    from association.documents.service import describe

    residency = world["residency"]
    residency.status = ResidencyStatus.CUT_SHORT
    residency.checked_out_at = datetime(2027, 4, 2, 12, tzinfo=UTC)
    session.commit()
    certificate_state = describe(session, issued[0])
    letter_state = describe(session, issued[1])
    assert not certificate_state.in_force
    assert "2027-04-02" in certificate_state.state
    assert not letter_state.in_force


def test_the_residency_number_leads_to_the_certificate_only_for_those_who_may_see_it(
    session, world, issued
):
    assert find_by_number(session, "amt-dn-2027-0001", world["founder"]) == issued[0]
    assert find_by_number(session, "AMT-DN-2027-0001", world["host_coordinator"]) == issued[0]
    assert find_by_number(session, "AMT-DN-2027-0001", None) is None
    assert find_by_number(session, "AMT-DN-2027-0001", world["home_reader"]) is None
    world["startup"].listed_publicly = True
    session.commit()
    assert find_by_number(session, "AMT-DN-2027-0001", None) == issued[0]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("founder", 200),
        ("home_coordinator", 200),
        ("host_coordinator", 200),
        ("secretariat", 200),
        ("home_reader", 403),
        ("other_coordinator", 403),
        ("other_founder", 403),
    ],
)
def test_who_may_download_the_documents(client, session, world, issued, secretariat, who, status):
    if who == "secretariat":
        user = secretariat
    elif who == "other_founder":
        user = rows.add_founder_user(session, rows.add_startup(session, world["home"]))
    else:
        user = world[who]
    login(client, user)
    residency_id = world["residency"].id
    for name, document in zip(("certificate", "letter"), issued, strict=True):
        response = client.get(f"/residency/residencies/{residency_id}/{name}.pdf")
        assert response.status_code == status, name
        if status == 200:
            assert response.data == document.content
            assert response.headers["Content-Type"] == "application/pdf"


def test_a_visitor_is_sent_to_sign_in_and_an_unknown_residency_is_404(
    client, world, issued, secretariat
):
    response = client.get(f"/residency/residencies/{world['residency'].id}/certificate.pdf")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    login(client, secretariat)
    assert client.get("/residency/residencies/999999/certificate.pdf").status_code == 404
    assert client.get("/residency/residencies/999999/letter.pdf").status_code == 404


def test_the_letter_is_gone_once_retention_removed_the_founders_data(
    client, session, world, issued
):
    world["application"].founders_removed = 2
    session.commit()
    login(client, world["founder"])
    residency_id = world["residency"].id
    assert client.get(f"/residency/residencies/{residency_id}/letter.pdf").status_code == 404
    assert client.get(f"/residency/residencies/{residency_id}/certificate.pdf").status_code == 200


def test_issuing_is_in_the_audit_log(session, world, issued):
    from association.audit.models import AuditEvent

    actions = session.scalars(select(AuditEvent.action)).all()
    assert actions.count("document.issued") == 2
    assert "residency.documents_issued" in actions
