"""How the residency pages word what they show: statuses in the reader's words, an offer's
benefits as badges, and its texts in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from association.content_languages import InLanguage, in_language, texts_of
from association.residency.models import (
    ApplicationStatus,
    CallStatus,
    ChoiceStatus,
    HostOffer,
    ResidencyStatus,
    StartupStatus,
)

# The statuses' words live beside the domain, which names them in its refusals too.
from association.residency.words import (  # noqa: F401
    APPLICATION_STATUS,
    CALL_STATUS,
    CHOICE_STATUS,
    RESIDENCY_STATUS,
    STARTUP_STATUS,
    status_label,
)
from association.web import reader_language

# Bootstrap colours of each status's badge.
BADGE = {
    StartupStatus.PENDING: "warning",
    StartupStatus.CONFIRMED: "success",
    StartupStatus.DECLINED: "secondary",
    CallStatus.DRAFT: "secondary",
    CallStatus.OPEN: "success",
    CallStatus.CLOSED: "dark",
    ApplicationStatus.AWAITING_ENDORSEMENT: "warning",
    ApplicationStatus.ENDORSED: "primary",
    ApplicationStatus.NOT_ENDORSED: "secondary",
    ApplicationStatus.PLACED: "success",
    ApplicationStatus.UNPLACED: "secondary",
    ChoiceStatus.UNDER_REVIEW: "primary",
    ChoiceStatus.OFFERED: "success",
    ChoiceStatus.WAITLISTED: "info",
    ChoiceStatus.REJECTED: "secondary",
    ChoiceStatus.DECLINED: "secondary",
    ChoiceStatus.TAKEN: "success",
    ResidencyStatus.UPCOMING: "info",
    ResidencyStatus.ACTIVE: "success",
    ResidencyStatus.EXTENDED: "success",
    ResidencyStatus.COMPLETED: "dark",
    ResidencyStatus.CUT_SHORT: "secondary",
}
STAGES = [
    ("idea", _l("Idea")),
    ("prototype", _l("Prototype")),
    ("revenue", _l("First revenue")),
    ("growth", _l("Growth")),
]


def badge_colour(status: str) -> str:
    return BADGE.get(status, "secondary")  # type: ignore[call-overload]


def stage_label(stage: str) -> str:
    return str(dict(STAGES).get(stage, stage))


@dataclass(frozen=True)
class Benefit:
    label: str
    icon: str  # a character drawn beside it, hidden from screen readers


def benefits(offer: HostOffer) -> list[Benefit]:
    """What the host offers among the structured fields, in the order a founder asks."""
    listed = [
        (offer.workspace, _l("Workspace"), "▣"),
        (offer.visa_support_letter, _l("Visa support letter"), "✉"),
        (offer.mentoring, _l("Mentoring"), "★"),
        (offer.accommodation_help, _l("Help with accommodation"), "⌂"),
    ]
    return [Benefit(str(label), icon) for given, label, icon in listed if given]


def offer_text(offer: HostOffer, field: str) -> InLanguage:
    """The offer's description or conditions in the reader's language when the host gave it,
    else in English."""
    return in_language(
        texts_of(getattr(offer, field), offer.translations, field), reader_language()
    )


def sectors_of(offer: HostOffer) -> list[str]:
    return [line.strip() for line in offer.sectors.splitlines() if line.strip()]
