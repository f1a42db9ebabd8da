"""The minutes PDF closes with the approval note beside the QR block, so the QR block never
sits alone on a last page of its own."""

from __future__ import annotations

import subprocess

import pytest

from association.documents.models import StoredDocument
from association.meetings.minutes import (
    approve_minutes,
    circulate_minutes,
    publish_minutes,
    start_minutes,
)
from association.meetings.scheduling import mark_held


def last_page(content: bytes, tmp_path) -> str:
    path = tmp_path / "minutes.pdf"
    path.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = [page for page in text.split("\f") if page.strip()]
    return " ".join(pages[-1].split())


# Records of several lengths, so that the closing block falls at a page end in some of them.
@pytest.mark.parametrize("items", [4, 5, 6, 7, 8, 9])
def test_the_qr_block_closes_the_last_page_with_the_approval(
    session, secretariat, make_meeting, tmp_path, items
):
    meeting = make_meeting(f"General Assembly {items}", past=True)
    mark_held(session, secretariat, meeting)
    body = "\n\n".join(
        f"## Item {n}\n\n" + "The Assembly discussed the item at length. " * 9
        for n in range(1, items + 1)
    )
    minutes = start_minutes(session, secretariat, meeting, body=body, decisions="1. Adopted.")
    for step in (circulate_minutes, approve_minutes, publish_minutes):
        step(session, secretariat, minutes)
    document = session.get(StoredDocument, minutes.document_id)
    last = last_page(document.content, tmp_path)
    assert document.verification_code in last
    assert "These minutes were circulated to the members on" in last
