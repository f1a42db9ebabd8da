"""How the residency pages word what they show: statuses in the reader's words, an offer's
benefits as badges, and its texts in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from association.content_languages import InLanguage, in_language, texts_of
from association.residency.models import (
    ApplicationStatus,
    CallStatus,
    ChoiceStatus,
    HostOffer,
    ResidencyStatus,
    StartupStatus,
)
from association.web import reader_language

STARTUP_STATUS = {
    StartupStatus.PENDING: _l("Waiting for the home park to confirm"),
    StartupStatus.CONFIRMED: lazy_pgettext("startup status", "Confirmed"),
    StartupStatus.DECLINED: lazy_pgettext("startup status", "Not confirmed"),
}
CALL_STATUS = {
    CallStatus.DRAFT: lazy_pgettext("call status", "Draft"),
    CallStatus.OPEN: lazy_pgettext("call status", "Open"),
    CallStatus.CLOSED: lazy_pgettext("call status", "Closed"),
}
APPLICATION_STATUS = {
    ApplicationStatus.DRAFT: lazy_pgettext("residency application", "Draft"),
    ApplicationStatus.AWAITING_ENDORSEMENT: _l("Waiting for the home park's endorsement"),
    ApplicationStatus.ENDORSED: _l("Endorsed: with the host parks"),
    ApplicationStatus.NOT_ENDORSED: _l("Not endorsed by the home park"),
    ApplicationStatus.PLACED: _l("Placed: an offer was accepted"),
    ApplicationStatus.UNPLACED: _l("No place"),
    ApplicationStatus.WITHDRAWN: lazy_pgettext("residency application", "Withdrawn"),
}
CHOICE_STATUS = {
    ChoiceStatus.PENDING: _l("Waiting for the endorsement"),
    ChoiceStatus.UNDER_REVIEW: _l("Under review by the host"),
    ChoiceStatus.OFFERED: _l("Offered a place"),
    ChoiceStatus.WAITLISTED: _l("On the waiting list"),
    ChoiceStatus.REJECTED: lazy_pgettext("host decision", "Rejected"),
    ChoiceStatus.WITHDRAWN: lazy_pgettext("host choice", "Withdrawn"),
    ChoiceStatus.DECLINED: _l("Offer declined"),
    ChoiceStatus.TAKEN: _l("Offer accepted"),
}
RESIDENCY_STATUS = {
    ResidencyStatus.UPCOMING: _l("Upcoming"),
    ResidencyStatus.ACTIVE: lazy_pgettext("residency status", "In residency"),
    ResidencyStatus.EXTENDED: _l("In residency, extended"),
    ResidencyStatus.COMPLETED: lazy_pgettext("residency status", "Completed"),
    ResidencyStatus.CUT_SHORT: _l("Cut short"),
}
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
_LABELS: dict[str, object] = {
    **{f"startup:{k}": v for k, v in STARTUP_STATUS.items()},
    **{f"call:{k}": v for k, v in CALL_STATUS.items()},
    **{f"application:{k}": v for k, v in APPLICATION_STATUS.items()},
    **{f"choice:{k}": v for k, v in CHOICE_STATUS.items()},
    **{f"residency:{k}": v for k, v in RESIDENCY_STATUS.items()},
}

STAGES = [
    ("idea", _l("Idea")),
    ("prototype", _l("Prototype")),
    ("revenue", _l("First revenue")),
    ("growth", _l("Growth")),
]


def status_label(kind: str, status: str) -> str:
    """A status of a startup, call, application, host choice or residency in the reader's words."""
    return str(_LABELS.get(f"{kind}:{status}", status))


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
