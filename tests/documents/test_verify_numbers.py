"""/verify takes what people have on paper: a verification code, a memorandum's registry number
(AMT/MOU/2022/0001) or a park's membership number (AMT-KZ-0001); and a memorandum's page
shows its verification code."""

import pytest

from association.membership import documents as certificates
from association.memoranda import circulation, drafting, issuing
from tests.factories import login
from tests.membership.test_certificates import admitted  # noqa: F401  (a fixture)
from tests.memoranda.conftest import (  # noqa: F401  (fixtures)
    astana,
    astana_signatory,
    make_memorandum,
    sabah,
    sabah_signatory,
    sign_as,
)


@pytest.fixture
def issued(session, secretariat, make_memorandum, astana, sabah, astana_signatory, sabah_signatory):  # noqa: F811
    memorandum = make_memorandum(astana, sabah)
    circulation.circulate(session, secretariat, memorandum)
    sign_as(session, astana_signatory, memorandum)
    sign_as(session, sabah_signatory, memorandum)
    return issuing.issue_memorandum(session, secretariat, memorandum)


def _look_up(client, text: str):
    return client.get("/verify", query_string={"code": text})


def test_a_public_memorandums_registry_number_leads_to_its_document(
    client, session, secretariat, issued
):
    drafting.set_public(session, secretariat, issued, True)
    for typed in (issued.registry_number, f"  {issued.registry_number.lower()} "):
        response = _look_up(client, typed)
        assert response.status_code == 302, typed
        assert response.headers["Location"] == f"/verify/{issued.document.verification_code}"


def test_a_private_memorandums_number_is_unknown_to_a_visitor_but_not_to_a_party(
    client,
    issued,
    astana_signatory,  # noqa: F811
):
    page = _look_up(client, issued.registry_number).get_data(as_text=True)
    assert "No issued memorandum or member park has this number" in page
    assert issued.document.verification_code not in page
    login(client, astana_signatory)
    response = _look_up(client, issued.registry_number)
    assert response.headers["Location"] == f"/verify/{issued.document.verification_code}"


def test_a_membership_number_leads_to_the_parks_current_certificate(
    client,
    session,
    secretariat,
    admitted,  # noqa: F811
):
    old = certificates.current_certificate(session, admitted)
    new = certificates.reissue_certificate(session, secretariat, admitted)
    for path in (
        f"/verify?code={admitted.membership_number}",
        f"/verify/{admitted.membership_number}",
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"] == f"/verify/{new.verification_code}", path
    assert old.verification_code != new.verification_code


def test_an_unknown_number_and_junk_are_explained_on_the_form(client):
    unknown = _look_up(client, "AMT-KZ-9999")
    assert unknown.status_code == 200
    assert "No issued memorandum or member park has this number" in unknown.get_data(as_text=True)
    junk = _look_up(client, "hello?").get_data(as_text=True)
    assert "This is not a verification code" in junk
    assert "AMT/MOU/2022/0001" in junk


def test_the_memorandums_page_shows_its_verification_code(client, session, secretariat, issued):
    drafting.set_public(session, secretariat, issued, True)
    page = client.get(f"/memoranda/{issued.id}").get_data(as_text=True)
    code = issued.document.verification_code
    assert f'href="/verify/{code}"' in page
    assert code in page
