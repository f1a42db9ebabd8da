"""Memoranda: the register as this reader may read it, one memorandum with its parties and
their signatures as its page shows them, and the issued PDF, through the memoranda area's own
queries and policy. Nothing is signed here: signing stays a person's act in the browser."""

from __future__ import annotations

from datetime import date, datetime

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import BaseModel, Field
from spectree import Response

from association.api.blueprint import BEARER, bp, json_answer, operation, spec
from association.api.common import ParkRef, park_ref, problem_responses
from association.api.pagination import PageQuery, keyset_page, link_header
from association.documents.views import send_stored
from association.domain import NotAllowed, NotFound
from association.extensions import db
from association.memoranda import policy, queries
from association.memoranda.models import (
    Circulation,
    Memorandum,
    MemorandumStatus,
    Party,
)
from association.site import site_url

TAGS = ["Memoranda"]


class MemorandumListQuery(PageQuery):
    status: MemorandumStatus | None = Field(None, description="Only memoranda in this state")


class MemorandumSummary(BaseModel):
    id: int
    title: str
    status: str
    registry_number: str | None = Field(description="AMT/MOU/<year>/<nnnn>, once issued")
    public: bool
    party_names: list[str] = Field(description="The parties' names, in order")
    issued_at: datetime | None
    url: str = Field(description="Its page")


class MemorandumList(BaseModel):
    memoranda: list[MemorandumSummary]


class SignatureEvidence(BaseModel):
    """What the secretariat's page shows of how a signature was given."""

    method: str = Field(description="password, email_code or paper")
    ip: str | None
    user_agent: str | None


class PartySignature(BaseModel):
    name: str
    country: str
    outside: bool = Field(description="An outside organisation, not a member park")
    park: ParkRef | None
    signature: str | None = Field(
        description="signed, declined or waiting in the last circulation; none without one"
    )
    signed_by: str | None = Field(description="The signatory's name, as typed")
    signed_title: str | None
    signed_at: datetime | None
    first_opened_at: datetime | None = Field(
        description="While waiting: when its signatory first opened the text to sign"
    )
    evidence: SignatureEvidence | None = Field(description="For the secretariat")


class CirculationState(BaseModel):
    revision: int = Field(description="The revision circulated")
    sha256: str = Field(description="The SHA-256 of the text every party signs")
    started_at: datetime
    ended_at: datetime | None
    end_reason: str | None = Field(
        description="new_revision, withdrawn, declined or completed, once ended"
    )


class DeclineNote(BaseModel):
    party: str
    declined_by: str | None
    declined_at: datetime
    reason: str


class MemorandumText(BaseModel):
    language: str
    title: str
    body_markdown: str


class RevisionEntry(BaseModel):
    number: int
    created_at: datetime
    created_by: str | None
    note: str | None


class MemorandumRef(BaseModel):
    id: int
    title: str
    registry_number: str | None


class IssuedDocument(BaseModel):
    pdf_url: str
    sha256: str
    verification_code: str
    verify_url: str


class MemorandumDetail(MemorandumSummary):
    place: str
    parties: list[PartySignature] = Field(description="Each party's signature, in order")
    circulation: CirculationState | None = Field(description="The last circulation")
    decline: DeclineNote | None = Field(description="While declined: the last decline")
    revision: int | None = Field(description="The revision whose text is given")
    texts: list[MemorandumText] = Field(description="In every language, each equally authentic")
    revisions: list[RevisionEntry] = Field(
        description="Every revision for the secretariat; the circulated ones for the parties"
    )
    amends: MemorandumRef | None
    amended_by: list[MemorandumRef]
    terminated_on: date | None
    termination_reason: str | None
    document: IssuedDocument | None = Field(description="The issued, sealed PDF")


def _summary(memorandum: Memorandum) -> dict:
    return dict(
        id=memorandum.id,
        title=memorandum.title,
        status=memorandum.status,
        registry_number=memorandum.registry_number,
        public=memorandum.public,
        party_names=[party.name for party in memorandum.parties],
        issued_at=memorandum.issued_at,
        url=site_url(f"/memoranda/{memorandum.id}"),
    )


@bp.get("/memoranda")
@operation()
@spec.validate(
    query=MemorandumListQuery,
    resp=Response(HTTP_200=MemorandumList, **problem_responses()),
    tags=TAGS,
    security=[{}, BEARER],
)
def memorandum_list(query: MemorandumListQuery):
    """The register, newest first, as /memoranda shows it to this reader: the secretariat's
    all; a park's its own from circulation on; everyone's the public, issued ones."""
    status = query.status.value if query.status is not None else ""
    statement = queries.register_statement(current_user, status)
    page = keyset_page(db.session(), statement, Memorandum.id, query)
    body = MemorandumList(memoranda=[MemorandumSummary(**_summary(m)) for m in page.rows])
    return json_answer(body.model_dump(mode="json"), headers=link_header(page))


def _readable(memorandum_id: int) -> Memorandum:
    """The memorandum this reader may read: as the page, a visitor learns nothing of one they
    may not (404); a signed-in reader is refused (403)."""
    memorandum = queries.load_memorandum(db.session(), memorandum_id)
    if memorandum is None:
        raise NotFound(_("There is no such memorandum."))
    if not policy.can_read(current_user, memorandum):
        if not current_user.is_authenticated:
            raise NotFound(_("There is no such memorandum."))
        raise NotAllowed(_("This memorandum is for its parties and the secretariat."))
    return memorandum


def _party(party: Party, circulation: Circulation | None, staff: bool) -> PartySignature:
    signature = circulation.signature_of(party) if circulation is not None else None
    declined = circulation is not None and any(d.party_id == party.id for d in circulation.declines)
    waiting = circulation is not None and circulation.is_open and signature is None
    if signature is not None:
        state: str | None = "signed"
    elif declined:
        state = "declined"
    elif waiting:
        state = "waiting"
    else:
        state = None
    return PartySignature(
        name=party.name,
        country=party.country,
        outside=party.is_outside,
        park=park_ref(party.park),
        signature=state,
        signed_by=signature.full_name if signature else None,
        signed_title=signature.title if signature else None,
        signed_at=signature.signed_at if signature else None,
        first_opened_at=(
            circulation.first_opened(party) if circulation is not None and waiting else None
        ),
        evidence=(
            SignatureEvidence(
                method=signature.method,
                ip=signature.ip or None,
                user_agent=signature.user_agent or None,
            )
            if staff and signature is not None
            else None
        ),
    )


def _reference(memorandum: Memorandum) -> MemorandumRef:
    return MemorandumRef(
        id=memorandum.id, title=memorandum.title, registry_number=memorandum.registry_number
    )


@bp.get("/memoranda/<int:memorandum_id>")
@operation()
@spec.validate(
    resp=Response(HTTP_200=MemorandumDetail, **problem_responses(404)),
    tags=TAGS,
    security=[{}, BEARER],
)
def memorandum_detail(memorandum_id: int):
    """One memorandum as its page shows it to this reader: each party's signature of the last
    circulation (the evidence for the secretariat only), the text of the revision the reader
    reads, and once issued its registry number and sealed PDF."""
    memorandum = _readable(memorandum_id)
    page = queries.memorandum_page(db.session(), current_user, memorandum)
    staff, circulation, revision = page["staff"], page["circulation"], page["revision"]
    last_decline = circulation.declines[-1] if circulation and circulation.declines else None
    document = memorandum.document if page["can_download"] else None
    body = MemorandumDetail(
        **_summary(memorandum),
        place=memorandum.place,
        parties=[_party(p, circulation, staff) for p in memorandum.parties],
        circulation=(
            CirculationState(
                revision=circulation.revision.number,
                sha256=circulation.sha256,
                started_at=circulation.started_at,
                ended_at=circulation.ended_at,
                end_reason=circulation.end_reason,
            )
            if circulation is not None
            else None
        ),
        decline=(
            DeclineNote(
                party=last_decline.party.name,
                declined_by=last_decline.full_name or None,
                declined_at=last_decline.declined_at,
                reason=last_decline.reason,
            )
            if memorandum.status == MemorandumStatus.DECLINED and last_decline is not None
            else None
        ),
        revision=revision.number if revision is not None else None,
        texts=[
            MemorandumText(language=text.language, title=text.heading, body_markdown=text.body)
            for text in (revision.ordered_texts if revision is not None else [])
        ],
        revisions=[
            RevisionEntry(
                number=r.number,
                created_at=r.created_at,
                created_by=r.created_by.full_name if r.created_by else None,
                note=r.note or None,
            )
            for r in page["revisions"]
        ],
        amends=_reference(memorandum.amends) if memorandum.amends is not None else None,
        amended_by=[_reference(m) for m in page["amended_by"]],
        terminated_on=memorandum.terminated_on,
        termination_reason=(
            memorandum.termination_reason or None
            if memorandum.status == MemorandumStatus.TERMINATED
            else None
        ),
        document=(
            IssuedDocument(
                pdf_url=url_for("api.memorandum_pdf", memorandum_id=memorandum.id, _external=True),
                sha256=document.sha256,
                verification_code=document.verification_code,
                verify_url=site_url(f"/verify/{document.verification_code}"),
            )
            if document is not None
            else None
        ),
    )
    return json_answer(body.model_dump(mode="json"))


@bp.get("/memoranda/<int:memorandum_id>.pdf")
@operation()
def memorandum_pdf(memorandum_id: int):
    """The issued memorandum as sealed (application/pdf), to whoever may read its page."""
    memorandum = _readable(memorandum_id)
    if memorandum.document is None:
        raise NotFound(_("This memorandum is not issued: it has no PDF yet."))
    return send_stored(memorandum.document)
