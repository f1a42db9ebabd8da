"""The figures page in a real browser: the chart loads as an image under the strict CSP, and it
has a width (a broken SVG would not), beside the table of the same figures."""

from __future__ import annotations

import os

from tests.browser.conftest import sign_in
from tests.residency.test_figures import programme  # noqa: F401


def test_the_figures_chart_loads_under_the_csp(page, live_server, programme, delegate, tmp_path):  # noqa: F811
    sign_in(page, live_server, delegate)
    page.goto(f"{live_server}/residency/figures?year=2027")
    chart = page.locator("figure img")
    chart.wait_for()
    page.wait_for_function("document.querySelector('figure img').complete")
    assert page.evaluate("document.querySelector('figure img').naturalWidth") > 300
    assert page.get_by_role("cell", name="IT Park Uzbekistan").is_visible()
    # Kept for a person to look at (RESIDENCY_SCREENSHOTS=folder): the page and the chart alone.
    folder = os.environ.get("RESIDENCY_SCREENSHOTS") or str(tmp_path)
    page.screenshot(path=f"{folder}/residency-figures.png", full_page=True)
    page.goto(f"{live_server}/residency/figures.svg?year=2027")
    page.screenshot(path=f"{folder}/residency-figures-chart.png")
