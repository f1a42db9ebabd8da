from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from association.audit.models import AuditEvent
from association.documents import service
from association.documents.models import StoredDocument
from association.documents.seal import load_signer
from association.documents.service import DocumentState, UploadOutcome
from association.documents.verify import check_pdf
from association.domain import Conflict, Invalid


@pytest.fixture
def issue(app, session, make_park):
    park = make_park("Astana Hub", name_native="Астана Хаб")

    def issue(
        title: str = "Membership certificate of Astana Hub",
        *,
        kind: str = "certificate",
        subject=park,
        filename: str = "certificate-astana-hub.pdf",
        verification_code: str | None = None,
    ):
        code = verification_code or service.new_verification_code()
        html = (
            f"<h1>{title}</h1><p>Astana Hub · Астана Хаб</p>"
            f"<p>Verify at {service.verification_url(app.config, code)}</p>"
        )
        return service.issue_document(
            session,
            kind=kind,
            title=title,
            filename=filename,
            subject=subject,
            html=html,
            config=app.config,
            instance_path=app.instance_path,
            verification_code=code,
        )

    issue.park = park
    return issue


def _association_certificate(app):
    return load_signer(app.config, Path(app.instance_path)).signing_cert


def test_an_issued_document_is_stored_sealed_with_its_hash_and_size(app, session, issue):
    document = issue()
    session.commit()
    stored = session.get(StoredDocument, document.id)
    assert stored.sha256 == hashlib.sha256(stored.content).hexdigest()
    assert stored.size == len(stored.content)
    assert stored.subject_type == "Park"
    assert stored.subject_id == issue.park.id
    assert stored.issued_at.tzinfo is not None
    check = check_pdf(stored.content, _association_certificate(app))
    assert check.issued_and_unchanged


def test_issuing_is_written_to_the_audit_log_with_the_documents_hash(session, issue):
    document = issue()
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "document.issued")).one()
    details = json.loads(event.details)
    assert details["sha256"] == document.sha256
    assert details["code"] == document.verification_code


def test_issuing_only_flushes_the_callers_transaction_decides(session, issue):
    document = issue()
    session.rollback()
    assert session.scalar(select(StoredDocument).where(StoredDocument.id == document.id)) is None


def test_a_document_is_found_by_its_code_as_people_type_it(session, issue):
    document = issue()
    typed = document.verification_code.lower().replace("-", " ")
    assert service.find_by_code(session, typed) is document
    assert service.find_by_code(session, "0000-0000-0000-0000") is None
    assert service.find_by_code(session, "not a code") is None


def test_a_document_is_found_by_the_hash_of_its_bytes(session, issue):
    document = issue()
    assert service.find_by_sha256(session, document.sha256.upper()) is document
    assert service.find_by_sha256(session, "0" * 64) is None
    assert service.find_by_sha256(session, "abc") is None


def test_the_filename_cannot_smuggle_a_path_or_header(session, issue):
    document = issue(filename="../../etc/pass\r\nwd")
    assert document.filename == "passwd.pdf"


def test_a_malformed_verification_code_is_refused(session, issue):
    with pytest.raises(Invalid):
        issue(verification_code="1234")


def test_a_superseded_document_names_its_successor_and_is_not_in_force(session, issue):
    old = issue()
    new = issue()
    service.supersede(session, old, new)
    assert old.superseded_by is new
    assert old.superseded_at is not None
    state = service.describe(session, old)
    assert not state.in_force
    assert service.describe(session, new).in_force


def test_a_document_is_superseded_only_once(session, issue):
    old, new, newer = issue(), issue(), issue()
    service.supersede(session, old, new)
    with pytest.raises(Conflict):
        service.supersede(session, old, newer)


def test_only_a_document_of_the_same_kind_and_subject_supersedes(session, issue, make_park):
    certificate = issue()
    with pytest.raises(Invalid):
        service.supersede(session, certificate, issue(kind="minutes"))
    with pytest.raises(Invalid):
        service.supersede(session, certificate, issue(subject=make_park("Sabah Lab", country="AZ")))
    with pytest.raises(Invalid):
        service.supersede(session, certificate, certificate)


def test_the_area_says_what_its_documents_stand_for(session, issue, monkeypatch):
    monkeypatch.setattr(service, "_describers", {})
    monkeypatch.setattr(service, "_kind_labels", {})

    def certificate_state(session, document):
        return DocumentState(
            headline="Membership certificate of Astana Hub",
            state="Park suspended",
            in_force=False,
            details=[("Membership number", "AMT-KZ-0001")],
        )

    service.register_describer("certificate", certificate_state, label="Membership certificate")
    state = service.describe(session, issue())
    assert (state.state, state.in_force) == ("Park suspended", False)
    assert state.details == [("Membership number", "AMT-KZ-0001")]
    assert service.kind_label("certificate") == "Membership certificate"
    assert service.kind_label("minutes") == "Minutes"


def test_an_upload_of_the_issued_bytes_is_issued(app, session, issue):
    document = issue()
    verdict = service.verify_upload(session, document.content, _association_certificate(app))
    assert verdict.outcome == UploadOutcome.ISSUED
    assert verdict.document is document


def test_an_upload_with_our_seal_but_other_bytes_is_altered(app, session, issue):
    document = issue()
    # A change inside the seal's reserved space: the signed content is untouched, but this
    # is not the file the association issued, and the register says so.
    content = document.content
    end = content.index(b">", content.rindex(b"/Contents <"))
    altered = content[: end - 10] + b"7" + content[end - 9 :]
    verdict = service.verify_upload(session, altered, _association_certificate(app))
    assert verdict.outcome == UploadOutcome.ALTERED
    assert verdict.document is None


def test_an_upload_of_anything_else_is_not_issued(app, session):
    verdict = service.verify_upload(session, b"%PDF-1.7 nothing", _association_certificate(app))
    assert verdict.outcome == UploadOutcome.NOT_ISSUED


def test_an_upload_of_a_superseded_document_names_the_one_in_force(app, session, issue):
    first, second, third = issue(), issue(), issue()
    service.supersede(session, first, second)
    service.supersede(session, second, third)
    verdict = service.verify_upload(session, first.content, _association_certificate(app))
    assert verdict.outcome == UploadOutcome.SUPERSEDED
    assert (verdict.document, verdict.current) == (first, third)
    assert verdict.state is not None
    assert not verdict.state.in_force
