# ruff: noqa: F811 -- the fixtures are imported from the memoranda's test modules
"""Memoranda through the API: the register and one memorandum as the pages show them to a
visitor, a member of another park, a party's member and the secretariat; the issued PDF."""

from __future__ import annotations

import pytest

from association.memoranda import circulation, drafting, issuing, signing
from tests.factories import bearer
from tests.memoranda.conftest import (  # noqa: F401 (fixtures)
    astana,
    astana_reader,
    astana_signatory,
    circulating,
    draft,
    make_memorandum,
    sabah,
    sabah_signatory,
    sign_as,
)


def _issue(session, secretariat, memorandum, signatories, *, public=False, render=False):
    if public:
        drafting.set_public(session, secretariat, memorandum, True)
    circulation.circulate(session, secretariat, memorandum)
    for signatory in signatories:
        sign_as(session, signatory, memorandum)
    issuing.issue_memorandum(session, secretariat, memorandum, render=render)
    return memorandum


@pytest.fixture
def half_signed(session, circulating, astana_signatory, sabah_signatory):
    """Out for signature: Astana Hub has signed, Sabah Lab's signatory opened the text."""
    sign_as(session, astana_signatory, circulating)
    sabah_party = next(p for p in circulating.parties if p.park_id == sabah_signatory.park_id)
    circulation.note_sign_page_opened(
        session, sabah_signatory, circulating.current_circulation, sabah_party
    )
    return circulating


@pytest.fixture
def issued_public(
    session, secretariat, make_memorandum, astana, sabah, astana_signatory, sabah_signatory
):
    memorandum = make_memorandum(astana, sabah, title="Public memorandum")
    return _issue(
        session, secretariat, memorandum, [astana_signatory, sabah_signatory], public=True
    )


@pytest.fixture
def outsider(make_user, make_park):
    return make_user(park=make_park("Other Park", country="TR"), email="other@park.example")


def _titles(answer) -> list[str]:
    return [m["title"] for m in answer.get_json()["memoranda"]]


def test_a_visitor_reads_only_public_issued_memoranda(client, half_signed, issued_public):
    assert _titles(client.get("/api/v1/memoranda")) == ["Public memorandum"]
    hidden = client.get(f"/api/v1/memoranda/{half_signed.id}")
    assert hidden.status_code == 404  # a visitor learns nothing of it
    assert hidden.get_json()["detail"] == "There is no such memorandum."
    public = client.get(f"/api/v1/memoranda/{issued_public.id}").get_json()
    assert public["registry_number"].startswith("AMT/MOU/")
    assert [p["signature"] for p in public["parties"]] == ["signed", "signed"]
    assert all(p["evidence"] is None for p in public["parties"])


def test_a_member_of_another_park_is_refused_the_parties_memorandum(
    client, session, outsider, half_signed, issued_public
):
    headers = bearer(session, outsider)
    assert _titles(client.get("/api/v1/memoranda", headers=headers)) == ["Public memorandum"]
    refused = client.get(f"/api/v1/memoranda/{half_signed.id}", headers=headers)
    assert refused.status_code == 403
    assert refused.get_json()["detail"] == "This memorandum is for its parties and the secretariat."


def test_a_partys_member_reads_each_partys_signature_without_the_evidence(
    client, session, astana_reader, make_memorandum, astana, sabah, half_signed
):
    make_memorandum(astana, sabah, title="Draft plan")  # a draft is the secretariat's
    headers = bearer(session, astana_reader)
    assert _titles(client.get("/api/v1/memoranda", headers=headers)) == [
        "Memorandum of cooperation"
    ]
    memorandum = client.get(f"/api/v1/memoranda/{half_signed.id}", headers=headers).get_json()
    assert memorandum["status"] == "circulating"
    assert memorandum["registry_number"] is None
    assert memorandum["document"] is None
    astana_row, sabah_row = memorandum["parties"]
    assert astana_row["signature"] == "signed"
    assert astana_row["signed_by"] == "Yerlan Nurpeisov"
    assert astana_row["signed_title"] == "Chief Executive Officer"
    assert astana_row["signed_at"] is not None
    assert astana_row["evidence"] is None
    assert sabah_row["signature"] == "waiting"
    assert sabah_row["first_opened_at"] is not None
    circulated = half_signed.current_circulation
    assert memorandum["circulation"]["sha256"] == circulated.sha256
    assert memorandum["circulation"]["ended_at"] is None
    assert [t["language"] for t in memorandum["texts"]] == ["en", "ru"]


def test_the_secretariat_reads_the_evidence_and_the_drafts(
    client, session, secretariat, make_memorandum, astana, sabah, half_signed
):
    make_memorandum(astana, sabah, title="Draft plan")
    headers = bearer(session, secretariat)
    assert _titles(client.get("/api/v1/memoranda", headers=headers)) == [
        "Draft plan",
        "Memorandum of cooperation",
    ]
    memorandum = client.get(f"/api/v1/memoranda/{half_signed.id}", headers=headers).get_json()
    assert memorandum["parties"][0]["evidence"] == {
        "method": "password",
        "ip": "192.0.2.7",
        "user_agent": "pytest browser",
    }
    assert memorandum["parties"][1]["evidence"] is None


def test_a_decline_is_shown_with_its_reason(
    client, session, astana_reader, circulating, sabah_signatory
):
    party = next(p for p in circulating.parties if p.park_id == sabah_signatory.park_id)
    signing.decline(
        session,
        sabah_signatory,
        circulating,
        party_id=party.id,
        circulation_id=circulating.current_circulation.id,
        reason="Article 2 needs our board's approval.",
    )
    memorandum = client.get(
        f"/api/v1/memoranda/{circulating.id}", headers=bearer(session, astana_reader)
    ).get_json()
    assert memorandum["status"] == "declined"
    assert memorandum["decline"]["party"] == "Sabah Lab"
    assert memorandum["decline"]["reason"] == "Article 2 needs our board's approval."
    assert memorandum["parties"][1]["signature"] == "declined"
    assert memorandum["circulation"]["end_reason"] == "declined"


def test_the_issued_pdf_is_for_whoever_reads_the_page(
    client, session, secretariat, draft, astana_reader, astana_signatory, sabah_signatory, outsider
):
    issued = _issue(session, secretariat, draft, [astana_signatory, sabah_signatory], render=True)
    headers = bearer(session, astana_reader)
    memorandum = client.get(f"/api/v1/memoranda/{issued.id}", headers=headers).get_json()
    document = issued.document
    assert memorandum["document"]["verification_code"] == document.verification_code
    assert memorandum["document"]["pdf_url"] == f"http://localhost/api/v1/memoranda/{issued.id}.pdf"
    answer = client.get(f"/api/v1/memoranda/{issued.id}.pdf", headers=headers)
    assert answer.status_code == 200
    assert answer.mimetype == "application/pdf"
    assert answer.data == document.content
    other = client.get(f"/api/v1/memoranda/{issued.id}.pdf", headers=bearer(session, outsider))
    assert other.status_code == 403
    assert client.get(f"/api/v1/memoranda/{issued.id}.pdf").status_code == 404


def test_a_memorandum_not_issued_has_no_pdf(client, session, astana_reader, half_signed):
    answer = client.get(
        f"/api/v1/memoranda/{half_signed.id}.pdf", headers=bearer(session, astana_reader)
    )
    assert answer.status_code == 404
    assert answer.get_json()["detail"] == "This memorandum is not issued: it has no PDF yet."


def test_the_status_filter(client, session, secretariat, half_signed, issued_public):
    headers = bearer(session, secretariat)
    answer = client.get("/api/v1/memoranda?status=in_force", headers=headers)
    assert _titles(answer) == ["Public memorandum"]
    assert client.get("/api/v1/memoranda?status=lost", headers=headers).status_code == 422


def test_nothing_is_signed_through_the_api(client, app):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    memoranda = {path: item for path, item in paths.items() if "/memoranda" in path}
    assert memoranda
    assert all(list(item) == ["get"] for item in memoranda.values())


def test_cursor_pages_neither_repeat_nor_skip_when_memoranda_are_added(
    client, session, secretariat, make_memorandum, astana, sabah
):
    made = [make_memorandum(astana, sabah, title=f"Memorandum {n}") for n in range(3)]
    headers = bearer(session, secretariat)
    page = client.get("/api/v1/memoranda?limit=2", headers=headers)
    seen = [m["id"] for m in page.get_json()["memoranda"]]
    make_memorandum(astana, sabah, title="Added meanwhile")
    following = page.headers["Link"].split(";")[0].strip("<>")
    rest = client.get(following, headers=headers)
    seen += [m["id"] for m in rest.get_json()["memoranda"]]
    assert seen == [m.id for m in reversed(made)]
    assert "Link" not in rest.headers


def test_an_unchanged_register_answers_304(client, issued_public):
    first = client.get("/api/v1/memoranda")
    again = client.get("/api/v1/memoranda", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
