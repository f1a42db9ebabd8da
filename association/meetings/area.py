"""How the meetings area plugs into the application: meetings, minutes (what /verify says of them), their dashboard tasks and what a minutes-approval vote decides."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from association.dashboard import register_tasks
from association.documents.service import register_describer
from association.meetings import documents, secretariat, secretariat_minutes
from association.meetings.dashboard import meeting_tasks
from association.meetings.views import bp
from association.meetings.votes import decide_minutes_by_vote
from association.voting.models import InitiativeKind
from association.voting.votes import register_outcome_handler

# The secretariat's pages are routes on bp in these modules: importing them registers them.
ROUTES = (secretariat, secretariat_minutes)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    register_tasks(app, meeting_tasks)
    register_describer(documents.KIND, documents.describe_minutes, label=_l("Minutes"))
    register_outcome_handler(InitiativeKind.MINUTES_APPROVAL, decide_minutes_by_vote)
