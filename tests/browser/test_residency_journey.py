"""The residency programme as its people take it: a founder registers the startup, the home
park confirms it, the founder applies, the home park endorses, the host accepts, the startup
accepts the place. (The certificate's download and verification join when the documents land.)"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from association.extensions import db
from association.parks.models import User
from association.residency.documents import CERTIFICATE, current_document
from association.residency.models import Residency
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, make_call, make_coordinator, make_park, residency_pdf

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("RESIDENCY_SCREENSHOTS")  # a folder to keep the screenshots in, when set


def _tab(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def test_register_confirm_apply_endorse_accept(
    live_server, browser, session, secretariat, tmp_path
):
    shots = Path(SHOTS or tmp_path)
    home = make_park(session, "Astana Hub", country="KZ")
    host = make_park(session, "IT Park Uzbekistan", country="UZ")
    other = make_park(session, "Sabah Lab", country="AZ")
    home_coordinator = make_coordinator(session, secretariat, home, full_name="Dana Home")
    host_coordinator = make_coordinator(session, secretariat, host, full_name="Dilnoza Host")
    make_coordinator(session, secretariat, other)
    call = make_call(
        session, secretariat, [host, other], places=1, title="Digital Nomad 2027, spring"
    )
    deck = tmp_path / "deck.pdf"
    deck.write_bytes(residency_pdf("deck"))
    registration = tmp_path / "registration.pdf"
    registration.write_bytes(residency_pdf("registration"))

    # A visitor reads the programme and registers the startup.
    founder_tab = _tab(browser)
    founder_tab.goto(f"{live_server}/residency")
    expect(founder_tab.get_by_role("heading", name="Digital Nomad 2027, spring")).to_be_visible()
    founder_tab.screenshot(path=str(shots / "programme.png"), full_page=True)
    founder_tab.get_by_role("link", name="Register a startup").first.click()
    founder_tab.get_by_label("Company name").fill("Nomad Labs")
    founder_tab.get_by_label("Home park", exact=True).select_option(label="Astana Hub")
    founder_tab.get_by_label("Resident registration number at the home park").fill("AH-2024-0113")
    founder_tab.get_by_label("Your full name").fill("Aruzhan Sadykova")
    founder_tab.get_by_label("Your e-mail").fill("aruzhan@nomadlabs.example")
    founder_tab.get_by_label("Password", exact=True).fill(PASSWORD)
    founder_tab.get_by_label("Repeat the password").fill("not the same one")
    founder_tab.get_by_role("button", name="Register the startup").click()
    expect(founder_tab.get_by_text("The two passwords are not the same.")).to_be_visible()
    founder_tab.screenshot(path=str(shots / "register-refused.png"), full_page=True)
    founder_tab.get_by_label("Password", exact=True).fill(PASSWORD)
    founder_tab.get_by_label("Repeat the password").fill(PASSWORD)
    founder_tab.get_by_role("button", name="Register the startup").click()
    expect(founder_tab.get_by_text("Astana Hub must now confirm")).to_be_visible()
    founder_tab.screenshot(path=str(shots / "registered.png"), full_page=True)

    # The home park's coordinator confirms it.
    home_tab = _tab(browser)
    sign_in(home_tab, live_server, home_coordinator)
    home_tab.goto(f"{live_server}/residency/park")
    expect(home_tab.get_by_text("Nomad Labs")).to_be_visible()
    home_tab.screenshot(path=str(shots / "park-confirm.png"), full_page=True)
    home_tab.get_by_role("button", name="Confirm as our resident").click()
    expect(home_tab.get_by_text("Nomad Labs is confirmed")).to_be_visible()

    # The founder signs in (landing on the startup's page) and applies.
    founder = db.session.scalar(select(User).where(User.email == "aruzhan@nomadlabs.example"))
    sign_in(founder_tab, live_server, founder)
    assert founder_tab.url.endswith("/residency/startup")
    founder_tab.get_by_role("button", name="Start an application").click()
    founder_tab.get_by_label("Preference 1").select_option(label="IT Park Uzbekistan")
    founder_tab.get_by_label("What you want from this host").first.fill("A desk and mentors.")
    founder_tab.get_by_label("Start of the residency").fill(call.earliest_start.isoformat())
    founder_tab.get_by_label("End of the residency").fill(
        call.earliest_start.replace(year=call.earliest_start.year + 1).isoformat()
    )
    founder_tab.get_by_label("Stage", exact=True).select_option("prototype")
    founder_tab.get_by_label("Sector", exact=True).fill("Fintech")
    founder_tab.get_by_label("The product", exact=True).fill(
        "Payments for freelancers across borders."
    )
    founder_tab.get_by_label("Full name, as in the passport").first.fill("Aruzhan Sadykova")
    founder_tab.get_by_label("Nationality").first.select_option("KZ")
    founder_tab.get_by_label("Pitch deck (PDF)").set_input_files(str(deck))
    founder_tab.get_by_label("Company registration (PDF)").set_input_files(str(registration))
    founder_tab.get_by_role("button", name="Save the draft").click()
    # A year is longer than the call allows: said beside the field, nothing saved.
    expect(founder_tab.get_by_text("Nothing was saved.")).to_be_visible()
    founder_tab.screenshot(path=str(shots / "application-refused.png"), full_page=True)
    founder_tab.get_by_label("End of the residency").fill(_plus_days(call.earliest_start, 80))
    founder_tab.get_by_label("Pitch deck (PDF)").set_input_files(str(deck))
    founder_tab.get_by_label("Company registration (PDF)").set_input_files(str(registration))
    founder_tab.get_by_role("button", name="Save the draft").click()
    expect(founder_tab.get_by_text("The draft is saved.")).to_be_visible()
    founder_tab.screenshot(path=str(shots / "application-draft.png"), full_page=True)
    founder_tab.get_by_role("button", name="Submit to the home park").click()
    expect(founder_tab.get_by_text("The application is submitted")).to_be_visible()

    # The home park endorses it.
    home_tab.goto(f"{live_server}/residency/park")
    home_tab.get_by_role("button", name="Endorse").click()
    expect(home_tab.get_by_text("is endorsed")).to_be_visible()

    # The host reads it with the founders' data and accepts.
    host_tab = _tab(browser)
    sign_in(host_tab, live_server, host_coordinator)
    host_tab.goto(f"{live_server}/residency/park")
    expect(host_tab.get_by_text("Aruzhan Sadykova (Kazakhstan)")).to_be_visible()
    host_tab.screenshot(path=str(shots / "park-incoming.png"), full_page=True)
    host_tab.get_by_label("Decision", exact=True).select_option("accept")
    host_tab.get_by_role("button", name="Decide").click()
    expect(host_tab.get_by_text("is offered a place")).to_be_visible()

    # The startup accepts the place: its residency is on its page.
    founder_tab.goto(f"{live_server}/residency/startup")
    founder_tab.get_by_role("link", name="Open").click()
    founder_tab.screenshot(path=str(shots / "application-offered.png"), full_page=True)
    founder_tab.get_by_role("button", name="Accept the place").click()
    expect(founder_tab.get_by_text("You accepted the place at IT Park Uzbekistan")).to_be_visible()
    db.session.expire_all()
    residency = db.session.scalar(select(Residency))
    expect(founder_tab.get_by_text(residency.number)).to_be_visible()
    founder_tab.screenshot(path=str(shots / "startup.png"), full_page=True)
    host_tab.goto(f"{live_server}/residency/park")
    expect(host_tab.get_by_text(residency.number)).to_be_visible()
    host_tab.screenshot(path=str(shots / "park-residency.png"), full_page=True)

    # The founder downloads the sealed certificate, and anyone can check it at /verify.
    founder_tab.goto(f"{live_server}/residency/startup")
    with founder_tab.expect_download() as download_info:
        founder_tab.get_by_role("link", name="Download the certificate (PDF)").click()
    certificate = Path(download_info.value.path())
    assert certificate.read_bytes() == current_document(db.session, residency, CERTIFICATE).content
    visitor = _tab(browser)
    visitor.goto(f"{live_server}/verify")
    visitor.get_by_label("PDF document").set_input_files(str(certificate))
    visitor.get_by_role("button", name="Check the document").click()
    expect(visitor.get_by_text("Issued by the association and unchanged")).to_be_visible()
    expect(visitor.get_by_text(residency.number)).to_be_visible()
    visitor.screenshot(path=str(shots / "verified.png"), full_page=True)
    visitor.get_by_role("link", name="See what it stands for today").click()
    expect(visitor.get_by_text("This document is in force.")).to_be_visible()


def _plus_days(day, days: int) -> str:
    from datetime import timedelta

    return (day + timedelta(days=days)).isoformat()
