"""The whole admission path as people would take it: apply, review, approve, accept the
invitation, sign in, download the certificate."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from association.extensions import db
from association.mail.models import OutboxMessage
from association.membership import documents
from association.membership.models import ApplicationDocument
from association.parks.models import Park
from tests.factories import PASSWORD, current_code
from tests.membership.conftest import pdf_bytes

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Tashkent silk road 2026 certificate"


def _mail_to(address: str, subject_part: str) -> OutboxMessage:
    db.session.expire_all()
    return db.session.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.recipient == address, OutboxMessage.subject.contains(subject_part))
        .order_by(OutboxMessage.id.desc())
    )


def test_apply_review_approve_accept_sign_in_and_download(
    live_server, browser, secretariat, tmp_path
):
    statute = tmp_path / "statute.pdf"
    statute.write_bytes(pdf_bytes())
    applicant = browser.new_context(viewport={"width": 1280, "height": 900})
    page = applicant.new_page()
    page.set_default_timeout(15_000)

    # The applicant fills in the public form.
    page.goto(f"{live_server}/apply")
    page.get_by_label("Park's name in Latin script").fill("Technopark of Tajikistan")
    page.get_by_label("Park's name in its native script").fill("Технопарки Тоҷикистон")
    page.get_by_label("Legal entity").fill("Technopark of Tajikistan LLC")
    page.get_by_label("Country").select_option("TJ")
    page.get_by_label("Website").fill("technopark.tj")
    page.get_by_label("Year founded").fill("2019")
    page.get_by_label("Number of resident companies").fill("35")
    page.get_by_label("Contact person: full name").fill("Farrukh Rahimov")
    page.get_by_label("Contact person: title").fill("Project Manager")
    page.get_by_label("Contact person: e-mail").fill("farrukh@technopark.tj")
    page.get_by_label("Motivation").fill("We wish to work with the parks of the Turkic states.")
    page.get_by_label("Supporting documents (PDF)").set_input_files(str(statute))
    # Refused (no city, a website without its scheme): the statute is kept, not lost.
    page.get_by_role("button", name="Submit the application").click()
    expect(page.get_by_text("you need not attach them again")).to_be_visible()
    assert page.get_by_label("statute.pdf").is_checked()
    page.screenshot(path=str(tmp_path / "apply-refused.png"), full_page=True)
    page.get_by_label("City").fill("Dushanbe")
    page.get_by_label("Website").fill("https://technopark.tj")
    page.get_by_role("button", name="Submit the application").click()
    page.wait_for_url(re.compile(r".*/apply/[A-Za-z0-9_-]{32}$"))
    tracking_url = page.url
    expect(page.get_by_text("Your application is saved.")).to_be_visible()
    expect(page.get_by_text("Технопарки Тоҷикистон")).to_be_visible()

    # The one e-mail so far holds only the confirmation link; its button confirms.
    confirmation = _mail_to("farrukh@technopark.tj", "Please confirm")
    assert "Tajikistan" not in confirmation.body
    page.goto(live_server + re.search(r"/apply/\S+/confirm/\S+", confirmation.body).group(0))
    page.get_by_role("button", name="Confirm my e-mail address").click()
    page.wait_for_url(tracking_url)
    expect(page.get_by_text("your e-mail address is confirmed")).to_be_visible()
    assert page.get_by_label("This page’s address").input_value() == tracking_url
    page.screenshot(path=str(tmp_path / "tracking.png"), full_page=True)
    assert tracking_url.endswith(
        re.search(r"/apply/\S+", _mail_to("farrukh@technopark.tj", "Your application").body).group(
            0
        )
    )
    assert db.session.scalar(select(ApplicationDocument.filename)) == "statute.pdf"

    # The secretariat signs in (with its second factor), reviews and approves.
    staff = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    staff.set_default_timeout(15_000)
    staff.goto(f"{live_server}/login")
    staff.get_by_label("E-mail").fill(secretariat.email)
    staff.get_by_label("Password").fill(PASSWORD)
    staff.get_by_role("button", name="Sign in").click()
    staff.get_by_label("Authentication code").fill(current_code(db.session, secretariat))
    staff.get_by_role("button", name="Continue").click()
    staff.goto(f"{live_server}/dashboard")
    staff.get_by_role("link", name="Review").first.click()
    staff.get_by_role("button", name="Start the review").click()
    expect(staff.get_by_text("The application is under review.")).to_be_visible()
    expect(staff.get_by_role("link", name="statute.pdf")).to_be_visible()
    staff.screenshot(path=str(tmp_path / "review.png"), full_page=True)
    staff.get_by_label("Member: takes part and votes").check()
    staff.get_by_role("button", name="Approve and admit").click()
    expect(staff.get_by_text("is admitted as member with number AMT-TJ-0001")).to_be_visible()

    # The applicant's page says so.
    page.goto(tracking_url)
    expect(
        page.get_by_text("Welcome: Technopark of Tajikistan is admitted as member.")
    ).to_be_visible()

    # The contact person follows the invitation link from the outbox and sets a password.
    invitation = _mail_to("farrukh@technopark.tj", "Your account")
    link = re.search(r"http://\S+/invitation/\S+", invitation.body).group(0)
    path = link.split("/invitation/", 1)[1]
    contact = browser.new_context(
        viewport={"width": 1280, "height": 900}, accept_downloads=True
    ).new_page()
    contact.set_default_timeout(15_000)
    contact.goto(f"{live_server}/invitation/{path}")
    contact.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    contact.get_by_label("Repeat the new password").fill(NEW_PASSWORD)
    contact.get_by_role("button", name="Set password").click()

    # ... signs in, finds the park's page and downloads its certificate.
    if "/login" in contact.url:
        contact.get_by_label("E-mail").fill("farrukh@technopark.tj")
        contact.get_by_label("Password").fill(NEW_PASSWORD)
        contact.get_by_role("button", name="Sign in").click()
    park = db.session.scalar(select(Park).where(Park.membership_number == "AMT-TJ-0001"))
    contact.goto(f"{live_server}/members/{park.slug}")
    contact.screenshot(path=str(tmp_path / "profile.png"), full_page=True)
    with contact.expect_download() as download_info:
        contact.get_by_role("link", name="Download the certificate (PDF)").click()
    downloaded = Path(download_info.value.path()).read_bytes()
    stored = documents.current_certificate(db.session, park)
    assert downloaded == stored.content
    assert downloaded.startswith(b"%PDF-")
    applicant.close()
