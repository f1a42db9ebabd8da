"""Uploads: odd and hostile file names are cleaned and never reach a header or a path; files of
the wrong type or size are refused and nothing is stored."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from sqlalchemy import select

from association.domain import Invalid
from association.mail.models import OutboxMessage
from association.membership.models import Application
from association.membership.queries import find_by_tracking_code
from association.voting import initiatives as voting
from tests.factories import login
from tests.security.conftest import APPLICATION_FORM, nothing_changes, pdf_bytes, refused

HOSTILE_NAMES = [
    "../../etc/passwd.pdf",
    "..\\..\\x.pdf",
    "/etc/passwd.pdf",
    "C:\\Windows\\system.ini.pdf",
    "evil\x00.pdf",
    "a\r\nSet-Cookie: owned=1.pdf",
    'quote".pdf',
    "x" * 1000 + ".pdf",
    "..",
    "<script>alert(1)</script>.pdf",
    "résumé — 2027.pdf",
]

HTML_AS_PDF = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
POLYGLOT = b"%PDF-1.7\n<html><body><script>alert(document.cookie)</script></body></html>\n%%EOF"


def png_bytes(width: int = 10, height: int = 10) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, "PNG")
    return buffer.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'


def _apply(
    client, *files: tuple[bytes, str], contact_email: str | None = None, address="127.0.0.1"
):
    data = dict(
        APPLICATION_FORM, documents=[(io.BytesIO(content), name) for content, name in files]
    )
    if contact_email:
        data["contact_email"] = contact_email
    return client.post(
        "/apply",
        data=data,
        content_type="multipart/form-data",
        environ_base={"REMOTE_ADDR": address},
    )


def _confirm_by_mail(client, session, contact_email: str) -> None:
    # The secretariat sees an application only once its contact e-mail is confirmed.
    message = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.recipient == contact_email)
        .order_by(OutboxMessage.id.desc())
    ).first()
    link = re.search(r"http://localhost(/apply/\S+/confirm/\S+)", message.body).group(1)
    assert client.post(link).status_code in (200, 302)


def _stored_name_is_clean(name: str) -> None:
    # Stored names are only shown (HTML-escaped); downloads use a name of their own or this one as a
    # header value, so what matters is: no separator, no control character, a bounded length.
    assert "/" not in name
    assert "\\" not in name
    assert not re.search(r"[\x00-\x1f\x7f]", name)
    assert 0 < len(name) <= 200


def _safe_disposition(response) -> None:
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "\r" not in disposition
    assert "\n" not in disposition
    assert "/" not in disposition
    assert "\\" not in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"


# --- file names -------------------------------------------------------------------------------


def test_hostile_names_of_application_documents_are_cleaned(app, client, session, secretariat):
    login(client, secretariat)
    for n, name in enumerate(HOSTILE_NAMES):
        applicant, contact_email = app.test_client(), f"contact{n}@technopark.tj"
        # Each from an address and an e-mail of its own: /apply takes five applications an
        # hour from one address, and three a day naming one e-mail.
        response = _apply(
            applicant, (pdf_bytes(), name), contact_email=contact_email, address=f"10.0.0.{n + 1}"
        )
        assert response.status_code == 302, (name, response.get_data(as_text=True)[-3000:])
        code = response.headers["Location"].rsplit("/", 1)[-1]
        _confirm_by_mail(applicant, session, contact_email)
        application = find_by_tracking_code(session, code)
        if (
            not application.documents
        ):  # the browser-side encoding dropped a name it cannot carry (CR/LF)
            continue
        document = application.documents[0]
        _stored_name_is_clean(document.filename)
        download = client.get(f"/secretariat/applications/{application.id}/documents/{document.id}")
        assert download.status_code == 200
        assert download.data.startswith(b"%PDF")
        _safe_disposition(download)
        assert download.mimetype == "application/pdf"
        page = client.get(f"/secretariat/applications/{application.id}").get_data(as_text=True)
        assert "<script>alert" not in page


def test_hostile_names_of_initiative_attachments_are_cleaned(
    client, session, secretariat, delegate
):
    login(client, secretariat)
    for name in HOSTILE_NAMES:
        initiative = voting.create_initiative(
            session, secretariat, title="Joint accelerator programme"
        )
        try:
            attachment = voting.add_attachment(session, secretariat, initiative, name, pdf_bytes())
        except (
            Invalid
        ):  # a name that is nothing once cleaned (or has no .pdf left) is refused: fine
            assert not initiative.attachments
            continue
        _stored_name_is_clean(attachment.filename)
        download = client.get(f"/initiatives/{initiative.id}/attachments/{attachment.id}")
        assert download.status_code == 200
        assert download.data.startswith(b"%PDF")
        _safe_disposition(download)


# --- wrong types -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [HTML_AS_PDF, png_bytes(), POLYGLOT, b"", b"%PDF-"],
    ids=["html-named-pdf", "png-named-pdf", "polyglot", "empty", "header-only"],
)
def test_an_application_document_that_is_not_a_pdf_is_refused(client, session, content):
    with nothing_changes():
        response = _apply(client, (content, "statute.pdf"))
        page = refused(response, 200)
        assert (
            "is not a PDF document" in page or "cannot be opened" in page or "statute.pdf" in page
        )
    assert session.scalar(select(Application).limit(1)) is None


@pytest.mark.parametrize(
    "content",
    [HTML_AS_PDF, png_bytes(), b"GIF89a"],
    ids=["html-named-pdf", "png-named-pdf", "gif-named-pdf"],
)
def test_an_initiative_attachment_that_is_not_a_pdf_is_refused(session, secretariat, content):
    initiative = voting.create_initiative(session, secretariat, title="Joint accelerator programme")
    with nothing_changes(), pytest.raises(Invalid):
        voting.add_attachment(session, secretariat, initiative, "budget.pdf", content)


def test_a_polyglot_initiative_attachment_is_refused(session, secretariat):
    # "%PDF-" in front of HTML is not a PDF: pypdf must open it, as for application documents.
    initiative = voting.create_initiative(session, secretariat, title="Joint accelerator programme")
    with nothing_changes(), pytest.raises(Invalid, match="not really a PDF"):
        voting.add_attachment(session, secretariat, initiative, "budget.pdf", POLYGLOT)


def test_a_pdf_attachment_is_only_ever_served_as_a_pdf_download(
    client, session, secretariat, delegate
):
    initiative = voting.create_initiative(session, secretariat, title="Joint accelerator programme")
    attachment = voting.add_attachment(session, secretariat, initiative, "budget.pdf", pdf_bytes())
    login(client, secretariat)
    download = client.get(f"/initiatives/{initiative.id}/attachments/{attachment.id}")
    assert download.mimetype == "application/pdf"
    _safe_disposition(download)


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (SVG, "logo.svg"),
        (SVG, "logo.png"),
        (HTML_AS_PDF, "logo.png"),
        (POLYGLOT, "logo.jpg"),
        (b"GIF89a" + b"\x00" * 100, "logo.gif"),
    ],
    ids=["svg", "svg-named-png", "html-named-png", "pdf-named-jpg", "gif"],
)
def test_a_logo_that_is_not_a_png_or_jpeg_is_refused(
    client, session, park, delegate, content, name
):
    login(client, delegate)
    with nothing_changes():
        response = client.post(
            f"/members/{park.slug}/edit",
            content_type="multipart/form-data",
            data={"description": "About", "logo": (io.BytesIO(content), name)},
        )
        refused(response, 200, "The logo must be a PNG or JPEG image.")
    assert client.get(f"/members/{park.slug}/logo").status_code == 404


def test_a_logo_is_served_with_its_checked_type_and_nosniff(client, session, park, delegate):
    login(client, delegate)
    client.post(
        f"/members/{park.slug}/edit",
        content_type="multipart/form-data",
        data={"description": "About", "logo": (io.BytesIO(png_bytes()), "../../logo.svg")},
    )
    logo = client.get(f"/members/{park.slug}/logo")
    assert logo.status_code == 200
    assert logo.mimetype == "image/png"
    assert logo.headers["X-Content-Type-Options"] == "nosniff"


# --- sizes ---------------------------------------------------------------------------------------


def test_an_application_document_over_10_mb_is_refused(client, session):
    big = pdf_bytes() + b"%" + b"x" * (10 * 1024 * 1024)
    with nothing_changes():
        page = refused(_apply(client, (big, "statute.pdf")), 200)
    assert "larger than 10 MB" in page


def test_an_application_over_its_form_limit_gets_the_413_page(client, session):
    with nothing_changes():
        response = _apply(
            *[client], *[(b"%PDF-" + b"x" * (11 * 1024 * 1024), f"d{n}.pdf") for n in range(5)]
        )
        refused(response, 413, "The upload is too large")


def test_a_logo_over_1_mb_is_refused(client, session, park, delegate):
    login(client, delegate)
    big = png_bytes() + b"\x00" * (1024 * 1024)
    with nothing_changes():
        response = client.post(
            f"/members/{park.slug}/edit",
            content_type="multipart/form-data",
            data={"description": "About", "logo": (io.BytesIO(big), "logo.png")},
        )
        refused(response, 200, "The logo may be at most 1 MB.")


def test_a_logo_over_the_form_limit_gets_the_413_page(client, session, park, delegate):
    login(client, delegate)
    with nothing_changes():
        response = client.post(
            f"/members/{park.slug}/edit",
            content_type="multipart/form-data",
            data={
                "description": "About",
                "logo": (io.BytesIO(b"\x89PNG" + b"x" * 2 * 1024 * 1024), "logo.png"),
            },
        )
        refused(response, 413, "The upload is too large")


def test_an_initiative_attachment_over_10_mb_is_refused(session, secretariat):
    initiative = voting.create_initiative(session, secretariat, title="Joint accelerator programme")
    with nothing_changes(), pytest.raises(Invalid, match="larger than 10 MB"):
        voting.add_attachment(
            session, secretariat, initiative, "big.pdf", b"%PDF-" + b"x" * (10 * 1024 * 1024)
        )


def test_any_request_over_max_content_length_gets_the_413_page(app, client, session, delegate):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    with nothing_changes():
        response = client.post(
            "/verify",
            content_type="multipart/form-data",
            data={"document": (io.BytesIO(b"%PDF-" + b"x" * 128 * 1024), "big.pdf")},
        )
        page = refused(response, 413, "The upload is too large")
    assert re.search(r"at most \d+ MB", page)
