"""Factories for membership tests: applications in any state, and small real PDFs."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfWriter

from association.membership import admission, applications
from association.membership.models import ApplicationStatus


def pdf_bytes(pages: int = 1, title: str = "") -> bytes:
    """A small readable PDF; a different `title` gives a different file (another SHA-256)."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if title:
        writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def application_input(**overrides) -> applications.ApplicationInput:
    fields = dict(
        name_latin="Technopark of Tajikistan",
        name_native="Технопарки Тоҷикистон",
        legal_entity="Technopark of Tajikistan LLC",
        country="TJ",
        city="Dushanbe",
        website="https://technopark.tj",
        year_founded=2019,
        resident_companies=42,
        contact_name="Farrukh Rahimov",
        contact_title="Project Manager",
        contact_email="farrukh@technopark.tj",
        contact_phone="+992 37 000 00 00",
        motivation="We wish to cooperate with the parks of the Turkic states.",
    )
    fields.update(overrides)
    return applications.ApplicationInput(**fields)


# The form's fields, as a browser posts them.
FORM = {
    "name_latin": "Technopark of Tajikistan",
    "name_native": "Технопарки Тоҷикистон",
    "legal_entity": "Technopark of Tajikistan LLC",
    "country": "TJ",
    "city": "Dushanbe",
    "website": "https://technopark.tj",
    "year_founded": "2019",
    "resident_companies": "42",
    "contact_name": "Farrukh Rahimov",
    "contact_title": "Project Manager",
    "contact_email": "farrukh@technopark.tj",
    "contact_phone": "+992 37 000 00 00",
    "category_requested": "member",
    "motivation": "We wish to cooperate with the parks of the Turkic states.",
}


def submit_confirmed(session, data=None, uploads=()) -> applications.Submitted:
    """An application submitted and its contact e-mail confirmed, as the secretariat sees them."""
    submitted = applications.submit_application(
        session, data if data is not None else application_input(), list(uploads)
    )
    applications.confirm_application(
        session,
        submitted.application,
        submitted.confirmation_code,
        tracking_code=submitted.tracking_code,
    )
    return submitted


def _bring_to(session, secretariat, application, status: ApplicationStatus) -> None:
    if status in (ApplicationStatus.SUBMITTED, ApplicationStatus.UNCONFIRMED):
        return
    if status == ApplicationStatus.WITHDRAWN:
        applications.withdraw_application(session, application)
        return
    if status == ApplicationStatus.REJECTED:
        admission.reject_application(session, secretariat, application, "Not a technology park.")
        return
    applications.start_review(session, secretariat, application)
    if status == ApplicationStatus.UNDER_REVIEW:
        return
    applications.request_information(session, secretariat, application, "Please send the statute.")
    if status == ApplicationStatus.INFORMATION_REQUESTED:
        return
    applications.answer_request(session, application, "Here it is.", [])
    if status == ApplicationStatus.RESUBMITTED:
        return
    admission.approve_application(session, secretariat, application, "member")


@pytest.fixture
def make_tracked_application(session, secretariat):
    """An application brought to `status` through the domain functions themselves, with the
    tracking code its applicant was given (applications.Submitted)."""

    def make(
        status: ApplicationStatus = ApplicationStatus.SUBMITTED, uploads=(), **overrides
    ) -> applications.Submitted:
        if status == ApplicationStatus.UNCONFIRMED:
            submitted = applications.submit_application(
                session, application_input(**overrides), list(uploads)
            )
        else:
            submitted = submit_confirmed(session, application_input(**overrides), uploads)
        _bring_to(session, secretariat, submitted.application, status)
        return submitted

    return make


@pytest.fixture
def make_application(session, secretariat):
    """An application brought to `status` through the domain functions themselves."""

    def make(status: ApplicationStatus = ApplicationStatus.SUBMITTED, uploads=(), **overrides):
        if status == ApplicationStatus.UNCONFIRMED:
            application = applications.submit_application(
                session, application_input(**overrides), list(uploads)
            ).application
        else:
            application = submit_confirmed(
                session, application_input(**overrides), uploads
            ).application
        _bring_to(session, secretariat, application, status)
        return application

    return make
