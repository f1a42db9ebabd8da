"""How the figures are shown: the CSV export, and the chart of startups moving between countries in a year, as a country-to-country
matrix drawn server-side as SVG (drawsvg), each cell shaded by its count and carrying the count
itself, so that it reads without colour and in greyscale. Served as its own same-origin image,
which the strict CSP allows where inline SVG styling or script would not be."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import drawsvg as draw
from flask_babel import gettext as _

from association.residency.figures_queries import ResidencyFigures

CELL = 54
LEFT = 170  # the home countries' names
TOP = 130  # the host countries' names, slanted
MARGIN = 16
RIGHT = 100  # room for the last host country's slanted name
FONT = "'Noto Sans', 'DejaVu Sans', Arial, sans-serif"
# One hue, light to dark: a lighter cell always means fewer startups, in colour or grey.
SHADES = ["#ffffff", "#e3eff1", "#bcd8dd", "#86b9c2", "#4f95a1", "#1f6c79", "#0b4f5c"]


def shade(count: int, most: int) -> str:
    if count <= 0 or most <= 0:
        return SHADES[0]
    step = 1 + round((count / most) * (len(SHADES) - 2))
    return SHADES[min(step, len(SHADES) - 1)]


def flow_matrix_svg(figures: ResidencyFigures, country_name: Callable[[str], str]) -> str:
    """The matrix of the year's flows: home countries down the side, host countries across."""
    countries = figures.countries
    matrix = figures.matrix()
    most = max(matrix.values(), default=0)
    size = max(len(countries), 1)
    width = LEFT + size * CELL + RIGHT
    height = TOP + size * CELL + MARGIN
    title = _(
        "Startups moving between countries in %(year)s: %(count)d residencies",
        year=figures.year,
        count=figures.residencies,
    )
    drawing = draw.Drawing(width, height, font_family=FONT)
    drawing.append_title(title)
    drawing.append(draw.Rectangle(0, 0, width, height, fill="#ffffff"))
    if not countries:
        drawing.append(
            draw.Text(
                _("No residency started in %(year)s.", year=figures.year),
                14,
                MARGIN,
                TOP / 2,
                fill="#1d2327",
            )
        )
        return drawing.as_svg()
    drawing.append(
        draw.Text(_("To (host country)"), 12, LEFT, 16, fill="#4d5a60", font_weight="bold")
    )
    drawing.append(
        draw.Text(
            _("From (home country)"),
            12,
            MARGIN,
            TOP - 8,
            fill="#4d5a60",
            font_weight="bold",
        )
    )
    for column, code in enumerate(countries):
        x = LEFT + column * CELL + CELL / 2
        drawing.append(
            draw.Text(
                country_name(code),
                12,
                x,
                TOP - 8,
                fill="#1d2327",
                transform=f"rotate(-40 {x} {TOP - 8})",
            )
        )
    for row, home in enumerate(countries):
        y = TOP + row * CELL
        drawing.append(
            draw.Text(
                country_name(home),
                12,
                LEFT - 8,
                y + CELL / 2,
                fill="#1d2327",
                text_anchor="end",
                dominant_baseline="central",
            )
        )
        for column, host in enumerate(countries):
            x = LEFT + column * CELL
            count = matrix.get((home, host), 0)
            fill = shade(count, most)
            cell = draw.Rectangle(x, y, CELL, CELL, fill=fill, stroke="#9aa5aa", stroke_width=1)
            cell.append_title(
                _(
                    "From %(home)s to %(host)s: %(count)d",
                    home=country_name(home),
                    host=country_name(host),
                    count=count,
                )
            )
            drawing.append(cell)
            dark = SHADES.index(fill) >= 4
            drawing.append(
                draw.Text(
                    str(count) if count else "·",
                    15 if count else 14,
                    x + CELL / 2,
                    y + CELL / 2,
                    fill="#ffffff" if dark else "#1d2327",
                    font_weight="bold" if count else "normal",
                    text_anchor="middle",
                    dominant_baseline="central",
                )
            )
    return drawing.as_svg()


def _csv_cell(value: object) -> str:
    # A cell starting like a formula would run in a spreadsheet: keep it text.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


CSV_HEADER = ("year", "figure", "home_country", "host_country", "park", "park_country", "value")


def figures_csv(figures: ResidencyFigures) -> str:
    """The page's figures as one tidy table (one figure a row), for a spreadsheet: the flows
    between countries, then each park's inbound, outbound, decisions, offers, acceptance rate
    and median days from submission to decision, then the totals."""
    rows: list[tuple[object, ...]] = [CSV_HEADER]
    for flow in figures.flows:
        rows.append(
            (
                figures.year,
                "startups_moving",
                flow.home_country,
                flow.host_country,
                "",
                "",
                flow.startups,
            )
        )
    for park in figures.parks:
        for name, value in (
            ("inbound_residencies", park.inbound),
            ("outbound_residencies", park.outbound),
            ("host_decisions", park.decisions),
            ("host_offers", park.accepted),
            ("acceptance_rate", _rate(park.acceptance_rate)),
            ("median_days_to_decision", _days(park.median_days)),
        ):
            rows.append((figures.year, name, "", "", park.name, park.country, value))
    for name, value in (
        ("residencies", figures.residencies),
        ("host_decisions", figures.decisions),
        ("host_offers", figures.accepted),
        ("acceptance_rate", _rate(figures.acceptance_rate)),
        ("median_days_to_decision", _days(figures.median_days)),
    ):
        rows.append((figures.year, name, "", "", "", "", value))
    buffer = io.StringIO()
    out = csv.writer(buffer)
    for row in rows:
        out.writerow([_csv_cell(cell) for cell in row])
    return buffer.getvalue()


def _rate(rate: float | None) -> str:
    return "" if rate is None else f"{rate:.3f}"


def _days(days: float | None) -> str:
    return "" if days is None else f"{days:.1f}"
