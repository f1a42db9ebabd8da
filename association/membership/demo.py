"""Demo membership: the candidates' applications in different states, and the founders' certificates.

Built through the same domain functions as the pages, and idempotent: a second run adds nothing.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from association.auth.service import find_user_by_email
from association.demo_parks import CANDIDATES, FOUNDERS, SECRETARIAT_EMAIL, DemoPark, demo_email
from association.membership.admission import approve_application
from association.membership.applications import (
    ApplicationInput,
    confirm_application,
    request_information,
    start_review,
    submit_application,
)
from association.membership.documents import issue_certificate
from association.membership.models import Application, Category
from association.parks.models import Park

MOTIVATION = {
    "tmpark": "The Technopark of Turkmenistan took part in the exhibition of September 2022 in Astana. We wish to "
    "join the association to open our resident companies to the markets of the Turkic states and to "
    "take part in its joint acceleration programmes.",
    "tjpark": "Our park hosts software and engineering companies in Dushanbe. Membership would let them work with "
    "the parks of the region on common projects, exchanges of specialists and shared events.",
    "pstp": "Palestine Technology Park wishes to follow the association's work as an observer, to share "
    "experience with its members and to build partnerships for our resident companies.",
}
FACTS = {  # legal entity, year founded, resident companies
    "tmpark": ("State Technopark of Turkmenistan", 2021, 18),
    "tjpark": ("Technopark of Tajikistan LLC", 2019, 35),
    "pstp": ("Palestine Technology Park Company", 2018, 27),
}


def _apply(session: Session, demo: DemoPark, category: Category) -> Application:
    existing = session.scalar(select(Application).where(Application.name_latin == demo.name_latin))
    if existing is not None:
        return existing
    legal_entity, founded, residents = FACTS[demo.login]
    name, title = demo.delegate
    submitted = submit_application(
        session,
        ApplicationInput(
            name_latin=demo.name_latin,
            name_native=demo.name_native,
            legal_entity=legal_entity,
            country=demo.country,
            city=demo.city,
            website=demo.website,
            year_founded=founded,
            resident_companies=residents,
            contact_name=name,
            contact_title=title,
            contact_email=demo_email("delegate", demo),
            contact_phone="",
            motivation=MOTIVATION[demo.login],
            category_requested=category,
        ),
        [],
    )
    # The candidates confirmed their addresses, as every application the secretariat sees has.
    return confirm_application(
        session,
        submitted.application,
        submitted.confirmation_code,
        tracking_code=submitted.tracking_code,
    )


def seed_membership(session: Session) -> None:
    secretariat = find_user_by_email(session, SECRETARIAT_EMAIL)
    for demo in FOUNDERS:
        park = session.scalars(select(Park).where(Park.name_latin == demo.name_latin)).one()
        issue_certificate(session, None, park)

    turkmenistan, tajikistan, palestine = CANDIDATES
    # Submitted, waiting for the secretariat.
    _apply(session, turkmenistan, Category.MEMBER)
    # Under review, with a request for information the applicant has not answered yet.
    application = _apply(session, tajikistan, Category.MEMBER)
    if application.status == "submitted":
        start_review(session, secretariat, application)
        request_information(
            session,
            secretariat,
            application,
            "Please send the park's statute and its latest annual report (PDF).",
        )
    # Approved as an observer: the park's existing record is linked, its contact already has an account.
    application = _apply(session, palestine, Category.OBSERVER)
    if application.status == "submitted":
        observer = session.scalar(select(Park).where(Park.name_latin == palestine.name_latin))
        start_review(session, secretariat, application)
        approve_application(
            session,
            secretariat,
            application,
            Category.OBSERVER,
            park=observer,
            reason="Welcome to the association as an observer.",
        )
