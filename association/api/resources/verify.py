"""`POST /api/v1/verify`: a verification code, a registry or membership number, or a PDF
(base64), answered as /verify answers a person."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from flask_babel import gettext as _
from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field, model_validator
from spectree import Response

from association.api.blueprint import BEARER, bp, json_answer, operation, spec
from association.api.common import problem_responses
from association.documents import service
from association.documents.models import StoredDocument
from association.documents.seal import load_signer
from association.domain import Invalid
from association.extensions import db
from association.site import instance_path, settings, site_url

MAX_PDF_BYTES = 20 * 1024 * 1024


class VerifyBody(BaseModel):
    # Exactly one of the two, in the document too (the validator below cannot say it there):
    # without this, a client reading the document would think `{}` a request it may send.
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "oneOf": [
                {"required": ["code"], "properties": {"code": {"type": "string"}}},
                {"required": ["pdf_base64"], "properties": {"pdf_base64": {"type": "string"}}},
            ]
        },
    )
    code: str | None = Field(
        None,
        max_length=64,
        description="A verification code (7K3M-QX9D-2HBT-W4NC), a registry number "
        "(AMT/MOU/2022/0001) or a membership number (AMT-KZ-0001)",
    )
    pdf_base64: str | None = Field(
        None, max_length=MAX_PDF_BYTES * 4 // 3 + 4, description="A PDF file, base64"
    )

    @model_validator(mode="after")
    def one_of_them(self) -> VerifyBody:
        if (self.code is None) == (self.pdf_base64 is None):
            raise ValueError("give either code or pdf_base64")
        return self


class DetailRow(BaseModel):
    label: str
    value: str


class Verdict(BaseModel):
    found: bool = Field(description="Whether the association issued this document")
    outcome: str = Field(
        description="issued, superseded, not_in_force, altered, not_issued, or unknown (a code)"
    )
    kind: str | None
    headline: str | None
    state: str | None = Field(description="What the document stands for today, in words")
    in_force: bool | None
    details: list[DetailRow]
    verification_code: str | None
    issued_at: datetime | None
    sha256: str | None
    url: str | None = Field(description="The document's public verification page")


def _verdict(document: StoredDocument | None, outcome: str) -> Verdict:
    if document is None:
        return Verdict(
            found=False, outcome=outcome, kind=None, headline=None, state=None, in_force=None,
            details=[], verification_code=None, issued_at=None, sha256=None, url=None,
        )  # fmt: skip
    state = service.describe(db.session(), document)
    return Verdict(
        found=True,
        outcome=outcome,
        kind=document.kind,
        headline=state.headline,
        state=state.state,
        in_force=state.in_force,
        details=[DetailRow(label=str(label), value=str(value)) for label, value in state.details],
        verification_code=document.verification_code,
        issued_at=document.issued_at,
        sha256=document.sha256,
        url=site_url(f"/verify/{document.verification_code}"),
    )


@bp.post("/verify")
@operation(scope=None)
@spec.validate(
    json=VerifyBody,
    resp=Response(HTTP_200=Verdict, **problem_responses(413, 415)),
    tags=["Verification"],
    security=[{}, BEARER],
)
def verify(json: VerifyBody):
    """Whether the association issued a document, and what it stands for today. Public."""
    session = db.session()
    viewer = current_user if current_user.is_authenticated else None
    if json.code is not None:
        normal = service.normalise_code(json.code)
        document = service.find_by_code(session, normal) if normal is not None else None
        if document is None and normal is None:
            document = service.find_by_number(session, json.code, viewer)
        return json_answer(
            _verdict(document, "issued" if document else "unknown").model_dump(mode="json")
        )
    try:
        pdf = base64.b64decode(json.pdf_base64 or "", validate=True)
    except (binascii.Error, ValueError):
        raise Invalid(_("pdf_base64 is not base64."), field="pdf_base64") from None
    signer = load_signer(settings(), instance_path())
    found = service.verify_upload(session, pdf, signer.signing_cert)
    verdict = _verdict(found.document, str(found.outcome))
    return json_answer(verdict.model_dump(mode="json"))
