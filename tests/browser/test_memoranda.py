"""The whole path in a browser: drafting, circulation, two member parks and an outside
organisation signing, issuing, downloading the sealed PDF."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from association.extensions import db
from association.memoranda.models import Memorandum
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD
from tests.memoranda.conftest import TEXT_EN, TEXT_RU, outside_code, outside_token

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("MEMORANDA_SCREENSHOTS")  # a folder to keep the screenshots in, when set


def shot(page, tmp_path, name):
    folder = SHOTS or str(tmp_path)
    page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


@pytest.fixture
def parties(make_park, make_user):
    astana = make_park("Astana Hub", country="KZ")
    sabah = make_park("Sabah Lab", country="AZ")
    return (
        make_user(
            park=astana,
            signatory=True,
            email="ceo@astanahub.example",
            full_name="Yerlan Nurpeisov",
            title="Chief Executive Officer",
        ),
        make_user(
            park=sabah,
            signatory=True,
            email="director@sabah.example",
            full_name="Leyla Hasanova",
            title="Director",
        ),
    )


def test_draft_circulate_sign_by_three_parties_and_issue(
    live_server, page, session, secretariat, parties, tmp_path
):
    astana_signatory, sabah_signatory = parties
    sign_in(page, live_server, secretariat)
    page.goto(f"{live_server}/secretariat/memoranda/new")
    page.get_by_label("Title", exact=True).fill("Memorandum on joint events")
    page.get_by_label("Place of signature").fill("Astana")
    # Each language is a group of its own: its title (but English's) and its text.
    page.get_by_role("group", name="English").get_by_label("Text").fill(TEXT_EN)
    page.get_by_role("group", name="Русский").get_by_label("Text").fill(TEXT_RU)
    page.get_by_role("button", name="Create the draft").click()
    page.wait_for_url("**/parties")
    for park in ("Astana Hub", "Sabah Lab"):
        page.get_by_label("Member park").select_option(
            label=f"{park} ({'KZ' if park == 'Astana Hub' else 'AZ'})"
        )
        page.get_by_role("button", name="Add the park").click()
        page.wait_for_load_state()
    page.get_by_label("Organisation").fill("Digital Bridge Foundation")
    page.get_by_label("Country").select_option("KZ")
    page.get_by_label("Signatory's full name").fill("Daniyar Akhmetov")
    page.get_by_label("Signatory's title").fill("Chairman")
    page.get_by_label("Signatory's e-mail").fill("chair@digitalbridge.example")
    page.get_by_role("button", name="Add the organisation").click()
    page.wait_for_load_state()
    shot(page, tmp_path, "01-parties")
    page.get_by_role("link", name="Back to the memorandum").click()
    page.get_by_role("button", name="Circulate revision 1 for signature").click()
    page.wait_for_load_state()
    expect(page.get_by_text("is out for signature").first).to_be_visible()
    shot(page, tmp_path, "02-circulating")
    sign_out(page)

    for signatory in (astana_signatory, sabah_signatory):
        sign_in(page, live_server, signatory)
        page.get_by_role("link", name="Read and sign").click()
        expect(page.get_by_text("Стороны договорились сотрудничать")).to_be_visible()
        page.get_by_label("I have read the text above").check()
        page.get_by_label("Your password, to confirm").fill(PASSWORD)
        if signatory is astana_signatory:
            shot(page, tmp_path, "03-sign")
        page.get_by_role("button", name="Sign", exact=True).click()
        page.wait_for_load_state()
        expect(page.get_by_text("You signed for")).to_be_visible()
        sign_out(page)

    token = outside_token(db.session)
    page.goto(f"{live_server}/memoranda/sign/{token}")
    page.get_by_role("button", name="E-mail me a code").click()
    page.wait_for_load_state()
    expect(page.get_by_text("A confirmation code is on its way")).to_be_visible()
    page.locator("#sign-code").fill(outside_code(db.session))
    page.get_by_label("I have read the text above").check()
    shot(page, tmp_path, "04-outside")
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.get_by_text("Your signature is recorded")).to_be_visible()
    page.goto(f"{live_server}/memoranda/sign/{token}")
    expect(page.get_by_text("already been used")).to_be_visible()

    sign_in(page, live_server, secretariat)
    expect(
        page.get_by_text("All parties have signed Memorandum on joint events: issue it")
    ).to_be_visible()
    page.get_by_role("link", name="Issue").click()
    page.get_by_role("button", name="Issue: registry number and sealed PDF").click()
    page.wait_for_load_state()
    memorandum = db.session.scalar(select(Memorandum))
    db.session.refresh(memorandum)
    expect(page.get_by_text(f"Registry number {memorandum.registry_number}")).to_be_visible()
    shot(page, tmp_path, "05-issued")
    pdf = page.request.get(f"{live_server}/memoranda/{memorandum.id}.pdf")
    assert pdf.status == 200
    assert pdf.body()[:5] == b"%PDF-"
    assert pdf.headers["etag"].strip('"') == memorandum.document.sha256
