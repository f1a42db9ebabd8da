"""How the membership area plugs into the application: applications, the directory, certificates (what /verify says of one) what an admission vote decides, and the purge of unconfirmed applications."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from association.dashboard import register_tasks
from association.documents.service import register_describer, register_number_finder
from association.membership import documents
from association.membership import secretariat as _secretariat  # noqa: F401  (its routes join bp)
from association.membership.admission import decide_admission_by_vote
from association.membership.cli import purge_unconfirmed_applications_command
from association.membership.dashboard import application_tasks
from association.membership.views import bp
from association.voting.models import InitiativeKind
from association.voting.votes import register_outcome_handler


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    register_tasks(app, application_tasks)
    register_describer(
        documents.KIND, documents.describe_certificate, label=_l("Membership certificate")
    )
    register_number_finder(documents.find_by_membership_number)
    register_outcome_handler(InitiativeKind.ADMISSION, decide_admission_by_vote)
    app.cli.add_command(purge_unconfirmed_applications_command)
