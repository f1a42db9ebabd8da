"""How membership pages word what they show: an application's status in the applicant's and
the secretariat's words."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from association.membership.models import ApplicationStatus

STATUS_LABELS = {
    ApplicationStatus.UNCONFIRMED: _l("Waiting for the e-mail address to be confirmed"),
    ApplicationStatus.SUBMITTED: lazy_pgettext("application status", "Submitted"),
    ApplicationStatus.UNDER_REVIEW: _l("Under review"),
    ApplicationStatus.INFORMATION_REQUESTED: _l("Information requested"),
    ApplicationStatus.RESUBMITTED: _l("Answered, waiting for review"),
    ApplicationStatus.APPROVED: lazy_pgettext("application status", "Approved"),
    ApplicationStatus.REJECTED: lazy_pgettext("application status", "Rejected"),
    ApplicationStatus.WITHDRAWN: lazy_pgettext("application status", "Withdrawn"),
}


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(ApplicationStatus(status), status))
