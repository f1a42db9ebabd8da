"""How the memorandum's PDF reads: the text's SHA-256 on one unbroken line, and evidence
shared by every signature said once rather than in every row."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime

from association.memoranda import circulation, issuing, signing
from association.memoranda.documents import shared_paper_evidence
from association.memoranda.models import Signature
from tests.memoranda.test_pdf import issued  # noqa: F401  (the fixture)

EVIDENCE = "Signed in ink at the Digital Bridge Forum, Astana"


def pdf_pages(content: bytes, tmp_path) -> list[str]:
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [page for page in text.split("\f") if page.strip()]


def test_the_signatures_introduction_holds_the_sha256_on_one_line(issued, tmp_path):  # noqa: F811
    sha256 = issued.last_circulation.sha256
    lines = [
        line.strip()
        for page in pdf_pages(issued.document.content, tmp_path)
        for line in page.split("\n")
    ]
    assert sha256 in lines


def test_evidence_shared_by_every_paper_signature_is_said_once(
    session, secretariat, draft, astana_signatory, sabah_signatory, tmp_path
):
    circulation.circulate(session, secretariat, draft)
    for minute, (party, signatory) in enumerate(
        zip(draft.parties, (astana_signatory, sabah_signatory), strict=True)
    ):
        signing.record_paper_signature(
            session,
            None,
            draft,
            party,
            signatory=signatory,
            full_name=signatory.full_name,
            title=signatory.title,
            signed_at=datetime(2022, 9, 28, 7, minute, tzinfo=UTC),
            evidence=EVIDENCE,
        )
    issuing.issue_memorandum(session, secretariat, draft)
    text = " ".join(" ".join(pdf_pages(draft.document.content, tmp_path)).split())
    assert text.count(EVIDENCE) == 1
    assert text.count("recorded by the secretariat") == 0
    assert text.count("signed on paper") == 2


def test_evidence_differing_between_signatures_stays_in_each_row():
    paper = Signature(method="paper", user_agent="Signed in Astana")
    other = Signature(method="paper", user_agent="Signed in Baku")
    online = Signature(method="password", user_agent="Firefox")
    assert (
        shared_paper_evidence([paper, Signature(method="paper", user_agent="Signed in Astana")])
        == "Signed in Astana"
    )
    assert shared_paper_evidence([paper, other]) == ""
    assert shared_paper_evidence([paper, online]) == ""
