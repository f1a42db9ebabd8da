# ruff: noqa: F811 -- the fixtures are imported from the areas' test modules
"""Signed checkpoints: taken after every issued document and closed vote and by the daily
command, mailed to every member park's delegates, published, printed in later PDFs."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from association.audit.checkpoints import checkpoint_document, checkpoint_now, latest_checkpoint
from association.audit.models import AuditCheckpoint, AuditEvent
from association.domain import NotAllowed
from association.mail.models import OutboxMessage
from association.membership import documents
from tests.factories import login
from tests.meetings.conftest import make_vote  # noqa: F401 (a fixture)
from tests.membership.test_certificates import admitted  # noqa: F401 (a fixture)


def _checkpoints(session) -> list[AuditCheckpoint]:
    return list(session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.id)))


def test_issuing_a_document_ends_with_a_checkpoint_of_the_head(session, delegate, admitted):
    (checkpoint,) = _checkpoints(session)
    last = session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
    assert (checkpoint.seq, checkpoint.head_hash) == (last.seq, last.hash)
    assert checkpoint.reason == "document.issued"
    mail = session.scalars(
        select(OutboxMessage).where(OutboxMessage.subject.like("Audit log checkpoint%"))
    ).all()
    # Both member parks' delegates: Astana Hub's, and the admitted park's contact.
    assert sorted(m.recipient for m in mail) == sorted([delegate.email, "aida@htp.kg"])
    assert checkpoint.head_hash in mail[0].body
    assert checkpoint.signature in mail[0].body


def test_closing_a_vote_ends_with_a_checkpoint(session, delegate, make_vote):
    make_vote("Joint accelerator programme 2027", ["for"])
    (checkpoint,) = _checkpoints(session)
    assert checkpoint.reason == "vote.closed"
    closed = session.scalar(select(AuditEvent).where(AuditEvent.action == "vote.closed"))
    assert checkpoint.seq >= closed.seq


def test_a_refused_change_takes_no_checkpoint(session, member, admitted):
    before = len(_checkpoints(session))
    with pytest.raises(NotAllowed):
        documents.reissue_certificate(session, member, admitted)
    assert len(_checkpoints(session)) == before


def test_a_pdf_issued_after_a_checkpoint_carries_it(session, secretariat, admitted):
    checkpoint = latest_checkpoint(session)
    document = documents.reissue_certificate(session, secretariat, admitted)
    keywords = PdfReader(io.BytesIO(document.content)).metadata.get("/Keywords")
    assert f"seq={checkpoint.seq}" in keywords
    assert f"head={checkpoint.head_hash}" in keywords


def test_the_daily_command_signs_and_publishes_a_checkpoint(runner, client, session, park):
    result = runner.invoke(args=["audit-checkpoint"])
    assert result.exit_code == 0, result.output
    (checkpoint,) = _checkpoints(session)
    assert checkpoint.reason == "daily"
    assert checkpoint.head_hash in result.output

    page = client.get("/audit/checkpoints")
    assert page.status_code == 200
    assert checkpoint.head_hash in page.get_data(as_text=True)
    download = client.get(f"/audit/checkpoints/{checkpoint.id}.json")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert json.loads(download.data) == checkpoint_document(checkpoint)
    assert client.get("/audit/checkpoints/99999999999999999999.json").status_code == 404


def test_the_public_page_verifies_a_pasted_or_uploaded_checkpoint(client, session, park):
    document = json.dumps(checkpoint_document(checkpoint_now(session)))
    pasted = client.post("/audit/checkpoints", data={"text": document})
    assert pasted.status_code == 200
    assert "still contains this checkpoint" in pasted.get_data(as_text=True)

    uploaded = client.post(
        "/audit/checkpoints",
        data={"file": (io.BytesIO(document.encode()), "checkpoint.json")},
        content_type="multipart/form-data",
    )
    assert "still contains this checkpoint" in uploaded.get_data(as_text=True)

    forged = json.loads(document) | {"head_hash": "a" * 64}
    answer = client.post("/audit/checkpoints", data={"text": json.dumps(forged)})
    assert "Not signed by the association" in answer.get_data(as_text=True)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Paste a checkpoint or choose its JSON file."),
        ("not json", "it is not JSON"),
        ("[1, 2]", "a JSON object"),
        ('{"seq": -1}', "not an event count"),
        ('{"seq": 3, "head_hash": "xyz"}', "not a hash"),
    ],
)
def test_what_is_not_a_checkpoint_gets_a_clear_message(client, session, text, message):
    before = session.scalar(select(func.count(AuditEvent.id)))
    answer = client.post("/audit/checkpoints", data={"text": text})
    assert answer.status_code == 422
    assert message in answer.get_data(as_text=True)
    assert session.scalar(select(func.count(AuditEvent.id))) == before


def test_audit_verify_names_an_unreadable_checkpoint_file(runner, tmp_path):
    path = tmp_path / "checkpoint.json"
    path.write_text("{}")
    result = runner.invoke(args=["audit-verify", "--checkpoint", str(path)])
    assert result.exit_code == 2
    assert "not an event count" in result.output
    missing = runner.invoke(args=["audit-verify", "--checkpoint", str(tmp_path / "nope.json")])
    assert missing.exit_code == 2
    assert "Cannot read" in missing.output


def test_the_secretariat_still_reads_the_log_and_others_do_not(client, member, secretariat):
    login(client, member)
    assert client.get("/secretariat/audit/").status_code == 403
