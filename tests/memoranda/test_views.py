"""The memoranda pages: who sees what, signing through the form, outside links, diffs, drafting."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from association.memoranda import circulation, drafting, issuing, signing
from association.memoranda.models import (
    Memorandum,
    MemorandumStatus,
    Revision,
    Signature,
    SigningView,
)
from tests.factories import PASSWORD, login
from tests.memoranda.conftest import TEXT_EN, TEXT_RU, outside_code, outside_token, sign_as


def signatures(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Signature))


def sign_form(memorandum, party, **overrides):
    data = {
        "sign-circulation": memorandum.current_circulation.id,
        "sign-party": party.id,
        "sign-full_name": "Yerlan Nurpeisov",
        "sign-title": "Chief Executive Officer",
        "sign-consent": "y",
        "sign-password": PASSWORD,
        "sign-submit": "Sign",
    }
    data.update(overrides)
    return data


@pytest.fixture
def issued_public(
    session, secretariat, make_memorandum, astana, sabah, astana_signatory, sabah_signatory
):
    memorandum = make_memorandum(astana, sabah, title="Public memorandum")
    drafting.set_public(session, secretariat, memorandum, True)
    circulation.circulate(session, secretariat, memorandum)
    sign_as(session, astana_signatory, memorandum)
    sign_as(session, sabah_signatory, memorandum)
    issuing.issue_memorandum(session, secretariat, memorandum, render=False)
    return memorandum


def test_a_visitor_sees_only_public_issued_memoranda(client, circulating, issued_public):
    page = client.get("/memoranda").get_data(as_text=True)
    assert "Public memorandum" in page
    assert "Memorandum of cooperation" not in page
    assert client.get(f"/memoranda/{circulating.id}").status_code == 404
    assert client.get(f"/memoranda/{issued_public.id}").status_code == 200


def test_a_member_sees_the_own_parks_memoranda(
    client, session, circulating, make_park, make_user, astana_reader
):
    login(client, astana_reader)
    assert "Memorandum of cooperation" in client.get("/memoranda").get_data(as_text=True)
    outsider = make_user(park=make_park("Other Park"), email="other@park.example")
    client.post("/logout")
    login(client, outsider)
    assert "Memorandum of cooperation" not in client.get("/memoranda").get_data(as_text=True)
    assert client.get(f"/memoranda/{circulating.id}").status_code == 403


def test_the_nav_names_memoranda(client):
    assert 'href="/memoranda"' in client.get("/").get_data(as_text=True)


def test_the_sign_page_shows_the_frozen_text_in_each_language(
    client, session, circulating, astana_signatory
):
    login(client, astana_signatory)
    page = client.get(f"/memoranda/{circulating.id}/sign").get_data(as_text=True)
    assert 'lang="ru"' in page
    assert "Стороны договорились" in page
    assert circulating.current_circulation.sha256 in page
    assert "all texts are equally authentic" in page
    assert session.scalar(select(func.count()).select_from(SigningView)) == 1


def test_signing_through_the_form(client, session, circulating, astana_signatory):
    login(client, astana_signatory)
    response = client.post(
        f"/memoranda/{circulating.id}/sign", data=sign_form(circulating, circulating.parties[0])
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/memoranda/{circulating.id}")
    signature = session.scalars(select(Signature)).one()
    assert signature.user_agent.startswith("Werkzeug")
    assert signature.ip == "127.0.0.1"
    assert "signed" in client.get(f"/memoranda/{circulating.id}").get_data(as_text=True)


def test_a_wrong_password_on_the_form_is_refused(client, session, circulating, astana_signatory):
    login(client, astana_signatory)
    response = client.post(
        f"/memoranda/{circulating.id}/sign",
        data=sign_form(circulating, circulating.parties[0], **{"sign-password": "wrong one"}),
    )
    assert response.status_code == 403
    assert "The password is not right" in response.get_data(as_text=True)
    assert signatures(session) == 0


def test_repeated_wrong_passwords_on_the_form_pause_signing(
    client, session, circulating, astana_signatory
):
    login(client, astana_signatory)
    wrong = sign_form(circulating, circulating.parties[0], **{"sign-password": "wrong one"})
    for _ in range(signing.MAX_WRONG_PASSWORDS):
        client.post(f"/memoranda/{circulating.id}/sign", data=wrong)
    response = client.post(
        f"/memoranda/{circulating.id}/sign", data=sign_form(circulating, circulating.parties[0])
    )
    assert "Too many wrong passwords" in response.get_data(as_text=True)
    assert signatures(session) == 0


def test_a_reader_cannot_sign_for_the_park(client, session, circulating, astana_reader):
    login(client, astana_reader)
    page = client.get(f"/memoranda/{circulating.id}/sign").get_data(as_text=True)
    assert "Only a signatory" in page
    response = client.post(
        f"/memoranda/{circulating.id}/sign", data=sign_form(circulating, circulating.parties[0])
    )
    assert response.status_code == 403
    assert "not a signatory" in response.get_data(as_text=True)
    assert signatures(session) == 0


def test_signing_for_another_partys_id_is_refused(client, session, circulating, astana_signatory):
    login(client, astana_signatory)
    response = client.post(
        f"/memoranda/{circulating.id}/sign", data=sign_form(circulating, circulating.parties[1])
    )
    assert response.status_code == 403
    assert "do not represent" in response.get_data(as_text=True)
    assert signatures(session) == 0


def test_a_form_loaded_before_a_new_revision_is_refused(
    client, session, secretariat, circulating, astana_signatory
):
    login(client, astana_signatory)
    data = sign_form(circulating, circulating.parties[0])
    drafting.save_revision(
        session,
        secretariat,
        circulating,
        title=circulating.title,
        place="Astana",
        texts={"en": "Changed text"},
    )
    response = client.post(f"/memoranda/{circulating.id}/sign", data=data)
    assert response.status_code == 409
    assert "withdrawn" in response.get_data(as_text=True)
    assert signatures(session) == 0


def test_an_outside_signatory_signs_through_the_link(
    client, session, secretariat, make_memorandum, astana, sabah, astana_signatory, sabah_signatory
):
    memorandum = make_memorandum(astana, sabah, outside=True)
    circulation.circulate(session, secretariat, memorandum)
    token = outside_token(session)
    page = client.get(f"/memoranda/sign/{token}").get_data(as_text=True)
    assert "Digital Bridge Foundation" in page
    assert "Стороны" in page
    assert client.post(f"/memoranda/sign/{token}", data={"send_code": "1"}).status_code == 302
    wrong = client.post(
        f"/memoranda/sign/{token}",
        data={
            "sign-full_name": "Daniyar Akhmetov",
            "sign-title": "Chairman",
            "sign-consent": "y",
            "sign-code": "12345x",
            "sign-submit": "Sign",
        },
    )
    assert wrong.status_code == 400
    assert "code is not right" in wrong.get_data(as_text=True)
    done = client.post(
        f"/memoranda/sign/{token}",
        data={
            "sign-full_name": "Daniyar Akhmetov",
            "sign-title": "Chairman",
            "sign-consent": "y",
            "sign-code": outside_code(session),
            "sign-submit": "Sign",
        },
    )
    assert "Your signature is recorded" in done.get_data(as_text=True)
    assert signatures(session) == 1
    again = client.get(f"/memoranda/sign/{token}")
    assert again.status_code == 410
    assert "already been used" in again.get_data(as_text=True)


def test_an_unknown_outside_link_is_gone(client):
    response = client.get("/memoranda/sign/not-a-token")
    assert response.status_code == 410
    assert "not valid" in response.get_data(as_text=True)


def test_the_comparison_marks_words_and_escapes_the_text(client, session, secretariat, draft):
    drafting.save_revision(
        session,
        secretariat,
        draft,
        title=draft.title,
        place="Astana",
        texts={
            "en": TEXT_EN.replace("residents", "resident companies") + "\n5 < 6 & 7 > 2",
            "ru": TEXT_RU,
        },
    )
    login(client, secretariat)
    page = client.get(f"/memoranda/{draft.id}/revisions/1/compare/2").get_data(as_text=True)
    assert "<del>residents</del>" in page
    assert "<ins>resident companies</ins>" in page
    assert "5 &lt; 6 &amp; 7 &gt; 2" in page
    assert client.get(f"/memoranda/{draft.id}/compare?a=1&b=2").status_code == 302
    assert client.get(f"/memoranda/{draft.id}/revisions/1/compare/9").status_code == 404


def test_the_secretariat_drafts_adds_parties_and_circulates(
    client, session, secretariat, astana, sabah, astana_signatory, sabah_signatory
):
    login(client, secretariat)
    response = client.post(
        "/secretariat/memoranda/new",
        data={
            "title": "Memorandum on joint events",
            "place": "Baku",
            "text_en": TEXT_EN,
            "text_ru": TEXT_RU,
        },
    )
    assert response.status_code == 302
    memorandum = session.scalars(select(Memorandum)).one()
    for park in (astana, sabah):
        client.post(
            f"/secretariat/memoranda/{memorandum.id}/parties/member", data={"member-park": park.id}
        )
    client.post(
        f"/secretariat/memoranda/{memorandum.id}/parties/outside",
        data={
            "outside-name": "Digital Bridge Foundation",
            "outside-country": "KZ",
            "outside-signatory_name": "D. A.",
            "outside-signatory_title": "Chairman",
            "outside-signatory_email": "chair@digitalbridge.example",
        },
    )
    client.post(f"/secretariat/memoranda/{memorandum.id}/circulate")
    session.expire_all()
    assert memorandum.status == MemorandumStatus.CIRCULATING
    assert len(memorandum.parties) == 3
    edit = client.get(f"/secretariat/memoranda/{memorandum.id}/edit").get_data(as_text=True)
    assert "every signature made so far lapses" in edit


def test_a_script_in_the_edit_form_is_refused(client, session, secretariat, draft):
    login(client, secretariat)
    response = client.post(
        f"/secretariat/memoranda/{draft.id}/edit",
        data={
            "title": draft.title,
            "place": "Astana",
            "base_number": "1",
            "text_en": TEXT_EN + '\n<script>alert("x")</script>',
        },
        follow_redirects=True,
    )
    assert "cannot hold" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Revision)) == 1


def test_an_edit_form_refused_for_a_stale_revision_commits_nothing(
    client, session, secretariat, draft
):
    drafting.save_revision(
        session, secretariat, draft, title=draft.title, place="Astana", texts={"en": "Two."}
    )
    login(client, secretariat)
    response = client.post(
        f"/secretariat/memoranda/{draft.id}/edit",
        data={
            "title": draft.title,
            "place": "Astana",
            "base_number": "1",
            "public": "y",
            "text_en": "Three.",
        },
    )
    assert response.status_code == 409
    session.expire_all()
    assert draft.public is False
    assert session.scalar(select(func.count()).select_from(Revision)) == 2


def test_issuing_through_the_page_needs_every_signature(client, session, secretariat, circulating):
    login(client, secretariat)
    response = client.post(f"/secretariat/memoranda/{circulating.id}/issue", follow_redirects=True)
    assert "Not every party has signed yet" in response.get_data(as_text=True)
    session.expire_all()
    assert circulating.registry_number is None


def test_the_dashboard_tells_a_signatory_and_the_secretariat(
    client, session, secretariat, circulating, astana_signatory, sabah_signatory
):
    login(client, astana_signatory)
    assert "waits for Astana Hub" in client.get("/dashboard").get_data(as_text=True)
    sign_as(session, astana_signatory, circulating)
    sign_as(session, sabah_signatory, circulating)
    client.post("/logout")
    login(client, secretariat)
    page = client.get("/dashboard").get_data(as_text=True)
    assert re.search(r"All parties have signed .*: issue it", page)
