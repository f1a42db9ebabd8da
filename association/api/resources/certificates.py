"""Membership certificates in force that this reader may download: their own park's, or every
park's for the secretariat, as /members/<slug>/certificate.pdf serves them."""

from __future__ import annotations

from datetime import datetime

from flask import url_for
from flask_login import current_user
from pydantic import BaseModel, Field
from spectree import Response

from association.api.blueprint import BEARER, bp, json_answer, operation, spec
from association.api.common import ParkRef, park_ref, problem_responses
from association.api.pagination import PageQuery, keyset_page, link_header
from association.documents.models import StoredDocument
from association.extensions import db
from association.membership import queries
from association.membership.policy import can_download_certificate
from association.site import site_url


class CertificateInForce(BaseModel):
    park: ParkRef
    verification_code: str
    issued_at: datetime
    sha256: str = Field(description="Of the sealed PDF")
    pdf_url: str
    verify_url: str


class CertificateList(BaseModel):
    certificates: list[CertificateInForce]


@bp.get("/certificates")
@operation(signed_in=True)
@spec.validate(
    query=PageQuery,
    resp=Response(HTTP_200=CertificateList, **problem_responses()),
    tags=["Members"],
    security=[BEARER],
)
def certificate_list(query: PageQuery):
    """The membership certificates in force this reader may download, newest first: their own
    park's; every member's and observer's for the secretariat."""
    session = db.session()
    page = keyset_page(
        session, queries.certificates_in_force(current_user), StoredDocument.id, query
    )
    parks = queries.parks_by_id(session, {document.subject_id for document in page.rows})
    body = CertificateList(
        certificates=[
            CertificateInForce(
                park=park_ref(park),
                verification_code=document.verification_code,
                issued_at=document.issued_at,
                sha256=document.sha256,
                pdf_url=url_for("api.park_certificate", slug=park.slug, _external=True),
                verify_url=site_url(f"/verify/{document.verification_code}"),
            )
            for document in page.rows
            # The query chooses as the policy does; the policy has the last word all the same.
            if (park := parks[document.subject_id]) and can_download_certificate(current_user, park)
        ]
    )
    return json_answer(body.model_dump(mode="json"), headers=link_header(page))
