"""The programme's figures: counted right for a small hand-made programme, the same in the CSV,
a handful of queries whatever the data, for members and the secretariat only, and a chart that is
well-formed SVG with the counts written in it."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, select

from association.extensions import db
from association.parks.models import ParkStatus
from association.residency.figures_queries import residency_figures
from association.residency.models import ApplicationStatus, ChoiceStatus
from tests.factories import login
from tests.residency import residency_rows as rows

SUBMITTED = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)


def _apply(session, call, startup, decisions, *, submitted=SUBMITTED):
    """An application whose hosts decided after the given days: [(offer, status, days)]."""
    application = rows.add_application(
        session,
        call,
        startup,
        [(offer, status) for offer, status, _days in decisions],
        status=ApplicationStatus.ENDORSED,
        submitted_at=submitted,
    )
    for choice, (_offer, _status, days) in zip(application.choices, decisions, strict=True):
        choice.decided_at = submitted + timedelta(days=days) if days is not None else None
    session.flush()
    return application


@pytest.fixture
def programme(session, make_park):
    """Astana Hub (KZ), IT Park Uzbekistan (UZ), Bilişim Vadisi (TR): four residencies in 2027
    (KZ to UZ twice, UZ to TR, TR to KZ) and one in 2026 (KZ to TR)."""
    astana = make_park("Astana Hub", country="KZ")
    itpark = make_park("IT Park Uzbekistan", country="UZ")
    vadisi = make_park("Bilişim Vadisi", country="TR")
    call = rows.add_call(session)
    a, b, c = (rows.add_offer(session, call, park) for park in (astana, itpark, vadisi))
    s1, s2, s6 = (rows.add_startup(session, astana) for _ in range(3))
    s3 = rows.add_startup(session, itpark)
    s4 = rows.add_startup(session, vadisi)
    taken, rejected = ChoiceStatus.TAKEN, ChoiceStatus.REJECTED
    rows.add_residency(session, _apply(session, call, s1, [(b, taken, 10)]))
    rows.add_residency(session, _apply(session, call, s2, [(b, taken, 4), (c, rejected, 6)]))
    rows.add_residency(session, _apply(session, call, s3, [(c, taken, 8)]))
    rows.add_residency(
        session, _apply(session, call, s4, [(a, taken, 2), (b, ChoiceStatus.WAITLISTED, 20)])
    )
    _apply(
        session,
        call,
        s6,
        [(b, rejected, 30), (c, ChoiceStatus.UNDER_REVIEW, None)],
    ).status = ApplicationStatus.UNPLACED
    earlier = rows.add_call(session, "Digital Nomad 2026", 2026)
    c_2026 = rows.add_offer(session, earlier, vadisi)
    s5 = rows.add_startup(session, astana)
    rows.add_residency(
        session,
        _apply(
            session,
            earlier,
            s5,
            [(c_2026, taken, 12)],
            submitted=datetime(2026, 1, 12, tzinfo=UTC),
        ),
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 5, 31),
    )
    session.commit()
    return {"astana": astana, "itpark": itpark, "vadisi": vadisi, "call": call}


def test_the_flows_between_countries_are_counted_per_year(session, programme):
    figures = residency_figures(session, 2027)
    assert figures.matrix() == {("KZ", "UZ"): 2, ("UZ", "TR"): 1, ("TR", "KZ"): 1}
    assert figures.residencies == 4
    assert figures.countries == ["KZ", "TR", "UZ"]
    assert residency_figures(session, 2026).matrix() == {("KZ", "TR"): 1}
    assert figures.years == [2027, 2026]


def test_the_newest_year_is_shown_when_none_is_asked(session, programme):
    assert residency_figures(session).year == 2027


def test_each_park_inbound_outbound_acceptance_and_median(session, programme):
    parks = {park.name: park for park in residency_figures(session, 2027).parks}
    itpark, vadisi, astana = (
        parks["IT Park Uzbekistan"],
        parks["Bilişim Vadisi"],
        parks["Astana Hub"],
    )
    assert (astana.inbound, astana.outbound) == (1, 2)
    assert (itpark.inbound, itpark.outbound) == (2, 1)
    assert (vadisi.inbound, vadisi.outbound) == (1, 1)
    # IT Park decided 4 (two taken, one waitlisted, one rejected) after 4, 10, 20 and 30 days.
    assert (itpark.decisions, itpark.accepted) == (4, 2)
    assert itpark.acceptance_rate == 0.5
    assert itpark.median_days == pytest.approx(15)
    # Bilişim Vadisi: rejected after 6, took after 8; the one still under review is no decision.
    assert (vadisi.decisions, vadisi.accepted) == (2, 1)
    assert vadisi.median_days == pytest.approx(7)
    assert (astana.decisions, astana.accepted, astana.median_days) == (1, 1, pytest.approx(2))


def test_the_totals_of_the_year(session, programme):
    figures = residency_figures(session, 2027)
    assert (figures.decisions, figures.accepted) == (7, 4)
    assert figures.median_days == pytest.approx(8)  # 2, 4, 6, 8, 10, 20, 30


def test_a_year_without_figures_is_empty(session, programme):
    figures = residency_figures(session, 2031)
    assert figures.flows == []
    assert figures.parks == []
    assert figures.median_days is None
    assert figures.acceptance_rate is None


def test_the_page_shows_the_figures(client, programme, delegate):
    login(client, delegate)
    page = client.get("/residency/figures?year=2027")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'src="/residency/figures.svg?year=2027"' in text
    for fact in ("Kazakhstan", "Uzbekistan", "Türkiye", "IT Park Uzbekistan", "50.0%", "15 days"):
        assert fact in text, fact
    assert '<option value="2026">' in text


def test_the_csv_has_the_same_figures(client, programme, delegate):
    login(client, delegate)
    response = client.get("/residency/figures.csv?year=2027")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "residency-figures-2027.csv" in response.headers["Content-Disposition"]
    table = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    flows = {
        (row["home_country"], row["host_country"]): int(row["value"])
        for row in table
        if row["figure"] == "startups_moving"
    }
    assert flows == {("KZ", "UZ"): 2, ("UZ", "TR"): 1, ("TR", "KZ"): 1}
    itpark = {row["figure"]: row["value"] for row in table if row["park"] == "IT Park Uzbekistan"}
    assert itpark["inbound_residencies"] == "2"
    assert itpark["acceptance_rate"] == "0.500"
    assert itpark["median_days_to_decision"] == "15.0"
    totals = {
        row["figure"]: row["value"] for row in table if not row["park"] and not row["home_country"]
    }
    assert totals["residencies"] == "4"
    assert totals["median_days_to_decision"] == "8.0"


def test_the_chart_is_well_formed_svg_with_the_counts(client, programme, delegate):
    login(client, delegate)
    response = client.get("/residency/figures.svg?year=2027")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    root = ET.fromstring(response.data)
    svg = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{svg}svg"
    assert "4 residencies" in root.find(f"{svg}title").text
    texts = [node.text for node in root.iter(f"{svg}text")]
    assert texts.count("2") == 1
    assert texts.count("1") == 2
    assert {"Kazakhstan", "Uzbekistan", "Türkiye"} <= set(texts)
    cell_titles = [node.text for node in root.iter(f"{svg}title")]
    assert "From Kazakhstan to Uzbekistan: 2" in cell_titles


def _statements_of(client, path):
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(path)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return statements


def test_the_page_costs_at_most_twelve_queries_however_much_data(
    client, session, programme, delegate, make_park
):
    login(client, delegate)
    few = _statements_of(client, "/residency/figures?year=2027")
    assert len(few) <= 12, few
    hosts = [
        make_park(f"Host {n}", country=country) for n, country in enumerate(["AZ", "KG", "TM"])
    ]
    offers = [rows.add_offer(session, programme["call"], host, places=100) for host in hosts]
    for n in range(30):
        startup = rows.add_startup(session, programme["astana"])
        rows.add_residency(
            session,
            _apply(
                session,
                programme["call"],
                startup,
                [
                    (offers[n % 3], ChoiceStatus.TAKEN, n),
                    (offers[(n + 1) % 3], ChoiceStatus.REJECTED, 1),
                ],
            ),
        )
    session.commit()
    many = _statements_of(client, "/residency/figures?year=2027")
    assert len(many) == len(few), many
    assert len(_statements_of(client, "/residency/figures.csv?year=2027")) <= 12


@pytest.mark.parametrize(
    "path", ["/residency/figures", "/residency/figures.csv", "/residency/figures.svg"]
)
def test_a_visitor_is_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_the_secretariat_sees_the_figures(client, programme, secretariat):
    login(client, secretariat)
    assert client.get("/residency/figures").status_code == 200


def test_a_startup_does_not_see_the_figures(client, session, programme):
    founder = rows.add_founder_user(session, rows.add_startup(session, programme["astana"]))
    login(client, founder)
    for path in ("/residency/figures", "/residency/figures.csv", "/residency/figures.svg"):
        assert client.get(path).status_code == 403, path


def test_a_withdrawn_parks_user_does_not_see_the_figures(make_park, make_user):
    from association.residency.policy import can_see_figures

    user = make_user(park=make_park(status=ParkStatus.WITHDRAWN))
    assert not can_see_figures(user)
    assert can_see_figures(make_user(park=make_park(status=ParkStatus.OBSERVER)))


def test_a_nonsense_year_shows_the_newest(client, programme, delegate):
    login(client, delegate)
    page = client.get("/residency/figures?year=99999999").get_data(as_text=True)
    assert '<option value="2027" selected>' in page


def test_counted_figures_are_kept_until_the_programme_changes(client, session, programme, delegate):
    login(client, delegate)
    first = _statements_of(client, "/residency/figures?year=2027")
    kept = _statements_of(client, "/residency/figures?year=2027")
    assert len(kept) < len(first)
    startup = rows.add_startup(session, programme["itpark"])
    offer = programme["call"].offers[0]  # Astana Hub's
    rows.add_residency(
        session, _apply(session, programme["call"], startup, [(offer, ChoiceStatus.TAKEN, 3)])
    )
    session.commit()
    page = client.get("/residency/figures?year=2027").get_data(as_text=True)
    assert 'Residencies starting in 2027</dt>\n  <dd class="col-sm-8">5</dd>' in page


def test_an_audited_change_counts_the_figures_again(client, session, programme, delegate):
    from association.audit.log import record
    from association.residency.models import Residency

    login(client, delegate)
    before = client.get("/residency/figures.csv?year=2026").get_data(as_text=True)
    assert "startups_moving,KZ,TR,,,1" in before
    # A residency's dates moved (as an extension does, audited): it now starts in 2027.
    moved = session.scalars(select(Residency).where(Residency.starts_on == date(2026, 3, 1))).one()
    moved.starts_on = date(2027, 3, 1)
    record(session, "residency.extended", subject=moved, details={"starts_on": "2027-03-01"})
    session.commit()
    after = client.get("/residency/figures.csv?year=2026").get_data(as_text=True)
    assert "startups_moving" not in after


def test_each_language_gets_its_own_country_names(client, programme, delegate):
    login(client, delegate)
    english = client.get("/residency/figures?year=2027").get_data(as_text=True)
    russian = client.get("/residency/figures?year=2027&lang=ru").get_data(as_text=True)
    assert "Kazakhstan" in english
    assert "Казахстан" in russian
    assert "Kazakhstan" not in russian


def test_the_chart_of_a_year_without_residencies_says_so(client, programme, delegate):
    login(client, delegate)
    root = ET.fromstring(client.get("/residency/figures.svg?year=2031").data)
    texts = [node.text for node in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts == ["No residency started in 2031."]


def test_a_lighter_shade_always_means_fewer_startups():
    from association.residency.figures_presenters import SHADES, shade

    shades = [SHADES.index(shade(count, 40)) for count in range(41)]
    assert shades == sorted(shades)
    assert shades[0] == 0
    assert shades[1] >= 1
    assert shades[40] == len(SHADES) - 1
