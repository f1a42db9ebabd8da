"""The association in its members' languages, in a browser: switching as a visitor and as a
delegate, voting in Kyrgyz, signing in Uzbek, the choice surviving sign-out and sign-in, and
pages that hold their layout in Kazakh and Azerbaijani on a phone and on a desktop."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from association.catalogs import read_catalog
from association.database import utcnow
from association.extensions import db
from association.memoranda import circulation, drafting
from association.memoranda.models import Party, Signature
from association.parks.models import User
from association.voting.initiatives import create_initiative
from association.voting.models import Ballot
from association.voting.votes import open_vote
from tests.factories import PASSWORD, current_code

pytestmark = pytest.mark.browser
CONSENT = (
    "I have read the text above and sign it for my organisation with this electronic "
    "signature, which has the same effect as my handwritten signature."
)
SHOTS = os.environ.get("LANGUAGE_SCREENSHOTS")  # a folder to keep the screenshots in, when set

FITS = """() => {
  const page = document.documentElement, main = document.getElementById('main');
  return page.scrollWidth <= page.clientWidth && main.scrollWidth <= main.clientWidth;
}"""


def t(language: str, message: str, context: str | None = None) -> str:
    """The message as the language's catalog writes it."""
    entry = read_catalog(language).get(message, context=context)
    assert entry is not None, f"{language}: {message!r} is not in the catalog"
    assert entry.string, f"{language}: {message!r} is not translated"
    return entry.string


def html_lang(page) -> str:
    return page.locator("html").get_attribute("lang")


def sign_in_in_any_language(page, live_server: str, user: User) -> None:
    """Sign in by the form's fields, whatever language their labels are in."""
    page.goto(f"{live_server}/login")
    page.locator("input[name=email]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()
    if "/login/second-factor" in page.url:
        page.locator("input[name=code]").fill(current_code(db.session, user))
        page.locator("main form [type=submit]").first.click()
        page.wait_for_load_state()


def choose_in_footer(page, name: str) -> None:
    page.locator("footer").get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()


def test_a_visitor_switches_language_in_the_header_and_in_the_footer(live_server, page):
    page.goto(f"{live_server}/members")
    assert html_lang(page) == "en"
    page.locator("nav").get_by_role("button", name="Language: English").click()
    page.locator("nav").get_by_role("button", name="Қазақша").click()
    page.wait_for_load_state()
    # Back on the same page, now in Kazakh, and the choice is kept for the next page.
    assert page.url == f"{live_server}/members"
    assert html_lang(page) == "kk"
    expect(page.locator("nav").get_by_role("link", name=t("kk", "Members"))).to_be_visible()
    choose_in_footer(page, "Türkçe")
    page.goto(f"{live_server}/initiatives")
    assert html_lang(page) == "tr"
    expect(page.get_by_role("heading", name=t("tr", "Initiatives")).first).to_be_visible()


def test_a_delegate_votes_in_kyrgyz_and_the_choice_survives_signing_out_and_in(
    live_server, page, session, secretariat, delegate
):
    initiative = create_initiative(
        session,
        secretariat,
        title="Joint accelerator programme 2027",
        summary="Three cohorts in 2027.",
        body_markdown="Spring and autumn.",
    )
    open_vote(session, secretariat, initiative, closes_at=utcnow() + timedelta(days=3))
    initiative_id = initiative.id
    session.commit()

    sign_in_in_any_language(page, live_server, delegate)
    assert html_lang(page) == "en"
    choose_in_footer(page, "Кыргызча")
    assert html_lang(page) == "ky"
    page.goto(f"{live_server}/initiatives/{initiative_id}")
    page.get_by_label(t("ky", "For"), exact=True).check()
    page.get_by_role("button", name=t("ky", "Vote"), exact=True).click()
    page.wait_for_load_state()
    receipt = session.scalar(select(Ballot.receipt_code))
    assert receipt is not None
    assert page.locator(".my-ballot .receipt").inner_text() == receipt
    assert page.locator(".my-ballot strong").inner_text() == t("ky", "For")

    # Signed out, the sign-in page stays Kyrgyz; signed in again, so does the account.
    page.locator("nav").get_by_role("button", name=t("ky", "Sign out")).click()
    page.wait_for_load_state()
    assert html_lang(page) == "ky"
    page.context.clear_cookies()
    sign_in_in_any_language(page, live_server, delegate)
    assert html_lang(page) == "ky"
    session.expire_all()
    assert session.get(User, delegate.id).chosen_language == "ky"


def test_a_signatory_of_an_uzbek_park_signs_a_memorandum_in_uzbek(
    live_server, page, session, secretariat, make_park, make_user, tmp_path
):
    park = make_park("IT Park Uzbekistan", country="UZ", city="Tashkent", language="uz")
    signatory = make_user(
        park=park,
        signatory=True,
        email="ceo@itpark.example",
        full_name="Farrukh Tursunov",
        title="Director",
    )
    memorandum = drafting.create_memorandum(
        session,
        secretariat,
        title="Memorandum of cooperation",
        place="Tashkent",
        texts={
            "en": "The parties agree to cooperate.",
            "uz": "Tomonlar hamkorlik qilishga kelishadilar.",
        },
    )
    drafting.add_member_party(session, secretariat, memorandum, park)
    sabah = make_park("Sabah Lab", country="AZ")
    make_user(park=sabah, signatory=True, email="director@sabah.example")
    drafting.add_member_party(session, secretariat, memorandum, sabah)
    circulation.circulate(session, secretariat, memorandum)
    session.commit()

    # Nobody chose a language: the park's default, Uzbek, is the page's.
    sign_in_in_any_language(page, live_server, signatory)
    assert html_lang(page) == "uz"
    page.get_by_role("link", name=t("uz", "Read and sign")).first.click()
    page.get_by_label(t("uz", CONSENT)).check()
    page.get_by_label(t("uz", "Your password, to confirm")).fill(PASSWORD)
    page.get_by_role("button", name=t("uz", "Sign"), exact=True).click()
    page.wait_for_load_state()
    page.screenshot(path=f"{SHOTS or tmp_path}/signed-uz.png", full_page=True)
    assert html_lang(page) == "uz"
    session.expire_all()
    party = session.scalars(select(Party).where(Party.park_id == park.id)).one()
    signed = session.scalars(select(Signature).where(Signature.party_id == party.id)).one()
    assert signed.user_id == signatory.id


@pytest.mark.parametrize("language", ["kk", "az"])
def test_the_main_pages_hold_their_layout_in_kazakh_and_azerbaijani(
    live_server, browser, session, secretariat, delegate, language, tmp_path
):
    initiative = create_initiative(
        session,
        secretariat,
        title="Joint accelerator programme 2027",
        summary="Three cohorts in 2027, with mentors from every member park.",
        body_markdown="Spring and autumn.",
    )
    open_vote(session, secretariat, initiative, closes_at=utcnow() + timedelta(days=3))
    initiative_id = initiative.id
    session.commit()
    folder = SHOTS or str(tmp_path)
    for width in (390, 1280):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(f"{live_server}/apply?lang={language}")
        assert html_lang(page) == language
        assert page.evaluate(FITS), f"/apply overflows at {width} px in {language}"
        page.screenshot(path=f"{folder}/apply-{language}-{width}.png", full_page=True)
        sign_in_in_any_language(page, live_server, delegate)
        for name, path in (
            ("dashboard", "/dashboard"),
            ("initiative", f"/initiatives/{initiative_id}"),
        ):
            page.goto(f"{live_server}{path}?lang={language}")
            assert html_lang(page) == language
            assert page.evaluate(FITS), f"{path} overflows at {width} px in {language}"
            page.screenshot(path=f"{folder}/{name}-{language}-{width}.png", full_page=True)
        context.close()
