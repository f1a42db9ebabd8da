"""The programme's figures for members and the secretariat: the page, its chart (a same-origin
SVG image, so the strict CSP needs no inline style) and its CSV export, all of one year."""

from __future__ import annotations

from flask import Response, render_template, request
from flask_babel import format_decimal, format_percent, get_locale, ngettext
from flask_login import current_user, login_required

from association.errors import allow
from association.extensions import db
from association.parks.models import ParkStatus, Role, User
from association.residency import figures_presenters, figures_queries
from association.residency.documents import country_name
from association.residency.views import bp

# Years a person could mean; anything else is taken as no year (the newest with figures).
_YEARS = range(2000, 2201)


def can_see_figures(user: User | None) -> bool:
    """The users of the association's parks (not of a withdrawn one), and the secretariat."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return (
        user.role == Role.MEMBER
        and user.park is not None
        and user.park.status != ParkStatus.WITHDRAWN
    )


def _figures() -> figures_queries.ResidencyFigures:
    allow(can_see_figures(current_user))
    year = request.args.get("year", type=int)
    return figures_queries.residency_figures(db.session(), year if year in _YEARS else None)


def _country_namer():
    language = str(get_locale() or "en")
    return lambda code: country_name(code, language)


@bp.get("/figures")
@login_required
def figures():
    figures = _figures()
    return render_template(
        "residency/figures.html",
        figures=figures,
        country_name=_country_namer(),
        percent=_percent,
        days=_days,
    )


def _percent(rate: float | None) -> str:
    return "—" if rate is None else format_percent(rate, "#,##0.0%")


def _days(days: float | None) -> str:
    if days is None:
        return "—"
    return ngettext(
        "%(days)s day", "%(days)s days", round(days), days=format_decimal(days, "#,##0.#")
    )


@bp.get("/figures.svg")
@login_required
def figures_chart():
    svg = figures_presenters.flow_matrix_svg(_figures(), _country_namer())
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "private, no-cache"})


@bp.get("/figures.csv")
@login_required
def figures_csv():
    figures = _figures()
    return Response(
        figures_presenters.figures_csv(figures),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f"attachment; filename=residency-figures-{figures.year}.csv"
        },
    )
