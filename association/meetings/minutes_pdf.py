"""The minutes' PDF: rendered, sealed and stored once, on publication, by the document engine."""

from __future__ import annotations

from sqlalchemy.orm import Session

from association.meetings.models import Minutes


def issue_minutes_document(session: Session, minutes: Minutes):
    # The document engine lands on main separately; until it is merged there is no PDF.
    return None


def supersede_minutes_document(session: Session, previous: Minutes, document) -> None:
    return None


def send_minutes_document(minutes: Minutes):
    from flask import abort

    abort(404)
