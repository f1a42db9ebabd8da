"""The residency's documents through the domain functions: taking an offer issues them, an
extension issues them anew (the old superseded), and retention removes the letters with the
founders' data while the certificate stays verifiable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from association.documents.service import find_by_code
from association.residency import documents
from association.residency.applications import add_months
from association.residency.decisions import Decision, accept_offer, decide
from association.residency.models import Residency
from association.residency.retention import remove_expired_founders
from association.residency.stays import check_in, extend_residency
from tests.factories import login, make_residency_application


def _residency(session, call, hosts, founder, home_coordinator, host_coordinators):
    application = make_residency_application(
        session, founder, call, hosts[:1], endorse_by=home_coordinator
    )
    decide(session, host_coordinators[0], application.choices[0], Decision.ACCEPT)
    return accept_offer(session, founder, application.choices[0])


def test_taking_an_offer_issues_the_certificate_and_the_letter(
    client, session, call, hosts, founder, home_coordinator, host_coordinators
):
    residency = _residency(session, call, hosts, founder, home_coordinator, host_coordinators)
    certificate = documents.current_document(session, residency, documents.CERTIFICATE)
    letter = documents.current_document(session, residency, documents.LETTER)
    assert certificate is not None
    assert letter is not None
    login(client, founder)
    response = client.get(f"/residency/residencies/{residency.id}/certificate.pdf")
    assert response.status_code == 200
    assert response.data == certificate.content
    page = client.get(f"/verify/{certificate.verification_code}").get_data(as_text=True)
    assert "Digital Nomad residency certificate of Nomad Labs" in page
    assert residency.number in page


def test_an_extension_issues_both_anew_and_supersedes_the_old(
    session, call, hosts, founder, home_coordinator, host_coordinators
):
    residency = _residency(session, call, hosts, founder, home_coordinator, host_coordinators)
    old_certificate = documents.current_document(session, residency, documents.CERTIFICATE)
    old_letter = documents.current_document(session, residency, documents.LETTER)
    check_in(session, host_coordinators[0], residency)
    extend_residency(
        session, host_coordinators[0], residency, add_months(residency.starts_on, 5), "More."
    )
    certificate = documents.current_document(session, residency, documents.CERTIFICATE)
    letter = documents.current_document(session, residency, documents.LETTER)
    assert old_certificate.superseded_by_id == certificate.id
    assert old_letter.superseded_by_id == letter.id


def test_retention_removes_the_letters_and_keeps_the_certificate(
    client, session, call, hosts, founder, home_coordinator, host_coordinators, secretariat
):
    residency = _residency(session, call, hosts, founder, home_coordinator, host_coordinators)
    certificate = documents.current_document(session, residency, documents.CERTIFICATE)
    letter_code = documents.current_document(session, residency, documents.LETTER).verification_code
    session.execute(
        update(Residency)
        .where(Residency.id == residency.id)
        .values(ends_on=datetime.now(UTC).date() - timedelta(days=2 * 365 + 2))
    )
    session.commit()
    remove_expired_founders(session, None)
    assert find_by_code(session, letter_code) is None
    assert find_by_code(session, certificate.verification_code) == certificate
    login(client, secretariat)
    assert client.get(f"/residency/residencies/{residency.id}/letter.pdf").status_code == 404
    assert client.get(f"/residency/residencies/{residency.id}/certificate.pdf").status_code == 200
