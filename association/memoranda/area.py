"""How the memoranda area plugs into the application: memoranda, what /verify says of an issued one, and their dashboard tasks."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from association.dashboard import register_tasks
from association.documents.service import register_describer, register_number_finder
from association.memoranda import (
    documents,
    secretariat,  # noqa: F401  (its routes, the secretariat's pages, join bp on import)
)
from association.memoranda.dashboard import memorandum_tasks
from association.memoranda.views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    register_tasks(app, memorandum_tasks)
    register_describer(documents.KIND, documents.describe_memorandum, label=_l("Memorandum"))
    register_number_finder(documents.find_by_registry_number)
