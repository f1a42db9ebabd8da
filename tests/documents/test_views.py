from __future__ import annotations

import io
import re

import pytest

from association.documents import service
from association.documents.views import send_stored

TEXT = "<h1>Membership certificate</h1><p>Astana Hub · Астана Хаб</p>"


@pytest.fixture
def issued(app, session, make_park):
    """Issue a document (committed) and return it."""

    def issue(title: str = "Membership certificate of Astana Hub", subject=None):
        document = service.issue_document(
            session,
            kind="certificate",
            title=title,
            filename="certificate-astana-hub.pdf",
            subject=subject or make_park(),
            html=TEXT,
            config=app.config,
            instance_path=app.instance_path,
        )
        session.commit()
        return document

    return issue


def _upload(client, content: bytes, filename: str = "certificate.pdf"):
    return client.post(
        "/verify",
        data={"document": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def test_the_verify_page_offers_both_ways(client):
    page = client.get("/verify").get_data(as_text=True)
    assert 'name="code"' in page
    assert 'name="document"' in page
    assert 'enctype="multipart/form-data"' in page


def test_a_typed_code_leads_to_its_page(client, issued):
    document = issued()
    response = client.get("/verify", query_string={"code": document.verification_code.lower()})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/verify/{document.verification_code}")


def test_junk_typed_as_a_code_is_explained_on_the_form(client):
    response = client.get("/verify", query_string={"code": "hello"})
    assert response.status_code == 200
    assert "16 letters and digits" in response.get_data(as_text=True)


def test_the_code_page_shows_the_document_and_its_state(client, issued):
    document = issued()
    response = client.get(f"/verify/{document.verification_code}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert document.title in page
    assert document.sha256 in page
    assert "in force" in page


def test_a_code_in_another_written_form_is_redirected_to_the_one_address(client, issued):
    document = issued()
    response = client.get(f"/verify/{document.verification_code.lower()}")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/verify/{document.verification_code}")


def test_unknown_and_malformed_codes_get_the_same_404(client):
    unknown = client.get("/verify/0000-0000-0000-0000")
    malformed = client.get("/verify/not-a-code")
    assert unknown.status_code == malformed.status_code == 404
    assert "No document has this code" in unknown.get_data(as_text=True)
    # The same page but for the language switcher's form: the address it comes back to, and
    # its CSRF token (which carries the second it was made in).
    echoed = re.compile(r'name="(?:next|csrf_token)" value="[^"]*"')
    assert echoed.sub("", unknown.get_data(as_text=True)) == echoed.sub(
        "", malformed.get_data(as_text=True)
    )


def test_a_superseded_document_links_to_its_successor(client, session, issued, make_park):
    park = make_park()
    old, new = issued(subject=park), issued(subject=park)
    service.supersede(session, old, new)
    session.commit()
    page = client.get(f"/verify/{old.verification_code}").get_data(as_text=True)
    assert f'href="/verify/{new.verification_code}"' in page
    assert "no longer in force" in page


def test_uploading_the_issued_file_says_issued_and_links_to_its_code(client, issued):
    document = issued()
    response = _upload(client, document.content)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Issued by the association and unchanged" in page
    assert f"/verify/{document.verification_code}" in page


def test_uploading_a_changed_file_says_altered(client, issued):
    document = issued()
    content = bytearray(document.content)
    content[len(content) // 4] ^= 0x01
    page = _upload(client, bytes(content)).get_data(as_text=True)
    assert (
        "Signed by the association, but altered" in page or "Not issued by the association" in page
    )
    assert "unchanged" not in page.split("<h2")[1]


@pytest.mark.parametrize("content", [b"", b"hello", b"%PDF-1.7\n%%EOF\n", bytes(range(256)) * 40])
def test_uploading_anything_else_says_not_issued_never_an_error(client, content):
    response = _upload(client, content)
    assert response.status_code == 200
    assert "Not issued by the association" in response.get_data(as_text=True)


def test_a_post_without_a_file_asks_for_one(client):
    response = client.post("/verify", data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose the PDF file" in response.get_data(as_text=True)


@pytest.fixture
def pdf_address(app, session):
    from association.documents.models import StoredDocument

    # The shape of every area's PDF address: load, check, then send_stored.
    def serve(document_id: int):
        return send_stored(session.get(StoredDocument, document_id))

    app.add_url_rule("/test/document/<int:document_id>.pdf", view_func=serve)
    return lambda document: f"/test/document/{document.id}.pdf"


def test_a_stored_document_is_served_as_issued_with_its_hash_as_etag(client, issued, pdf_address):
    document = issued()
    response = client.get(pdf_address(document))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.get_data() == document.content
    assert response.headers["ETag"] == f'"{document.sha256}"'
    assert "certificate-astana-hub.pdf" in response.headers["Content-Disposition"]
    assert "no-cache" in response.headers["Cache-Control"]


def test_a_client_that_has_the_document_gets_304(client, issued, pdf_address):
    document = issued()
    response = client.get(pdf_address(document), headers={"If-None-Match": f'"{document.sha256}"'})
    assert response.status_code == 304
    assert response.get_data() == b""
    other = client.get(pdf_address(document), headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_the_pages_keep_to_the_content_security_policy(client, issued):
    document = issued()
    for address in ("/verify", f"/verify/{document.verification_code}", "/verify/nope"):
        page = client.get(address).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", page), address
        assert " style=" not in page, address
