"""The residency programme's pages. The blueprint is made here; the pages of each side join it
from their own modules (imported in area.py), as membership's secretariat pages do."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("residency", __name__, url_prefix="/residency")

# The secretariat's pages of the programme, where every area keeps its secretariat's pages
# (under /secretariat/, behind the fence of association.web).
secretariat_bp = Blueprint("residency_secretariat", __name__, url_prefix="/secretariat/residency")
