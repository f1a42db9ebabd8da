"""Helpers for the adversarial suite: every route of the app, a fingerprint of the database,
a check that nothing changed, a check for executable markup, and a small world of two parks."""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select
from werkzeug.routing import IntegerConverter

from association.audit.log import verify_chain
from association.database import utcnow
from association.extensions import db

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
AUDIT_TABLES = {"audit_events", "audit_chain_head"}


def is_integer(rule, argument: str) -> bool:
    return isinstance(rule._converters[argument], IntegerConverter)


def concrete_path(rule) -> str:
    """The rule's path with every argument filled in (ids that exist in the fixtures' data)."""
    values = {}
    for argument in rule.arguments:
        values[argument] = 1 if is_integer(rule, argument) else "x"
    return rule.build(values, append_unknown=False)[1]


def routes(app, *, methods: set[str], prefix: str = "") -> list[tuple[str, str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("static", "bootstrap.static") or not rule.rule.startswith(prefix):
            continue
        for method in sorted((rule.methods or set()) & methods):
            found.append((method, concrete_path(rule), rule.endpoint))
    return found


# Not data: how many times the change lock was taken (the API's ETags are made from it),
# which a change that finds nothing to write moves too.
_COUNTERS = {"audit_chain_head": {"changes"}}


def _table_digest(table) -> str:
    columns = [c for c in table.columns if c.name not in _COUNTERS.get(table.name, ())]
    rows = db.session.execute(select(*columns).order_by(*table.primary_key.columns)).all()
    return hashlib.sha256(repr([tuple(row) for row in rows]).encode()).hexdigest()


def database_fingerprint(*, without: set[str] = frozenset()) -> dict[str, tuple[int, str]]:
    """Row count and a digest of the contents of every table: a refused request leaves them all
    as they were (an update is caught as well as an insert)."""
    db.session.expire_all()
    return {
        table.name: (
            db.session.scalar(select(func.count()).select_from(table)),
            _table_digest(table),
        )
        for table in db.metadata.sorted_tables
        if table.name not in without
    }


@contextmanager
def nothing_changes(*, audited: bool = False):
    """Nothing in the database changes inside the block, and the audit chain still verifies.

    audited=True: the refusal itself may be written to the audit log (and nothing else)."""
    without = AUDIT_TABLES if audited else frozenset()
    before = database_fingerprint(without=without)
    yield
    assert database_fingerprint(without=without) == before
    assert verify_chain(db.session).intact


def refused(response, status: int, *words: str) -> str:
    """The response is the refusal (never a 500) on a readable page that says why."""
    page = response.get_data(as_text=True)
    assert response.status_code == status, (response.status_code, page[:500])
    for word in words:
        assert word in page, (word, page[:2000])
    return page


class _Executable(HTMLParser):
    DANGEROUS_TAGS = {
        "script",
        "iframe",
        "svg",
        "object",
        "embed",
        "frame",
        "frameset",
        "base",
        "math",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.DANGEROUS_TAGS and not (tag == "script" and self._ours(attrs)):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            target = "".join((value or "").split()).lower()
            if name in ("href", "src", "action", "formaction", "xlink:href", "data") and (
                target.startswith(("javascript:", "vbscript:", "data:text/html"))
            ):
                self.found.append(f"<{tag} {name}={value}>")

    handle_startendtag = handle_starttag

    @staticmethod
    def _ours(attrs) -> bool:
        # base.html loads Bootstrap's script from our own static files, and nothing else.
        source = dict(attrs).get("src") or ""
        return source.startswith(("/bootstrap/static/", "/static/"))


def executable_markup(page: str) -> list[str]:
    """Every tag or attribute in the page that would run script (our pages have none of their own)."""
    parser = _Executable()
    parser.feed(page)
    return parser.found


# Payloads for every field; none may come back as markup that runs.
XSS_PAYLOADS = [
    '<script>alert("xss")</script>',
    "<img src=x onerror=alert(1)>",
    '[click me](javascript:alert(1)) <a href="javascript:alert(1)">link</a>',
    '<iframe src="https://evil.example/"></iframe>',
    '"><svg onload=alert(1)>',
]
XSS_ALL = " ".join(XSS_PAYLOADS)


# --- a small world: our park (Astana Hub, the `park` fixture) and another park -------------


@pytest.fixture
def other_park(make_park):
    return make_park("Sabah Lab", country="AZ", city="Baku")


@pytest.fixture
def other_delegate(make_user, other_park):
    return make_user(
        park=other_park,
        delegate=True,
        signatory=True,
        email="director@sabah.example",
        full_name="Leyla Hasanova",
        title="Director",
    )


@pytest.fixture
def third_park(make_park):
    return make_park("High Technology Park", country="KG", city="Bishkek")


@pytest.fixture
def populated(secretariat, park, delegate, member):
    """Some of everything, so that ids like 1 exist."""
    return {"secretariat": secretariat, "park": park, "delegate": delegate, "member": member}


@pytest.fixture
def open_initiative(session, secretariat, park, delegate, other_park, other_delegate):
    from association.voting.initiatives import create_initiative
    from association.voting.votes import open_vote

    initiative = create_initiative(session, secretariat, title="Joint accelerator programme 2027")
    return open_vote(session, secretariat, initiative, closes_at=utcnow() + timedelta(days=7))


@pytest.fixture
def foreign_memorandum(session, secretariat, other_park, other_delegate, third_park, make_user):
    """A non-public memorandum between two other parks, out for signature (Astana Hub is no party)."""
    from association.memoranda import circulation, drafting

    make_user(park=third_park, signatory=True, full_name="Bakyt Osmonov", title="Director")
    memorandum = drafting.create_memorandum(
        session,
        secretariat,
        title="Sabah and Bishkek",
        place="Baku",
        texts={"en": "## Article 1\n\nThe Parties cooperate."},
    )
    drafting.add_member_party(session, secretariat, memorandum, other_park)
    drafting.add_member_party(session, secretariat, memorandum, third_park)
    circulation.circulate(session, secretariat, memorandum)
    return memorandum


from tests.membership.conftest import FORM as APPLICATION_FORM  # noqa: E402,F401
from tests.membership.conftest import make_application, pdf_bytes  # noqa: E402,F401
