"""The member directory and each park's profile: what /members shows, to anyone; and the
park's membership certificate, to its own users and the secretariat."""

from __future__ import annotations

from datetime import date

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import BaseModel, Field
from spectree import Response
from sqlalchemy import select

from association.api.blueprint import BEARER, bp, json_answer, operation, spec
from association.api.common import problem_responses
from association.api.pagination import PageQuery, keyset_page, link_header
from association.documents.views import send_stored
from association.domain import NotAllowed, NotFound
from association.extensions import db
from association.membership import queries
from association.membership.documents import current_certificate
from association.membership.policy import can_download_certificate
from association.parks.models import Park, ParkStatus
from association.parks.service import country_name
from association.site import site_url

TAGS = ["Members"]


class ParkListQuery(PageQuery):
    country: str | None = Field(None, pattern="^[A-Z]{2}$", description="ISO 3166-1 alpha-2")
    status: str | None = Field(None, pattern="^(member|observer|suspended)$")


class ParkEntry(BaseModel):
    id: int
    slug: str
    name: str = Field(description="In Latin letters")
    name_native: str
    country: str = Field(description="ISO 3166-1 alpha-2")
    country_name: str = Field(description="In the reader's language (Accept-Language)")
    city: str
    website: str
    status: str
    membership_number: str | None
    member_since: date | None
    url: str


class ParkList(BaseModel):
    parks: list[ParkEntry]


class Certificate(BaseModel):
    verification_code: str
    issued_at: str
    sha256: str
    pdf_url: str
    verify_url: str


class ParkProfile(ParkEntry):
    description: str
    certificate: Certificate | None = Field(
        description="The certificate in force; for the park's own users and the secretariat"
    )


def _entry(park: Park) -> dict:
    return dict(
        id=park.id,
        slug=park.slug,
        name=park.name_latin,
        name_native=park.name_native,
        country=park.country,
        country_name=country_name(park.country),
        city=park.city,
        website=park.website,
        status=park.status,
        membership_number=park.membership_number,
        member_since=park.member_since,
        url=site_url(f"/members/{park.slug}"),
    )


@bp.get("/parks")
@operation()
@spec.validate(
    query=ParkListQuery,
    resp=Response(HTTP_200=ParkList, **problem_responses()),
    tags=TAGS,
    security=[{}, BEARER],
)
def park_list(query: ParkListQuery):
    """The directory: members, observers and suspended members, as on /members."""
    statement = select(Park).where(Park.status.in_(queries.DIRECTORY_STATUSES))
    if query.country:
        statement = statement.where(Park.country == query.country)
    if query.status:
        statement = statement.where(Park.status == query.status)
    page = keyset_page(db.session(), statement, Park.id, query, newest_first=False)
    body = ParkList(parks=[ParkEntry(**_entry(park)) for park in page.rows])
    return json_answer(body.model_dump(mode="json"), headers=link_header(page))


def _park(slug: str) -> Park:
    park = queries.park_by_slug(db.session(), slug)
    # A withdrawn park has left the directory; the secretariat still finds it.
    if park is None or (park.status == ParkStatus.WITHDRAWN and not current_user.is_staff):
        raise NotFound(_("There is no member park at this address."))
    return park


@bp.get("/parks/<slug>")
@operation()
@spec.validate(
    resp=Response(HTTP_200=ParkProfile, **problem_responses(404)),
    tags=TAGS,
    security=[{}, BEARER],
)
def park_profile(slug: str):
    """A park's profile, as /members/<slug> shows it to this reader."""
    park = _park(slug)
    page = queries.profile_page(
        db.session(), park, with_certificate=can_download_certificate(current_user, park)
    )
    certificate = page.certificate
    body = ParkProfile(
        **_entry(park),
        description=page.profile.description if page.profile else "",
        certificate=(
            Certificate(
                verification_code=certificate.verification_code,
                issued_at=certificate.issued_at.isoformat(),
                sha256=certificate.sha256,
                pdf_url=url_for("api.park_certificate", slug=park.slug, _external=True),
                verify_url=site_url(f"/verify/{certificate.verification_code}"),
            )
            if certificate is not None
            else None
        ),
    )
    return json_answer(body.model_dump(mode="json"))


@bp.get("/parks/<slug>/certificate.pdf")
@operation(signed_in=True)
def park_certificate(slug: str):
    """The park's membership certificate in force, as sealed (application/pdf)."""
    park = _park(slug)
    if not can_download_certificate(current_user, park):
        raise NotAllowed(_("A park's certificate is for its own users and the secretariat."))
    certificate = current_certificate(db.session(), park)
    if certificate is None:
        raise NotFound(_("This park has no membership certificate in force."))
    return send_stored(certificate)
