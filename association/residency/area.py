"""How the residency programme plugs into the application: its pages, what /verify says of its
documents, and its commands."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from association.documents.service import register_describer, register_number_finder
from association.residency import documents
from association.residency import documents_pages as _documents_pages  # noqa: F401  (its routes join bp)
from association.residency import figures_pages as _figures_pages  # noqa: F401  (its routes join bp)
from association.residency.cli import residency_remind_command, residency_retention_command
from association.residency.views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(residency_retention_command)
    app.cli.add_command(residency_remind_command)
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
