"""How membership pages word what they show: an application's status in the applicant's and
the secretariat's words."""

from __future__ import annotations

from flask_babel import gettext as _

from association.membership.models import ApplicationStatus

STATUS_LABELS = {
    ApplicationStatus.UNCONFIRMED: "Waiting for the e-mail address to be confirmed",
    ApplicationStatus.SUBMITTED: "Submitted",
    ApplicationStatus.UNDER_REVIEW: "Under review",
    ApplicationStatus.INFORMATION_REQUESTED: "Information requested",
    ApplicationStatus.RESUBMITTED: "Answered, waiting for review",
    ApplicationStatus.APPROVED: "Approved",
    ApplicationStatus.REJECTED: "Rejected",
    ApplicationStatus.WITHDRAWN: "Withdrawn",
}


def status_label(status: str) -> str:
    return _(STATUS_LABELS.get(ApplicationStatus(status), status))
