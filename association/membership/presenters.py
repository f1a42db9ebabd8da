"""How membership pages word what they show: an application's status in the applicant's and
the secretariat's words."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from association.membership.models import ApplicationStatus

STATUS_LABELS = {
    ApplicationStatus.UNCONFIRMED: _l("Waiting for the e-mail address to be confirmed"),
    ApplicationStatus.SUBMITTED: _l("Submitted"),
    ApplicationStatus.UNDER_REVIEW: _l("Under review"),
    ApplicationStatus.INFORMATION_REQUESTED: _l("Information requested"),
    ApplicationStatus.RESUBMITTED: _l("Answered, waiting for review"),
    ApplicationStatus.APPROVED: _l("Approved"),
    ApplicationStatus.REJECTED: _l("Rejected"),
    ApplicationStatus.WITHDRAWN: _l("Withdrawn"),
}


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(ApplicationStatus(status), status))
