"""How the meetings area plugs into the application: meetings, minutes (what /verify says of them), their dashboard tasks and what a minutes-approval vote decides."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from association.dashboard import register_tasks
from association.documents.service import register_describer
from association.meetings import minutes_pdf
from association.meetings.dashboard import meeting_tasks
from association.meetings.views import bp
from association.meetings.votes import decide_minutes_by_vote
from association.voting.models import InitiativeKind
from association.voting.votes import register_outcome_handler


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    register_tasks(app, meeting_tasks)
    register_describer(minutes_pdf.KIND, minutes_pdf.describe_minutes, label=_l("Minutes"))
    register_outcome_handler(InitiativeKind.MINUTES_APPROVAL, decide_minutes_by_vote)
