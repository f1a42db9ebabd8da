"""What the parks' platforms are told of memoranda (webhooks): circulated for signature, signed
by a party, issued. Only the parties' endpoints (and the secretariat's) receive them: who else
reads a memorandum before it is issued and made public?"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from association.memoranda.models import Circulation, Memorandum, Signature
from association.site import site_url
from association.webhooks.service import announce, iso, only_parks


def memorandum_data(memorandum: Memorandum) -> dict[str, Any]:
    return {
        "id": memorandum.id,
        "title": memorandum.title,
        "status": str(memorandum.status),
        "registry_number": memorandum.registry_number,
        "parties": [
            {"name": party.name, "park": party.park.slug if party.park else None}
            for party in memorandum.parties
        ],
        "url": site_url(f"/memoranda/{memorandum.id}"),
    }


def _announce(session: Session, event: str, memorandum: Memorandum, data: dict) -> None:
    parties = only_parks(party.park_id for party in memorandum.parties)
    announce(session, event, {**memorandum_data(memorandum), **data}, audience=parties)


def announce_circulated(session: Session, memorandum: Memorandum, circulation: Circulation) -> None:
    _announce(
        session,
        "memorandum.circulated",
        memorandum,
        {
            "revision": circulation.revision.number,
            "sha256": circulation.sha256,
            "circulated_at": iso(circulation.started_at),
            "sign_url": site_url(f"/memoranda/{memorandum.id}/sign"),
        },
    )


def announce_signed(session: Session, memorandum: Memorandum, signature: Signature) -> None:
    """A party's signature as the parties read it on the page: who, in what capacity, when."""
    _announce(
        session,
        "memorandum.signed",
        memorandum,
        {
            "signature": {
                "party": signature.party.name,
                "signer": signature.full_name,
                "title": signature.title,
                "signed_at": iso(signature.signed_at),
                "sha256": signature.revision_sha256,
            },
        },
    )


def announce_issued(session: Session, memorandum: Memorandum) -> None:
    _announce(
        session,
        "memorandum.issued",
        memorandum,
        {
            "issued_at": iso(memorandum.issued_at),
            "pdf_url": site_url(f"/memoranda/{memorandum.id}.pdf")
            if memorandum.document_id
            else None,
        },
    )
