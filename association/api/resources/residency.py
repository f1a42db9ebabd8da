"""The Digital Nomad residency programme: its calls with each host park's offer (public), the
applications a reader may read with their host choices, and residencies, through the
residency area's own queries and policy. What a reader may not read is answered 404, so that
no id tells that an application exists; the founders' personal data appear only where the
application's page shows them, and never once retention has removed them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from flask_babel import gettext as _
from flask_login import current_user
from pydantic import BaseModel, Field
from spectree import Response

from association.api.blueprint import BEARER, bp, json_answer, operation, spec
from association.api.common import ParkRef, park_ref, problem_responses
from association.api.pagination import PageQuery, keyset_page, link_header
from association.domain import NotFound
from association.extensions import db
from association.parks.models import User
from association.residency import policy, presenters, queries
from association.residency.models import (
    ApplicationStatus,
    CallStatus,
    HostChoice,
    Residency,
    ResidencyApplication,
    ResidencyCall,
)
from association.site import site_url

TAGS = ["Residency programme"]


def _reader() -> User | None:
    return current_user if current_user.is_authenticated else None


# --- calls and their host offers ----------------------------------------------------------


class ResidencyCallListQuery(PageQuery):
    status: Literal["draft", "open", "closed"] | None = Field(
        None, description="Only calls in this state (drafts: for the secretariat)"
    )


class ResidencyCallSummary(BaseModel):
    id: int
    title: str
    status: str = Field(description="open or closed (draft for the secretariat)")
    applications_open: date = Field(description="Applications are taken from this day…")
    applications_close: date = Field(description="…to this day, both included")
    earliest_start: date = Field(description="A residency starts on or after this day…")
    latest_start: date = Field(description="…and on or before this day")
    min_months: int
    max_months: int


class ResidencyCallList(BaseModel):
    calls: list[ResidencyCallSummary]


class HostOfferTerms(BaseModel):
    """What one host park offers in the call, as the programme page shows it."""

    id: int
    park: ParkRef
    country: str = Field(description="The host park's country, ISO 3166-1 alpha-2")
    places: int
    places_left: int = Field(description="Places not held by an offer made or taken")
    workspace: bool
    visa_support_letter: bool
    mentoring: bool
    accommodation_help: bool
    tax_regime: str | None = Field(description="The host's residency tax regime in a sentence")
    sectors: list[str] = Field(description="The sectors it wants; empty for any")
    description: str
    conditions: str | None = Field(description="The host's own conditions")
    language: str = Field(
        description="The language of description and conditions: the reader's where the "
        "host gave it (Accept-Language or lang), else en"
    )


class ResidencyCallDetail(ResidencyCallSummary):
    rules_markdown: str = Field(description="The programme's rules for this call")
    offers: list[HostOfferTerms]


def _call_summary(call: ResidencyCall) -> dict:
    return dict(
        id=call.id,
        title=call.title,
        status=call.status,
        applications_open=call.applications_open,
        applications_close=call.applications_close,
        earliest_start=call.earliest_start,
        latest_start=call.latest_start,
        min_months=call.min_months,
        max_months=call.max_months,
    )


@bp.get("/residency/calls")
@operation()
@spec.validate(
    query=ResidencyCallListQuery,
    resp=Response(HTTP_200=ResidencyCallList, **problem_responses()),
    tags=TAGS,
    security=[{}, BEARER],
)
def residency_call_list(query: ResidencyCallListQuery):
    """The programme's calls, newest first: open and closed ones; drafts for the secretariat."""
    statement = queries.calls_statement(
        staff=policy.is_staff(_reader()),
        status=CallStatus(query.status) if query.status is not None else None,
    )
    page = keyset_page(db.session(), statement, ResidencyCall.id, query)
    body = ResidencyCallList(calls=[ResidencyCallSummary(**_call_summary(c)) for c in page.rows])
    return json_answer(body.model_dump(mode="json"), headers=link_header(page))


@bp.get("/residency/calls/<int:call_id>")
@operation()
@spec.validate(
    resp=Response(HTTP_200=ResidencyCallDetail, **problem_responses(404)),
    tags=TAGS,
    security=[{}, BEARER],
)
def residency_call_detail(call_id: int):
    """One call with each host park's offer: places, places left, what it offers, its texts
    in the reader's language where the host gave them."""
    page = queries.call_with_offers(db.session(), call_id)
    if page is None or (page.call.status == CallStatus.DRAFT and not policy.is_staff(_reader())):
        raise NotFound(_("There is no such call."))
    offers = []
    for shown in page.offers:
        offer = shown.offer
        description = presenters.offer_text(offer, "description")
        conditions = presenters.offer_text(offer, "conditions")
        offers.append(
            HostOfferTerms(
                id=offer.id,
                park=park_ref(offer.park),
                country=offer.park.country,
                places=offer.places,
                places_left=shown.places_left,
                workspace=offer.workspace,
                visa_support_letter=offer.visa_support_letter,
                mentoring=offer.mentoring,
                accommodation_help=offer.accommodation_help,
                tax_regime=offer.tax_regime or None,
                sectors=presenters.sectors_of(offer),
                description=description.text,
                conditions=conditions.text or None,
                language=description.language,
            )
        )
    body = ResidencyCallDetail(
        **_call_summary(page.call), rules_markdown=page.call.rules, offers=offers
    )
    return json_answer(body.model_dump(mode="json"))


# --- applications -------------------------------------------------------------------------


class ResidencyApplicationListQuery(PageQuery):
    call: int | None = Field(None, ge=1, description="Only the applications in this call")
    status: ApplicationStatus | None = Field(None, description="Only applications in this state")
    role: Literal["home", "host"] | None = Field(
        None,
        description="For a programme coordinator: only its park's startups' applications "
        "(home), or only those that list its park as a host (host)",
    )


class ResidencyCallRef(BaseModel):
    id: int
    title: str


class StartupRef(BaseModel):
    id: int
    name: str
    home_park: ParkRef


class ResidencyApplicationSummary(BaseModel):
    id: int
    call: ResidencyCallRef
    startup: StartupRef
    status: str
    sector: str | None
    stage: str | None = Field(description="idea, prototype, revenue or growth")
    starts_on: date | None
    ends_on: date | None
    submitted_at: datetime | None
    endorsed_at: datetime | None
    updated_at: datetime
    url: str = Field(description="Its page")


class ResidencyApplicationList(BaseModel):
    applications: list[ResidencyApplicationSummary]


class HostQuestion(BaseModel):
    question: str
    asked_at: datetime
    answer: str | None = Field(description="The startup's answer, once given")
    answered_at: datetime | None


class HostChoiceState(BaseModel):
    preference: int = Field(description="1 is the startup's first choice")
    offer_id: int
    park: ParkRef
    status: str = Field(
        description="pending, under_review, offered, waitlisted, rejected, withdrawn, "
        "declined or taken"
    )
    wishes: str | None = Field(description="What the startup wants from this host")
    decision_reason: str | None
    questions: list[HostQuestion] = Field(description="The host's questions, oldest first")


class FounderData(BaseModel):
    """A founder's personal data, for the readers a letter of invitation is for."""

    full_name: str
    nationality: str = Field(description="ISO 3166-1 alpha-2")
    date_of_birth: date | None
    role: str | None


class ApplicationDocumentRef(BaseModel):
    purpose: str = Field(description="pitch_deck or company_registration")
    filename: str
    size: int = Field(description="In bytes")
    sha256: str
    uploaded_at: datetime


class ResidencyApplicationDetail(ResidencyApplicationSummary):
    product: str | None
    endorsement_note: str | None = Field(description="The home park's reason, when it declined")
    choices: list[HostChoiceState] = Field(description="The host parks, in order of preference")
    founder_count: int
    founders: list[FounderData] | None = Field(
        description="Names, nationalities and dates of birth: for the startup, its home park, "
        "the secretariat and the hosts still deciding on it or receiving it; none once "
        "deleted two years after the residency"
    )
    founders_removed: bool = Field(
        description="The founders' personal data were deleted (kept as a count)"
    )
    documents: list[ApplicationDocumentRef]


def _application_summary(application: ResidencyApplication) -> dict:
    startup = application.startup
    return dict(
        id=application.id,
        call=ResidencyCallRef(id=application.call.id, title=application.call.title),
        startup=StartupRef(id=startup.id, name=startup.name, home_park=park_ref(startup.home_park)),
        status=application.status,
        sector=application.sector or None,
        stage=application.stage or None,
        starts_on=application.starts_on,
        ends_on=application.ends_on,
        submitted_at=application.submitted_at,
        endorsed_at=application.endorsed_at,
        updated_at=application.updated_at,
        url=site_url(f"/residency/applications/{application.id}"),
    )


@bp.get("/residency/applications")
@operation(signed_in=True)
@spec.validate(
    query=ResidencyApplicationListQuery,
    resp=Response(HTTP_200=ResidencyApplicationList, **problem_responses()),
    tags=TAGS,
    security=[BEARER],
)
def residency_application_list(query: ResidencyApplicationListQuery):
    """The applications this reader may read, newest first (by id): a founder's own; a
    programme coordinator's, those of its park's startups once submitted and those that list
    its park as a host once endorsed; the secretariat's, every submitted one. Anyone else reads
    an empty list."""
    statement = queries.readable_applications_statement(
        _reader(), call_id=query.call, status=query.status, role=query.role
    )
    page = keyset_page(db.session(), statement, ResidencyApplication.id, query)
    body = ResidencyApplicationList(
        applications=[ResidencyApplicationSummary(**_application_summary(a)) for a in page.rows]
    )
    return json_answer(body.model_dump(mode="json"), headers=link_header(page))


def _choice(choice: HostChoice) -> HostChoiceState:
    return HostChoiceState(
        preference=choice.preference,
        offer_id=choice.offer_id,
        park=park_ref(choice.offer.park),
        status=choice.status,
        wishes=choice.wishes or None,
        decision_reason=choice.decision_reason or None,
        questions=[
            HostQuestion(
                question=q.question,
                asked_at=q.asked_at,
                answer=q.answer or None if q.answered_at is not None else None,
                answered_at=q.answered_at,
            )
            for q in choice.questions
        ],
    )


@bp.get("/residency/applications/<int:application_id>")
@operation(signed_in=True)
@spec.validate(
    resp=Response(HTTP_200=ResidencyApplicationDetail, **problem_responses(404)),
    tags=TAGS,
    security=[BEARER],
)
def residency_application_detail(application_id: int):
    """One application as its page shows it to this reader: its host choices with their
    status, the hosts' questions and the answers; the founders' personal data only where the
    page shows them. An application the reader may not read is not found."""
    reader = _reader()
    application = queries.application_page(db.session(), application_id)
    if application is None or not policy.can_see_application(reader, application):
        raise NotFound(_("There is no such application."))
    removed = application.founders_removed is not None
    founders = (
        [
            FounderData(
                full_name=f.full_name,
                nationality=f.nationality,
                date_of_birth=f.date_of_birth,
                role=f.role or None,
            )
            for f in application.founders
        ]
        if not removed and policy.can_see_founders(reader, application)
        else None
    )
    body = ResidencyApplicationDetail(
        **_application_summary(application),
        product=application.product or None,
        endorsement_note=application.endorsement_note or None,
        choices=[_choice(c) for c in application.choices],
        founder_count=(
            application.founders_removed
            if application.founders_removed is not None
            else len(application.founders)
        ),
        founders=founders,
        founders_removed=removed,
        documents=[
            ApplicationDocumentRef(
                purpose=d.purpose,
                filename=d.filename,
                size=d.size,
                sha256=d.sha256,
                uploaded_at=d.uploaded_at,
            )
            for d in application.documents
        ],
    )
    return json_answer(body.model_dump(mode="json"))


# --- residencies --------------------------------------------------------------------------


class ResidencyListQuery(PageQuery):
    pass


class ResidencyStartup(BaseModel):
    name: str
    sector: str | None


class ResidencySummary(BaseModel):
    """A residency: what the public programme page names for a startup that opted in, and
    the rest for its startup, its home and host parks' coordinators and the secretariat."""

    home_park: ParkRef
    host_park: ParkRef
    startup: ResidencyStartup
    ends_on: date
    id: int | None = Field(description="For its readers; none in a public row")
    number: str | None = Field(description="AMT-DN-<year>-<nnnn>, for its readers")
    status: str | None = Field(
        description="upcoming, active, extended, completed or cut_short, for its readers"
    )
    starts_on: date | None = Field(description="For its readers")
    checked_in_at: datetime | None = Field(description="For its readers")
    checked_out_at: datetime | None = Field(description="For its readers")


class ResidencyList(BaseModel):
    residencies: list[ResidencySummary]


def _residency(reader: User | None, residency: Residency) -> ResidencySummary:
    full = policy.can_see_residency(reader, residency)
    return ResidencySummary(
        home_park=park_ref(residency.home_park),
        host_park=park_ref(residency.host_park),
        startup=ResidencyStartup(
            name=residency.startup.name, sector=residency.startup.sector or None
        ),
        ends_on=residency.ends_on,
        id=residency.id if full else None,
        number=residency.number if full else None,
        status=residency.status if full else None,
        starts_on=residency.starts_on if full else None,
        checked_in_at=residency.checked_in_at if full else None,
        checked_out_at=residency.checked_out_at if full else None,
    )


@bp.get("/residency/residencies")
@operation()
@spec.validate(
    query=ResidencyListQuery,
    resp=Response(HTTP_200=ResidencyList, **problem_responses()),
    tags=TAGS,
    security=[{}, BEARER],
)
def residency_list(query: ResidencyListQuery):
    """Residencies, newest first (by id): in full those of the reader's startup, of the park
    it coordinates (home or host) and, for the secretariat, all; for everyone, with the public
    fields only, the startups now in residency that opted in to be named."""
    reader = _reader()
    page = keyset_page(db.session(), queries.residencies_statement(reader), Residency.id, query)
    body = ResidencyList(residencies=[_residency(reader, r) for r in page.rows])
    return json_answer(body.model_dump(mode="json"), headers=link_header(page))
