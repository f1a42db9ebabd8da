"""The programme's figures for members and the secretariat: the page, its chart (a same-origin
SVG image, so the strict CSP needs no inline style) and its CSV export, all of one year."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from flask import Response, current_app, render_template, request
from flask_babel import format_decimal, format_percent, get_locale, ngettext
from flask_login import current_user, login_required
from markupsafe import Markup

from association.errors import allow
from association.extensions import db
from association.residency import figures_presenters, figures_queries, policy
from association.residency.documents import country_name
from association.residency.views import bp

# Years a person could mean; anything else is taken as no year (the newest with figures).
_YEARS = range(2000, 2201)


@dataclass
class _Kept:
    """Figures counted at one version, and their page's body once rendered in a language."""

    version: tuple
    figures: figures_queries.ResidencyFigures
    bodies: dict[str, Markup] = field(default_factory=dict)


# Figures counted, per application, by the year asked (None: the newest) with the version they
# were counted at. Each worker keeps its own and counts again when the version moves, so no
# process needs another's; a few years' worth is all there is to keep.
_CACHE_SIZE = 32
_cache_lock = threading.Lock()


def _kept() -> _Kept:
    allow(policy.can_see_figures(current_user))
    year = request.args.get("year", type=int)
    year = year if year in _YEARS else None
    session = db.session()
    version = figures_queries.figures_version(session)
    cache: dict[int | None, _Kept] = current_app.extensions.setdefault("residency_figures", {})
    kept = cache.get(year)
    if kept is not None and kept.version == version:
        return kept
    kept = _Kept(version, figures_queries.residency_figures(session, year))
    with _cache_lock:
        if len(cache) >= _CACHE_SIZE:
            cache.clear()
        cache[year] = kept
    return kept


def _figures() -> figures_queries.ResidencyFigures:
    return _kept().figures


def _country_namer():
    language = str(get_locale() or "en")
    return lambda code: country_name(code, language)


@bp.get("/figures")
@login_required
def figures():
    kept = _kept()
    language = str(get_locale() or "en")
    body = kept.bodies.get(language)
    if body is None:
        # The figures' part of the page is the same for every reader in a language: rendered
        # once per version of the figures, not for each of 200 parks' rows at each request.
        body = kept.bodies[language] = Markup(
            render_template(
                "residency/figures_body.html",
                figures=kept.figures,
                country_name=_country_namer(),
                percent=_percent,
                days=_days,
            )
        )
    return render_template("residency/figures.html", figures=kept.figures, figures_body=body)


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
