# ruff: noqa: F811 -- the fixtures are imported from the membership's test modules
"""Applications through the API: the secretariat's alone, as its list and review page show
them (documents by name, size and SHA-256, never their content)."""

from __future__ import annotations

import hashlib

import pytest

from association.membership.models import ApplicationStatus
from association.membership.uploads import Upload
from tests.factories import bearer
from tests.membership.conftest import make_application, pdf_bytes  # noqa: F401 (a fixture)

STATUTE = pdf_bytes(title="Statute")


@pytest.fixture
def applications(make_application):
    """Four confirmed applications in several states, and one whose e-mail is unconfirmed."""
    return {
        "tajik": make_application(uploads=[Upload("statute.pdf", STATUTE)]),
        "turkmen": make_application(
            ApplicationStatus.INFORMATION_REQUESTED,
            name_latin="Technopark of Turkmenistan",
            country="TM",
            contact_email="ashgabat@technopark.tm",
        ),
        "palestine": make_application(
            ApplicationStatus.REJECTED,
            name_latin="Palestine Techno Park",
            country="PS",
            contact_email="info@techno.ps",
        ),
        "bilkent": make_application(
            ApplicationStatus.UNDER_REVIEW,
            name_latin="Bilkent Cyberpark",
            country="TR",
            contact_email="info@cyberpark.com.tr",
        ),
        "unconfirmed": make_application(
            ApplicationStatus.UNCONFIRMED,
            name_latin="Somebody's spam",
            country="TM",
            contact_email="spam@example.org",
        ),
    }


def _names(answer) -> list[str]:
    return [a["name"] for a in answer.get_json()["applications"]]


def test_a_visitor_is_asked_for_a_token(client, applications):
    assert client.get("/api/v1/applications").status_code == 401
    assert client.get(f"/api/v1/applications/{applications['tajik'].id}").status_code == 401


def test_a_member_is_refused_with_the_pages_reason(client, session, delegate, applications):
    headers = bearer(session, delegate)
    for path in ("/api/v1/applications", f"/api/v1/applications/{applications['tajik'].id}"):
        answer = client.get(path, headers=headers)
        assert answer.status_code == 403
        assert answer.get_json()["detail"] == "Only the secretariat reviews applications."


def test_the_list_is_the_secretariats_with_its_filters(client, session, secretariat, applications):
    headers = bearer(session, secretariat)
    waiting = client.get("/api/v1/applications", headers=headers)
    assert _names(waiting) == [
        "Bilkent Cyberpark",
        "Technopark of Turkmenistan",
        "Technopark of Tajikistan",
    ]
    every = _names(client.get("/api/v1/applications?status=all", headers=headers))
    assert "Palestine Techno Park" in every
    assert "Somebody's spam" not in every  # unconfirmed: it does not exist for the secretariat
    rejected = client.get("/api/v1/applications?status=rejected", headers=headers)
    assert _names(rejected) == ["Palestine Techno Park"]
    turkmen = client.get("/api/v1/applications?status=all&country=TM", headers=headers)
    assert _names(turkmen) == ["Technopark of Turkmenistan"]
    assert client.get("/api/v1/applications?status=lost", headers=headers).status_code == 422
    assert client.get("/api/v1/applications?country=tm", headers=headers).status_code == 422


def test_one_application_as_the_review_page_shows_it(client, session, secretariat, applications):
    tajik = applications["tajik"]
    answer = client.get(f"/api/v1/applications/{tajik.id}", headers=bearer(session, secretariat))
    assert answer.status_code == 200
    application = answer.get_json()
    assert application["status"] == "submitted"
    assert application["legal_entity"] == "Technopark of Tajikistan LLC"
    assert application["contact"] == {
        "name": "Farrukh Rahimov",
        "title": "Project Manager",
        "email": "farrukh@technopark.tj",
        "phone": "+992 37 000 00 00",
    }
    (document,) = application["documents"]
    assert document["filename"] == "statute.pdf"
    assert document["size"] == len(STATUTE)
    assert document["sha256"] == hashlib.sha256(STATUTE).hexdigest()
    assert set(document) == {"filename", "size", "sha256", "uploaded_at"}  # never the content
    assert [step["to_status"] for step in application["history"]][-1] == "submitted"
    assert application["park"] is None
    assert application["vote"] is None


def test_the_requests_and_answers_are_listed(client, session, secretariat, applications):
    turkmen = applications["turkmen"]
    application = client.get(
        f"/api/v1/applications/{turkmen.id}", headers=bearer(session, secretariat)
    ).get_json()
    assert [(m["kind"], m["body"]) for m in application["messages"]] == [
        ("request", "Please send the statute.")
    ]


def test_an_unconfirmed_or_unknown_application_is_not_found(
    client, session, secretariat, applications
):
    headers = bearer(session, secretariat)
    for application_id in (applications["unconfirmed"].id, 999):
        answer = client.get(f"/api/v1/applications/{application_id}", headers=headers)
        assert answer.status_code == 404
        assert answer.get_json()["detail"] == "No such application"


def test_cursor_pages_neither_repeat_nor_skip_when_applications_arrive(
    client, session, secretariat, applications, make_application
):
    headers = bearer(session, secretariat)
    page = client.get("/api/v1/applications?status=all&limit=2", headers=headers)
    seen = [a["id"] for a in page.get_json()["applications"]]
    make_application(name_latin="Arrived meanwhile", contact_email="new@park.example")
    rest = client.get(page.headers["Link"].split(";")[0].strip("<>"), headers=headers)
    seen += [a["id"] for a in rest.get_json()["applications"]]
    confirmed = [a.id for name, a in applications.items() if name != "unconfirmed"]
    assert seen == sorted(confirmed, reverse=True)


def test_an_unchanged_application_answers_304(client, session, secretariat, applications):
    headers = bearer(session, secretariat)
    path = f"/api/v1/applications/{applications['bilkent'].id}"
    first = client.get(path, headers=headers)
    again = client.get(path, headers={**headers, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
