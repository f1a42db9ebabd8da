"""Factories for membership tests: applications in any state, and small real PDFs."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfWriter

from association.membership import service
from association.membership.models import ApplicationStatus


def pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def application_input(**overrides) -> service.ApplicationInput:
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
    return service.ApplicationInput(**fields)


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


@pytest.fixture
def make_application(session, secretariat):
    """An application brought to `status` through the domain functions themselves."""

    def make(status: ApplicationStatus = ApplicationStatus.SUBMITTED, uploads=(), **overrides):
        application = service.submit_application(
            session, application_input(**overrides), list(uploads)
        )
        if status == ApplicationStatus.SUBMITTED:
            return application
        if status == ApplicationStatus.WITHDRAWN:
            return service.withdraw_application(session, application)
        if status == ApplicationStatus.REJECTED:
            return service.reject_application(
                session, secretariat, application, "Not a technology park."
            )
        service.start_review(session, secretariat, application)
        if status == ApplicationStatus.UNDER_REVIEW:
            return application
        service.request_information(session, secretariat, application, "Please send the statute.")
        if status == ApplicationStatus.INFORMATION_REQUESTED:
            return application
        service.answer_request(session, application, "Here it is.", [])
        if status == ApplicationStatus.RESUBMITTED:
            return application
        service.approve_application(session, secretariat, application, "member")
        return application

    return make
