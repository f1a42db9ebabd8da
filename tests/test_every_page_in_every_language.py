"""Every page a visitor, a delegate and the secretariat can open, in each of the seven languages,
on the demo association: no 500, the page says its language, and no English sentence is left
untranslated (a piece of text that reads the same as on the English page and is neither the
association's own data, a name nor a code).

One demo association for the whole module, seeded once: the pages only read it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from html.parser import HTMLParser
from zoneinfo import available_timezones

import pytest
from babel import Locale
from sqlalchemy import String, Text, select, text

from association import create_app
from association.audit.log import GENESIS
from association.audit.models import AuditChainHead
from association.catalogs import read_catalog
from association.demo import seed_demo
from association.demo_parks import DEMO_PASSWORD, SECRETARIAT_EMAIL
from association.extensions import db, limiter
from association.languages import LANGUAGES, NAMES
from association.parks.models import User
from tests.conftest import RequestClient
from tests.factories import login

TRANSLATED = [code for code, _name in LANGUAGES if code != "en"]

# Endpoints that answer with something other than a page, or change state on GET by design.
NOT_PAGES = {
    "main.favicon",
    "main.healthz",
    "membership.logo",
    "membership.certificate",
    "membership.application_document",
    "checkpoints.checkpoint_json",
    "voting.results_csv",
    "voting.attachment",
    "meetings.meeting_ics",
    "meetings.minutes_pdf",
    "meetings.minutes_version_pdf",
    "meetings.calendar_feed_ics",
    "memoranda.download",
    "residency.application_document",
    # Redirects to the page where the reader acts (the links in the programme's e-mails).
    "residency.startup_link",
    "residency.residency_link",
    "residency.registered",
    # The residency's files: its sealed PDFs, the figures' CSV and their chart (an SVG image).
    "residency.residency_certificate",
    "residency.residency_letter",
    "residency.figures_csv",
    "residency.figures_chart",
}


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("every-page")
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp / "instance"),
            "SECRET_KEY": "test-secret-key",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "RATELIMIT_STORAGE_URI": "memory://",
            "WTF_CSRF_ENABLED": False,
            "BASE_URL": "http://localhost",
            "MAIL_SERVER": None,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'demo.db'}",
        }
    )
    app.test_client_class = RequestClient
    with app.app_context():
        db.create_all()
        db.session.add(AuditChainHead(id=1, seq=0, last_hash=GENESIS))
        db.session.commit()
        limiter.reset()
        seed_demo(db.session)
        db.session.commit()
        _add_webhook_endpoint()
        yield app
        db.session.remove()
        # Users and startups refer to each other (as in tests/conftest.py): SQLite, which
        # cannot drop a foreign key, needs the demo's cycle broken before dropping.
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE startups SET decided_by_id = NULL"))
        db.drop_all()
        db.engine.dispose()


def _add_webhook_endpoint() -> None:
    """The demo has no platform; the secretariat's endpoint, with one delivery, shows the pages."""
    from association.webhooks import service

    staff = db.session.scalars(select(User).where(User.email == SECRETARIAT_EMAIL)).one()
    endpoint, _secret = service.register_endpoint(
        db.session, staff, url="https://93.184.216.34/amt", events=["initiative.closed"]
    )
    service.send_test_event(db.session, staff, endpoint)


def _urls(app) -> list[str]:
    """Every GET page, once for each demo object its address can name."""
    values = _address_values()
    urls: list[str] = []
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in NOT_PAGES or "static" in rule.endpoint:
            continue
        if rule.endpoint.startswith("api."):  # JSON (tests/api); its reference /api/docs is a page
            continue
        if not rule.arguments:
            urls.append(rule.rule)
            continue
        for arguments in values.get(tuple(sorted(rule.arguments)), {}).get(rule.endpoint, []):
            urls.append(adapter.build(rule.endpoint, arguments))
    return urls


def _address_values() -> dict[tuple[str, ...], dict[str, list[dict]]]:
    from association.meetings.models import Meeting
    from association.membership.models import Application
    from association.memoranda.models import Memorandum
    from association.parks.models import Park
    from association.residency.models import HostOffer, ResidencyApplication, ResidencyCall
    from association.voting.models import Initiative
    from association.webhooks.models import WebhookEndpoint

    session = db.session
    parks = session.scalars(select(Park)).all()
    initiatives = session.scalars(select(Initiative)).all()
    meetings = session.scalars(select(Meeting)).all()
    memoranda = session.scalars(select(Memorandum)).all()
    applications = session.scalars(select(Application)).all()
    users = session.scalars(select(User)).all()
    minutes = [m for meeting in meetings for m in meeting.minutes_versions]
    endpoints = session.scalars(select(WebhookEndpoint)).all()
    calls = session.scalars(select(ResidencyCall)).all()
    offers = session.scalars(select(HostOffer)).all()
    residency_applications = session.scalars(select(ResidencyApplication).limit(5)).all()
    by_id = lambda name, rows: [{name: row.id} for row in rows]  # noqa: E731
    return {
        ("slug",): {
            "membership.profile": [{"slug": p.slug} for p in parks],
            "membership.profile_edit": [{"slug": p.slug} for p in parks],
        },
        ("park_id",): {
            "parks.park_detail": by_id("park_id", parks),
            "parks.park_edit": by_id("park_id", parks),
        },
        ("user_id",): {"parks.user_detail": by_id("user_id", users[:4])},
        ("application_id",): {
            "membership.application_detail": by_id("application_id", applications),
            "residency.application_detail": by_id("application_id", residency_applications),
        },
        ("call_id",): {
            endpoint: by_id("call_id", calls)
            for endpoint in (
                "residency_secretariat.call_detail",
                "residency_secretariat.call_edit",
                "residency_secretariat.offer_create",
            )
        },
        ("offer_id",): {
            endpoint: by_id("offer_id", offers)
            for endpoint in ("residency_secretariat.offer_edit", "residency.offer_edit")
        },
        ("initiative_id",): {
            endpoint: by_id("initiative_id", initiatives)
            for endpoint in (
                "voting.initiative_detail",
                "voting.initiative_edit",
                "voting.initiative_close",
            )
        },
        ("meeting_id",): {
            endpoint: by_id("meeting_id", meetings)
            for endpoint in (
                "meetings.meeting_detail",
                "meetings.manage_detail",
                "meetings.manage_edit",
                "meetings.manage_reschedule",
                "meetings.attendance",
            )
        },
        ("meeting_id", "version"): {
            "meetings.minutes_detail": [
                {"meeting_id": m.meeting_id, "version": m.version} for m in minutes
            ]
        },
        ("minutes_id",): {"meetings.minutes_edit": by_id("minutes_id", minutes)},
        ("endpoint_id",): {"webhooks.endpoint_detail": by_id("endpoint_id", endpoints)},
        ("memorandum_id",): {
            endpoint: by_id("memorandum_id", memoranda)
            for endpoint in (
                "memoranda.detail",
                "memoranda.compare_form",
                "memoranda.sign",
                "memoranda.edit",
                "memoranda.parties",
            )
        },
    }


class _Text(HTMLParser):
    """The words a reader sees in the page's language: text, and what labels, placeholders
    and titles say. Left out: scripts, styles, `<code>` (identifiers such as audit actions),
    and whatever is marked as written in another language (a memorandum's texts, the
    switcher's language names)."""

    SPOKEN = ("placeholder", "aria-label", "title", "alt")
    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "wbr",
    }

    def __init__(self, language: str):
        super().__init__(convert_charrefs=True)
        self.language = language
        self.pieces: list[str] = []
        self._open: list[bool] = []  # for each open element: is its text left out?

    def _skipping(self) -> bool:
        return bool(self._open) and self._open[-1]

    def handle_starttag(self, tag, attrs):
        named = dict(attrs)
        skip = (
            self._skipping()
            or tag in ("script", "style", "title", "code")
            or (named.get("lang") not in (None, self.language) and tag != "html")
        )
        if not skip:
            for name, value in attrs:
                if name in self.SPOKEN and value:
                    self.pieces.append(value)
        if tag not in self.VOID:
            self._open.append(skip)

    def handle_endtag(self, tag):
        if tag not in self.VOID and self._open:
            self._open.pop()

    def handle_data(self, data):
        if not self._skipping() and data.strip():
            self.pieces.append(data)


def _pieces(html: str, language: str) -> set[str]:
    parser = _Text(language)
    parser.feed(html)
    return {" ".join(piece.split()) for piece in parser.pieces}


# What reads the same in every language: codes, addresses, zones, hashes, numbers, our names.
_NOT_WORDS = re.compile(
    r"[\w.+-]+@[\w.-]+"  # e-mail addresses
    r"|https?://\S+|/\S*"  # addresses and paths
    r"|\b[A-Z][a-z]+/[A-Za-z_/ -]+"  # time zones (Asia/Almaty, America/New York)
    r"|\b[A-Z2-7]{16,}\b"  # a second factor's secret, to type in by hand
    r"|\b[A-Z]{2,}[\w/.-]*\d[\w/.-]*"  # codes (AMT/MOU/2026/0001, AMT-2026-0003)
    r"|\b[0-9a-f]{8,}\b"  # hashes
    r"|\b(?:PDF|CSV|UTC|TOTP|SHA-256|HMAC|ICS|AMT|OTS|HTML|Markdown|iCalendar|OpenPGP|IT)\b"
)
_WORD = re.compile(r"[A-Za-z]{3,}")
# The time zones, as the account's choice lists them ("America/New York", "GMT", "Zulu").
_ZONES = {zone.replace("_", " ") for zone in available_timezones()}


def _database_text() -> str:
    """Everything the demo association wrote: names, titles, texts, notes."""
    found: list[str] = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text)]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            found.extend(str(v) for v in row if v)
    return " ".join(" ".join(found).split())


_PARTS = re.compile(r"\s*[·,;:()—]\s*")


def _same_in(language: str) -> set[str]:
    """Messages this language writes as English does ("Status" in Azerbaijani, "Logo"), and
    countries it names as English does ("Peru", "Türkiye")."""
    return {
        str(m.string)
        for m in read_catalog(language)
        if m.id and isinstance(m.id, str) and m.string == m.id
    } | set(Locale.parse(language).territories.values())


def _untranslated(english: set[str], other: set[str], data: str, same: set[str]) -> list[str]:
    left = []
    for piece in other & english:
        if piece in same:
            continue
        for part in _PARTS.split(piece):
            if part in data or part in NAMES.values() or part in same or part in _ZONES:
                continue
            if _WORD.search(_NOT_WORDS.sub(" ", part)):
                left.append(piece)
                break
    return sorted(left)


def _client(app, who: str):
    client = app.test_client()
    if who != "visitor":
        email = SECRETARIAT_EMAIL if who == "secretariat" else who
        user = db.session.scalars(select(User).where(User.email == email)).one()
        response = login(client, user, DEMO_PASSWORD)
        assert response.status_code == 302, f"{who} could not sign in"
    return client


def _delegate_email() -> str:
    from association.demo_parks import FOUNDERS, demo_email

    return demo_email("delegate", FOUNDERS[0])


@pytest.mark.parametrize("who", ["visitor", "delegate", "secretariat"])
def test_every_page_speaks_every_language(demo_app, who):
    client = _client(demo_app, _delegate_email() if who == "delegate" else who)
    data = _database_text()
    same = {language: _same_in(language) for language in TRANSLATED}
    opened, problems = 0, defaultdict(list)
    for url in _urls(demo_app):
        separator = "&" if "?" in url else "?"
        english = client.get(f"{url}{separator}lang=en")
        if english.status_code != 200:
            assert english.status_code < 500, f"{url} in English: {english.status_code}"
            continue
        opened += 1
        english_text = _pieces(english.get_data(as_text=True), "en")
        for language in TRANSLATED:
            response = client.get(f"{url}{separator}lang={language}")
            assert response.status_code == 200, f"{url} in {language}: {response.status_code}"
            body = response.get_data(as_text=True)
            assert f'<html lang="{language}">' in body, url
            for piece in _untranslated(english_text, _pieces(body, language), data, same[language]):
                problems[piece].append(f"{language} {url}")
    assert opened > 10
    assert not problems, _report(problems)


def _report(problems: dict[str, list[str]]) -> str:
    """Each untranslated piece once, with where it was seen."""
    lines = [f"{len(problems)} pieces of English left in translated pages:"]
    for piece, seen in sorted(problems.items(), key=lambda pair: -len(pair[1])):
        lines.append(f"  {piece!r} ({len(seen)}×, e.g. {seen[0]})")
    return "\n".join(lines)
