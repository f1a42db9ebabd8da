import hashlib
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from association.documents.models import StoredDocument
from association.documents.seal import load_signer
from association.documents.verify import check_pdf
from association.domain import Conflict, NotAllowed
from association.membership import admission, applications, documents
from association.membership.models import Category
from association.parks.models import ParkStatus
from association.parks.service import change_park_status, update_park
from tests.factories import login
from tests.membership.conftest import application_input, submit_confirmed


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(text.split())


def association_cert(app):
    return load_signer(app.config, Path(app.instance_path)).signing_cert


@pytest.fixture
def admitted(session, secretariat):
    """The High Technology Park of Kyrgyzstan, admitted as a member through its application."""
    application = submit_confirmed(
        session,
        application_input(
            name_latin="High Technology Park of the Kyrgyz Republic",
            name_native="Кыргыз Республикасынын Жогорку технологиялар паркы",
            country="KG",
            city="Bishkek",
            contact_email="aida@htp.kg",
            contact_name="Aida Temirbekova",
        ),
        [],
    ).application
    applications.start_review(session, secretariat, application)
    return admission.approve_application(session, secretariat, application, Category.MEMBER)


def test_approval_issues_a_certificate(session, admitted):
    document = documents.current_certificate(session, admitted)
    assert document.kind == "certificate"
    assert document.subject_id == admitted.id
    assert document.sha256 == hashlib.sha256(document.content).hexdigest()


def test_certificate_text_has_both_names_and_the_particulars(session, admitted, tmp_path):
    document = documents.current_certificate(session, admitted)
    text = pdf_text(document.content, tmp_path)
    assert "Кыргыз Республикасынын Жогорку технологиялар паркы" in text
    assert "High Technology Park of the Kyrgyz Republic" in text
    assert "ASSOCIATION OF MODERN TECHNOPARKS" in text
    assert "MEMBERSHIP NUMBER" in text
    for fact in (
        "AMT-KG-0001",
        "Member",
        "Kyrgyzstan",
        document.verification_code,
        f"/verify/{document.verification_code}",
    ):
        assert fact in text


def test_certificate_is_one_landscape_page(session, admitted):
    from io import BytesIO

    from pypdf import PdfReader

    reader = PdfReader(BytesIO(documents.current_certificate(session, admitted).content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)


def test_certificate_seal_validates_and_fails_after_one_changed_byte(app, session, admitted):
    content = documents.current_certificate(session, admitted).content
    check = check_pdf(content, association_cert(app))
    assert check.intact
    assert check.signed_by_association
    position = content.index(b"AMT-KG-0001") if b"AMT-KG-0001" in content else len(content) // 3
    changed = content[:position] + bytes([content[position] ^ 0x01]) + content[position + 1 :]
    assert not check_pdf(changed, association_cert(app)).intact


def test_uzbek_and_arabic_names_reach_the_text(session, secretariat, tmp_path):
    for name, native, country in [
        ("IT Park Uzbekistan", "IT Park Oʻzbekiston", "UZ"),
        ("Palestine Technology Park", "حديقة فلسطين التكنولوجية", "PS"),
    ]:
        application = submit_confirmed(
            session,
            application_input(
                name_latin=name,
                name_native=native,
                country=country,
                contact_email=f"contact@{country}.example",
            ),
            [],
        ).application
        applications.start_review(session, secretariat, application)
        park = admission.approve_application(session, secretariat, application, Category.OBSERVER)
        text = pdf_text(documents.current_certificate(session, park).content, tmp_path)
        assert "Observer" in text
        if country == "UZ":
            assert "Oʻzbekiston" in text
        else:
            assert all(word in text for word in native.split())
            assert "State of Palestine" in text


# --- download ---------------------------------------------------------------------------------


def _delegate_of(make_user, park):
    return make_user(park=park, delegate=True)


def test_a_user_of_the_park_downloads_the_stored_certificate(client, session, make_user, admitted):
    document = documents.current_certificate(session, admitted)
    login(client, make_user(park=admitted))
    response = client.get(f"/members/{admitted.slug}/certificate.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data == document.content
    assert response.headers["ETag"].strip('"') == document.sha256


def test_a_second_download_does_not_render_again(client, session, make_user, admitted, monkeypatch):
    login(client, make_user(park=admitted))
    first = client.get(f"/members/{admitted.slug}/certificate.pdf").data

    def no_rendering(*args, **kwargs):
        raise AssertionError("the certificate was rendered again")

    import association.documents.render as render
    import association.documents.service as engine

    monkeypatch.setattr(render, "render_pdf", no_rendering)
    monkeypatch.setattr(engine, "render_pdf", no_rendering)
    monkeypatch.setattr(engine, "issue_document", no_rendering)
    second = client.get(f"/members/{admitted.slug}/certificate.pdf")
    assert second.status_code == 200
    assert second.data == first
    assert (
        hashlib.sha256(second.data).hexdigest()
        == documents.current_certificate(session, admitted).sha256
    )
    assert session.scalar(select(func.count()).select_from(StoredDocument)) == 1


def test_the_client_copy_is_confirmed_with_304(client, make_user, admitted):
    login(client, make_user(park=admitted))
    etag = client.get(f"/members/{admitted.slug}/certificate.pdf").headers["ETag"]
    assert (
        client.get(
            f"/members/{admitted.slug}/certificate.pdf", headers={"If-None-Match": etag}
        ).status_code
        == 304
    )


def test_the_secretariat_downloads_any_certificate(client, secretariat, admitted):
    login(client, secretariat)
    assert client.get(f"/members/{admitted.slug}/certificate.pdf").status_code == 200


def test_a_member_of_another_park_gets_403(client, delegate, admitted):
    login(client, delegate)
    assert client.get(f"/members/{admitted.slug}/certificate.pdf").status_code == 403


def test_a_visitor_is_sent_to_sign_in(client, admitted):
    response = client.get(f"/members/{admitted.slug}/certificate.pdf")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_profile_offers_the_certificate_to_the_park_only(client, make_user, delegate, admitted):
    login(client, make_user(park=admitted))
    assert "Download the certificate" in client.get(f"/members/{admitted.slug}").get_data(
        as_text=True
    )
    client.post("/logout")
    login(client, delegate)
    assert "Download the certificate" not in client.get(f"/members/{admitted.slug}").get_data(
        as_text=True
    )


# --- re-issuing and the verification page ----------------------------------------------------


def test_a_name_change_reissues_and_supersedes(client, session, admitted, tmp_path):
    old = documents.current_certificate(session, admitted)
    update_park(session, None, admitted, name_latin="Kyrgyz High Technology Park")
    new = documents.current_certificate(session, admitted)
    assert new.id != old.id
    assert old.superseded_by_id == new.id
    assert "Kyrgyz High Technology Park" in pdf_text(new.content, tmp_path)
    page = client.get(f"/verify/{old.verification_code}").get_data(as_text=True)
    assert "Superseded" in page
    assert new.verification_code in page


def test_a_change_that_the_certificate_does_not_state_does_not_reissue(session, admitted):
    old = documents.current_certificate(session, admitted)
    update_park(session, None, admitted, city="Karakol")
    assert documents.current_certificate(session, admitted).id == old.id


def test_member_to_observer_reissues_with_the_new_category(session, admitted, tmp_path):
    old = documents.current_certificate(session, admitted)
    change_park_status(session, None, admitted, ParkStatus.OBSERVER, "Asked to observe only")
    new = documents.current_certificate(session, admitted)
    assert new.id != old.id
    assert "Observer" in pdf_text(new.content, tmp_path)


def test_verification_says_plainly_that_a_member_is_in_good_standing(client, session, admitted):
    document = documents.current_certificate(session, admitted)
    page = client.get(f"/verify/{document.verification_code}").get_data(as_text=True)
    assert "is a member in good standing" in page
    assert "This document is in force." in page
    assert document.sha256 in page
    assert "Кыргыз Республикасынын" in page


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (ParkStatus.SUSPENDED, "Membership suspended"),
        (ParkStatus.WITHDRAWN, "has withdrawn from the association"),
    ],
)
def test_verification_of_a_suspended_or_withdrawn_park_says_so(
    client, session, admitted, status, words
):
    document = documents.current_certificate(session, admitted)
    change_park_status(session, None, admitted, status, "Fees unpaid")
    assert documents.current_certificate(session, admitted).id == document.id  # not re-issued
    page = client.get(f"/verify/{document.verification_code}").get_data(as_text=True)
    assert words in page
    assert "no longer in force" in page


def test_secretariat_reissues_from_the_profile(client, session, secretariat, admitted):
    old = documents.current_certificate(session, admitted)
    login(client, secretariat)
    assert "Re-issue the certificate" in client.get(f"/members/{admitted.slug}").get_data(
        as_text=True
    )
    response = client.post(f"/members/{admitted.slug}/certificate/reissue")
    assert response.status_code == 302
    session.expire_all()
    assert old.superseded_by_id == documents.current_certificate(session, admitted).id


def test_a_member_cannot_reissue(client, session, make_user, admitted):
    login(client, make_user(park=admitted, delegate=True))
    assert client.post(f"/members/{admitted.slug}/certificate/reissue").status_code == 403
    with pytest.raises(NotAllowed):
        documents.reissue_certificate(session, make_user(park=admitted), admitted)


def test_a_withdrawn_park_gets_no_new_certificate(session, admitted):
    change_park_status(session, None, admitted, ParkStatus.WITHDRAWN, "Left")
    with pytest.raises(Conflict):
        documents.reissue_certificate(session, None, admitted)


def test_issuing_twice_without_a_change_keeps_the_certificate(session, admitted):
    first = documents.current_certificate(session, admitted)
    assert documents.issue_certificate(session, None, admitted).id == first.id


def test_uploading_our_certificate_to_verify_says_issued(client, session, admitted):
    import io

    content = documents.current_certificate(session, admitted).content
    response = client.post(
        "/verify",
        data={"document": (io.BytesIO(content), "certificate.pdf")},
        content_type="multipart/form-data",
    )
    assert "exactly the document the association issued" in response.get_data(as_text=True)
    changed = content[:200] + b" " + content[201:]
    response = client.post(
        "/verify",
        data={"document": (io.BytesIO(changed), "certificate.pdf")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code < 500
    assert "exactly the document" not in page
