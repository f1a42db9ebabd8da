"""Applications for membership, for the secretariat: the list with its filters and one
application as the review page shows it, through the membership area's own queries and
policy. The supporting documents are listed (name, size, SHA-256), not sent."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from flask_babel import gettext as _
from flask_login import current_user
from pydantic import BaseModel, Field
from spectree import Response

from association.api.blueprint import BEARER, bp, json_answer, operation, spec
from association.api.common import ParkRef, park_ref, problem_responses
from association.api.pagination import PageQuery, keyset_page, link_header
from association.domain import NotAllowed, NotFound
from association.extensions import db
from association.membership import queries
from association.membership.models import Application
from association.membership.policy import can_review_applications
from association.parks.service import country_name
from association.site import site_url

TAGS = ["Applications"]

# The statuses the secretariat's filter offers: an unconfirmed application does not exist for it.
ApplicationFilter = Literal[
    "open",
    "all",
    "submitted",
    "under_review",
    "information_requested",
    "resubmitted",
    "approved",
    "rejected",
    "withdrawn",
]


class ApplicationListQuery(PageQuery):
    status: ApplicationFilter = Field(
        "open", description="open (waiting for a decision, the default), all, or one status"
    )
    country: str | None = Field(None, pattern="^[A-Z]{2}$", description="ISO 3166-1 alpha-2")


class ApplicationSummary(BaseModel):
    id: int
    name: str = Field(description="The park's name in Latin letters")
    name_native: str
    country: str = Field(description="ISO 3166-1 alpha-2")
    category_requested: str = Field(description="member or observer")
    status: str
    submitted_at: datetime
    updated_at: datetime
    url: str = Field(description="Its review page")


class ApplicationList(BaseModel):
    applications: list[ApplicationSummary]


class ContactPerson(BaseModel):
    name: str
    title: str | None
    email: str
    phone: str | None


class SupportingDocument(BaseModel):
    filename: str
    size: int = Field(description="In bytes")
    sha256: str
    uploaded_at: datetime


class ApplicationStep(BaseModel):
    from_status: str | None
    to_status: str
    note: str | None
    occurred_at: datetime


class ApplicationExchange(BaseModel):
    kind: str = Field(description="request (the secretariat asked) or answer (the applicant)")
    body: str
    created_at: datetime
    documents: list[str] = Field(description="The names of the documents sent with it")


class AdmissionVote(BaseModel):
    initiative_id: int
    closes_at: datetime | None
    url: str


class ApplicationDetail(ApplicationSummary):
    legal_entity: str
    country_name: str = Field(description="In the reader's language (Accept-Language)")
    city: str
    website: str | None
    year_founded: int
    resident_companies: int
    contact: ContactPerson
    motivation: str
    park: ParkRef | None = Field(description="The park it admitted, once approved")
    decision_note: str | None
    documents: list[SupportingDocument]
    history: list[ApplicationStep]
    messages: list[ApplicationExchange] = Field(description="Requests and answers, oldest first")
    vote: AdmissionVote | None = Field(description="The admission vote under way, if any")
    duplicate: str | None = Field(
        description="Why approving would admit a park again, said before anyone tries"
    )


def _refuse_unless_secretariat() -> None:
    if not can_review_applications(current_user):
        raise NotAllowed(_("Only the secretariat reviews applications."))


def _summary(application: Application) -> dict:
    return dict(
        id=application.id,
        name=application.name_latin,
        name_native=application.name_native,
        country=application.country,
        category_requested=application.category_requested,
        status=application.status,
        submitted_at=application.submitted_at,
        updated_at=application.updated_at,
        url=site_url(f"/secretariat/applications/{application.id}"),
    )


@bp.get("/applications")
@operation(signed_in=True)
@spec.validate(
    query=ApplicationListQuery,
    resp=Response(HTTP_200=ApplicationList, **problem_responses()),
    tags=TAGS,
    security=[BEARER],
)
def application_list(query: ApplicationListQuery):
    """Applications, newest first (by id), as the secretariat's list filters them; never one
    whose contact e-mail is not confirmed yet."""
    _refuse_unless_secretariat()
    statement = queries.applications_statement(status=query.status, country=query.country or "")
    page = keyset_page(db.session(), statement, Application.id, query)
    body = ApplicationList(
        applications=[ApplicationSummary(**_summary(a)) for a in page.rows],
    )
    return json_answer(body.model_dump(mode="json"), headers=link_header(page))


@bp.get("/applications/<int:application_id>")
@operation(signed_in=True)
@spec.validate(
    resp=Response(HTTP_200=ApplicationDetail, **problem_responses(404)),
    tags=TAGS,
    security=[BEARER],
)
def application_detail(application_id: int):
    """One application as the secretariat's review page shows it."""
    session = db.session()
    application = queries.reviewable_application(session, application_id)
    if application is None:
        raise NotFound(_("No such application"))
    _refuse_unless_secretariat()
    page = queries.application_page(session, application)
    vote = page.vote
    body = ApplicationDetail(
        **_summary(application),
        legal_entity=application.legal_entity,
        country_name=country_name(application.country),
        city=application.city,
        website=application.website or None,
        year_founded=application.year_founded,
        resident_companies=application.resident_companies,
        contact=ContactPerson(
            name=application.contact_name,
            title=application.contact_title or None,
            email=application.contact_email,
            phone=application.contact_phone or None,
        ),
        motivation=application.motivation,
        park=park_ref(application.park),
        decision_note=application.decision_reason or None,
        documents=[
            SupportingDocument(
                filename=d.filename, size=d.size, sha256=d.sha256, uploaded_at=d.uploaded_at
            )
            for d in application.documents
        ],
        history=[
            ApplicationStep(
                from_status=e.from_status,
                to_status=e.to_status,
                note=e.note or None,
                occurred_at=e.occurred_at,
            )
            for e in application.history
        ],
        messages=[
            ApplicationExchange(
                kind=m.kind,
                body=m.body,
                created_at=m.created_at,
                documents=[d.filename for d in m.documents],
            )
            for m in application.messages
        ],
        vote=(
            AdmissionVote(
                initiative_id=vote.id,
                closes_at=vote.closes_at,
                url=site_url(f"/initiatives/{vote.id}"),
            )
            if vote is not None
            else None
        ),
        duplicate=page.duplicate,
    )
    return json_answer(body.model_dump(mode="json"))
