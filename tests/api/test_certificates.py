"""Certificates through the API: those in force that the reader may download, their own park's
or, for the secretariat, every member's and observer's."""

from __future__ import annotations

import pytest

from association.membership import documents
from association.parks.models import ParkStatus
from association.parks.service import change_park_status
from tests.factories import bearer


@pytest.fixture
def certified(session, secretariat, park, make_park):
    """Astana Hub and Sabah Lab, each with its certificate; Sabah Lab's re-issued once."""
    sabah = make_park("Sabah Lab", country="AZ", status=ParkStatus.OBSERVER)
    documents.issue_certificate(session, secretariat, park)
    documents.issue_certificate(session, secretariat, sabah)
    documents.reissue_certificate(session, secretariat, sabah)
    return park, sabah


def _parks(answer) -> list[str]:
    return [c["park"]["name"] for c in answer.get_json()["certificates"]]


def test_a_visitor_is_asked_for_a_token(client, certified):
    assert client.get("/api/v1/certificates").status_code == 401


def test_a_member_reads_only_the_own_parks_certificate(client, session, member, certified):
    astana, _sabah = certified
    answer = client.get("/api/v1/certificates", headers=bearer(session, member))
    (certificate,) = answer.get_json()["certificates"]
    document = documents.current_certificate(session, astana)
    assert certificate["park"]["name"] == "Astana Hub"
    assert certificate["verification_code"] == document.verification_code
    assert certificate["sha256"] == document.sha256
    assert certificate["verify_url"] == f"http://localhost/verify/{document.verification_code}"
    assert certificate["pdf_url"] == f"http://localhost/api/v1/parks/{astana.slug}/certificate.pdf"


def test_a_member_of_a_park_without_a_certificate_reads_none(
    client, session, make_park, make_user, certified
):
    reader = make_user(park=make_park("Bilkent Cyberpark", country="TR"))
    answer = client.get("/api/v1/certificates", headers=bearer(session, reader))
    assert answer.get_json()["certificates"] == []


def test_the_secretariat_reads_every_certificate_in_force_and_no_superseded_one(
    client, session, secretariat, certified
):
    astana, sabah = certified
    answer = client.get("/api/v1/certificates", headers=bearer(session, secretariat))
    assert _parks(answer) == ["Sabah Lab", "Astana Hub"]  # newest first
    codes = {c["verification_code"] for c in answer.get_json()["certificates"]}
    assert documents.current_certificate(session, sabah).verification_code in codes
    assert len(codes) == 2


def test_a_suspended_parks_certificate_is_not_in_force(client, session, secretariat, certified):
    _astana, sabah = certified
    change_park_status(session, secretariat, sabah, ParkStatus.SUSPENDED, reason="Dues unpaid")
    answer = client.get("/api/v1/certificates", headers=bearer(session, secretariat))
    assert _parks(answer) == ["Astana Hub"]


def test_the_pdf_address_serves_the_sealed_certificate(client, session, member, certified):
    headers = bearer(session, member)
    (certificate,) = client.get("/api/v1/certificates", headers=headers).get_json()["certificates"]
    answer = client.get(certificate["pdf_url"], headers=headers)
    assert answer.status_code == 200
    assert answer.mimetype == "application/pdf"
    assert answer.data == documents.current_certificate(session, certified[0]).content


def test_cursor_pages_and_304(client, session, secretariat, certified, make_park):
    headers = bearer(session, secretariat)
    page = client.get("/api/v1/certificates?limit=1", headers=headers)
    assert _parks(page) == ["Sabah Lab"]
    documents.issue_certificate(session, secretariat, make_park("IT Park Uzbekistan", country="UZ"))
    rest = client.get(page.headers["Link"].split(";")[0].strip("<>"), headers=headers)
    assert _parks(rest) == ["Astana Hub"]
    assert "Link" not in rest.headers
    again = client.get(rest.request.url, headers={**headers, "If-None-Match": rest.headers["ETag"]})
    assert again.status_code == 304
