"""How the residency programme plugs into the application: its pages, its dashboard tasks, what
/verify says of its documents, and its commands."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from association.dashboard import register_tasks
from association.documents.service import register_describer, register_number_finder
from association.parks.service import country_name

# Each side's pages are routes on bp (or secretariat_bp) in these modules: importing them
# registers them.
from association.residency import coordinator_pages as _coordinator  # noqa: F401
from association.residency import documents, policy
from association.residency import documents_pages as _documents  # noqa: F401
from association.residency import figures_pages as _figures  # noqa: F401
from association.residency import public_pages as _public  # noqa: F401
from association.residency import secretariat_pages as _secretariat  # noqa: F401
from association.residency import startup_pages as _startup  # noqa: F401
from association.residency.cli import residency_remind_command, residency_retention_command
from association.residency.dashboard import coordinator_tasks, startup_tasks
from association.residency.presenters import badge_colour, stage_label, status_label
from association.residency.views import bp, secretariat_bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(secretariat_bp)
    app.cli.add_command(residency_retention_command)
    app.cli.add_command(residency_remind_command)
    register_tasks(app, coordinator_tasks)
    register_tasks(app, startup_tasks)
    app.jinja_env.globals.update(
        residency_status=status_label,
        residency_badge=badge_colour,
        residency_stage=stage_label,
        country_name=country_name,
        may_see_residency=policy.can_see_residency,
        may_download_letter=policy.can_download_letter,
        may_see_figures=policy.can_see_figures,
    )
    register_describer(
        documents.CERTIFICATE,
        documents.describe_residency_certificate,
        label=_l("Digital Nomad residency certificate"),
    )
    register_describer(
        documents.LETTER,
        documents.describe_residency_letter,
        label=_l("Letter of invitation (Digital Nomad residency)"),
    )
    register_number_finder(documents.find_by_residency_number)
