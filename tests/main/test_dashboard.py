from association.membership import documents
from association.parks.models import ParkStatus
from tests.factories import login


def test_your_park_card_links_to_the_profile_and_the_certificate(
    client, session, secretariat, park, member
):
    documents.issue_certificate(session, secretariat, park)
    login(client, member)
    page = client.get("/dashboard").get_data(as_text=True)
    assert f'href="/members/{park.slug}"' in page
    assert f'href="/members/{park.slug}/certificate.pdf"' in page
    assert client.get(f"/members/{park.slug}/certificate.pdf").status_code == 200


def test_your_park_card_offers_no_certificate_the_park_does_not_have(
    client, session, make_park, make_user
):
    candidate = make_park("Candidate Park", status=ParkStatus.OBSERVER)
    login(client, make_user(park=candidate))
    page = client.get("/dashboard").get_data(as_text=True)
    assert f'href="/members/{candidate.slug}"' in page
    assert "certificate.pdf" not in page
