"""The issued memorandum's PDF: every party's signatory, every language's text, the audit
trail, and a PAdES seal that validates (and fails after one changed byte)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from association.documents.seal import load_signer
from association.documents.verify import check_pdf
from association.memoranda import circulation, drafting, issuing, outside, queries, signing
from association.memoranda.models import MemorandumStatus
from tests.factories import login
from tests.memoranda.conftest import TEXT_EN, TEXT_RU, TEXT_TR, outside_code, outside_token, sign_as

KAZAKH = "## 1-бап. Мақсаты\n\nТараптар технологиялық парктерді дамытуда ынтымақтасуға келісті: ә ғ қ ң ө ұ ү һ і."


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "memorandum.pdf"
    path.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(text.split())


@pytest.fixture
def issued(session, secretariat, make_memorandum, astana, sabah, astana_signatory, sabah_signatory):
    memorandum = make_memorandum(
        astana,
        sabah,
        outside=True,
        texts={"en": TEXT_EN, "ru": TEXT_RU, "tr": TEXT_TR, "kk": KAZAKH},
    )
    circulation.circulate(session, secretariat, memorandum)
    sign_as(session, astana_signatory, memorandum)
    sign_as(session, sabah_signatory, memorandum)
    token = outside_token(session)
    outside.send_outside_code(session, token)
    signing.sign_outside(
        session,
        token,
        code=outside_code(session),
        full_name="Daniyar Akhmetov",
        title="Chairman",
        consent=True,
        ip="198.51.100.4",
        user_agent="Firefox/140",
    )
    return issuing.issue_memorandum(session, secretariat, memorandum)


def test_the_pdf_names_every_signatory_and_holds_every_language(session, issued, tmp_path):
    text = pdf_text(issued.document.content, tmp_path)
    assert issued.registry_number in text
    assert issued.document.verification_code in text
    for name in (
        "Yerlan Nurpeisov",
        "Leyla Hasanova",
        "Daniyar Akhmetov",
        "Digital Bridge Foundation",
    ):
        assert name in text
    assert "Стороны договорились сотрудничать" in text  # Russian
    assert "ә ғ қ ң ө ұ ү һ і" in text  # Kazakh
    assert "işbirliği yapmayı kabul eder: ğüşıöç" in text  # Turkish
    assert "all texts are equally authentic" in text
    assert "все тексты имеют одинаковую силу" in text
    assert issued.last_circulation.sha256 in text.replace(" ", "")  # long hashes wrap across lines
    assert "198.51.100.4" in text
    assert "Firefox/140" in text


def test_the_pdf_has_the_audit_trail_of_the_circulation(session, issued, tmp_path):
    text = pdf_text(issued.document.content, tmp_path)
    joined = text.replace(" ", "")  # long hashes wrap across lines
    for event in queries.audit_events(session, issued, since=issued.last_circulation):
        assert event.hash in joined
    assert "fully signed" in text
    assert "issued" in text


def test_each_language_starts_on_a_new_page(session, issued, tmp_path):
    path = tmp_path / "m.pdf"
    path.write_bytes(issued.document.content)
    pages = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    labels = ("ENGLISH", "ҚАЗАҚША", "TÜRKÇE", "РУССКИЙ")
    # Each language's page opens (after the running header) with the language's name.
    # (letter-spaced labels come out of pdftotext with spaces inside: compare without them).
    openings = [[line.replace(" ", "") for line in page.split("\n")[1:4]] for page in pages]
    starts = [opening for opening in openings if any(label in opening for label in labels)]
    assert len(starts) == 4


def test_the_seal_validates_and_a_changed_byte_is_detected(app, session, issued):
    certificate = load_signer(app.config, Path(app.instance_path)).signing_cert
    content = issued.document.content
    assert check_pdf(content, certificate).issued_and_unchanged
    position = content.index(b"/Type /Page") if b"/Type /Page" in content else len(content) // 3
    changed = content[:position] + bytes([content[position] ^ 0x01]) + content[position + 1 :]
    assert not check_pdf(changed, certificate).intact


def test_the_pdf_is_rendered_once_and_served_from_storage(
    client, session, issued, astana_reader, make_user, make_park
):
    login(client, astana_reader)
    response = client.get(f"/memoranda/{issued.id}.pdf")
    assert response.status_code == 200
    assert response.data == issued.document.content
    assert response.headers["ETag"].strip('"') == issued.document.sha256
    again = client.get(
        f"/memoranda/{issued.id}.pdf", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304
    client.post("/logout")
    login(client, make_user(park=make_park("Not a Party"), email="np@park.example"))
    assert client.get(f"/memoranda/{issued.id}.pdf").status_code == 403
    client.post("/logout")
    assert client.get(f"/memoranda/{issued.id}.pdf").status_code == 404


def test_the_verification_page_follows_termination_and_amendment(
    session, secretariat, issued, astana_signatory, sabah_signatory
):
    from association.documents.service import describe

    state = describe(session, issued.document)
    assert state.in_force
    assert state.state == "In force"
    amendment = issuing.amend(session, secretariat, issued)
    session.delete(amendment.parties[2])  # the amendment is between the two member parks only
    session.commit()
    drafting.save_revision(
        session,
        secretariat,
        amendment,
        title=amendment.title,
        place="Baku",
        texts={"en": "Article 2 is replaced."},
    )
    circulation.circulate(session, secretariat, amendment)
    sign_as(session, astana_signatory, amendment)
    sign_as(session, sabah_signatory, amendment)
    issuing.issue_memorandum(session, secretariat, amendment)
    state = describe(session, issued.document)
    assert state.state == f"In force, amended by {amendment.registry_number}"
    issuing.terminate(
        session,
        secretariat,
        issued,
        on=issued.issued_at.date(),
        reason="Superseded by the Charter.",
    )
    state = describe(session, issued.document)
    assert not state.in_force
    assert state.state.startswith("Terminated on")
    assert issued.status == MemorandumStatus.TERMINATED


def test_the_verification_page_shows_the_state_and_an_altered_upload_is_caught(
    client, session, secretariat, issued
):
    from io import BytesIO

    document = issued.document
    page = client.get(f"/verify/{document.verification_code}").get_data(as_text=True)
    assert "In force" in page
    assert issued.registry_number in page
    issuing.terminate(session, secretariat, issued, on=issued.issued_at.date(), reason="Replaced.")
    assert "Terminated on" in client.get(f"/verify/{document.verification_code}").get_data(
        as_text=True
    )
    content = document.content
    genuine = client.post(
        "/verify",
        data={"document": (BytesIO(content), "m.pdf")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    position = len(content) // 3
    changed = content[:position] + bytes([content[position] ^ 0x01]) + content[position + 1 :]
    altered = client.post(
        "/verify",
        data={"document": (BytesIO(changed), "m.pdf")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert issued.registry_number in genuine
    assert issued.registry_number not in altered
    assert "altered" in altered.lower() or "not issued" in altered.lower()
