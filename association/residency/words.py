"""The residency programme's statuses in the reader's words: for the pages, and for the domain's
refusals, which name a status by its label, never by its stored value."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from association.residency.models import (
    ApplicationStatus,
    CallStatus,
    ChoiceStatus,
    ResidencyStatus,
    StartupStatus,
)

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
    ResidencyStatus.UPCOMING: lazy_pgettext("residency status", "Upcoming"),
    ResidencyStatus.ACTIVE: lazy_pgettext("residency status", "In residency"),
    ResidencyStatus.EXTENDED: _l("In residency, extended"),
    ResidencyStatus.COMPLETED: lazy_pgettext("residency status", "Completed"),
    ResidencyStatus.CUT_SHORT: lazy_pgettext("residency status", "Cut short"),
}
_LABELS: dict[str, object] = {
    **{f"startup:{k}": v for k, v in STARTUP_STATUS.items()},
    **{f"call:{k}": v for k, v in CALL_STATUS.items()},
    **{f"application:{k}": v for k, v in APPLICATION_STATUS.items()},
    **{f"choice:{k}": v for k, v in CHOICE_STATUS.items()},
    **{f"residency:{k}": v for k, v in RESIDENCY_STATUS.items()},
}


def status_label(kind: str, status: str) -> str:
    """A status of a startup, call, application, host choice or residency in the reader's words."""
    return str(_LABELS.get(f"{kind}:{status}", status))
