"""Schemathesis against the application in this process: every operation the OpenAPI document
has (so resources added later are covered without a change here), as a member park's
delegate and as the secretariat, with requests made from the document's schemas, valid and
not. No answer is a server error, and every answer is one the document declares: its status,
its media type, its body.

The database holds something for each operation to find: member, observer and suspended
parks, a certificate, initiatives open (public, secret, options), scheduled, draft and closed
(public and secret, with ballots and a frozen result), meetings to come and held, a memorandum
in circulation, an application, a residency call with an application and a residency."""

from __future__ import annotations

import contextvars
import tempfile
from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.core.parameters import ParameterLocation

from association import create_app
from association.audit.log import GENESIS
from association.audit.models import AuditChainHead
from association.database import utcnow
from association.extensions import db, limiter
from association.meetings.models import MeetingKind
from association.meetings.scheduling import create_meeting
from association.membership.documents import issue_certificate
from association.memoranda import circulation, drafting
from association.parks.models import ParkStatus, Role
from association.parks.service import change_park_status, slugify
from association.residency.decisions import Decision, accept_offer, decide
from association.residency.startups import set_listed_publicly
from association.residency.stays import check_in
from association.voting.ballots import cast_ballot
from association.voting.initiatives import create_initiative, schedule_initiative
from association.voting.models import BallotKind
from association.voting.votes import close_vote, open_vote
from tests.factories import (
    EARLY,
    POSTGRES_URL,
    enrol_second_factor,
    make_api_token,
    make_call,
    make_coordinator,
    make_park,
    make_residency_application,
    make_startup,
    make_user,
)
from tests.membership.conftest import submit_confirmed


class _Server:
    """The WSGI application Schemathesis calls: the running test's, with each request in a
    context of its own (its own app context, `g` and database session) as a server runs it,
    not in the test's, which holds the factories' session."""

    app = None

    def __call__(self, environ, start_response):
        return contextvars.Context().run(self.app, environ, start_response)


SERVER = _Server()


@pytest.fixture(scope="module")
def world(tmp_path_factory, postgres_schema):
    """One application and database for every operation and reader (a certificate alone takes
    seconds to render and seal): parks, people and initiatives in every state, and a token for
    each reader. The ballots Schemathesis casts change it as it goes, as clients would."""
    instance = tmp_path_factory.mktemp("schemathesis")
    config = {
        "TESTING": True,
        "INSTANCE_PATH": str(instance / "instance"),
        "SECRET_KEY": "test-secret-key",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "RATELIMIT_STORAGE_URI": "memory://",
        # The requests come in their hundreds within a minute: the limit is another test's.
        "API_RATE_LIMIT": "100000 per minute",
        "WTF_CSRF_ENABLED": False,
        "BASE_URL": "http://localhost",
        "MAIL_SERVER": None,
    }
    if postgres_schema is None:
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'test.db'}"
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"check_same_thread": False}}
    else:
        config["SQLALCHEMY_DATABASE_URI"] = POSTGRES_URL
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "connect_args": {"options": f"-csearch_path={postgres_schema}"}
        }
    app = create_app(config)
    with app.app_context():
        db.create_all()
        db.session.add(AuditChainHead(id=1, seq=0, last_hash=GENESIS))
        db.session.commit()
        limiter.reset()
        tokens = _arrange(db.session)
        db.session.remove()
        yield app, tokens
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def _meetings_memoranda_and_an_application(session, secretariat, astana, sabah) -> None:
    """A meeting to come and one held, a memorandum in circulation between two parks with a
    signatory each, and a confirmed application: for the other areas' operations to find."""
    start = utcnow().replace(microsecond=0)
    for title, starts_at, actor in (
        ("General Assembly", start + timedelta(days=7), secretariat),
        ("Heads' panel", start - timedelta(days=7), None),  # recorded from the command line
    ):
        create_meeting(
            session,
            actor,
            kind=MeetingKind.GENERAL_ASSEMBLY,
            title=title,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=3),
            timezone="Asia/Tashkent",
            place="IT Park, Tashkent",
            historical=actor is None,
        )
    for park in (astana, sabah):
        make_user(session, park=park, signatory=True, title="Director")
    memorandum = drafting.create_memorandum(
        session,
        secretariat,
        title="Memorandum of cooperation",
        place="Astana",
        texts={"en": "## Article 1. Purpose\n\nThe Parties agree to cooperate.\n"},
    )
    for park in (astana, sabah):
        drafting.add_member_party(session, secretariat, memorandum, park)
    circulation.circulate(session, secretariat, memorandum)
    submit_confirmed(session)  # the membership tests' own application


def _residency_programme(session, secretariat, astana, sabah) -> None:
    """An open call with Sabah Lab as host, a draft call, and a startup of Astana Hub accepted
    there, checked in and named publicly: an application, an offer and a residency to find."""
    home_coordinator = make_coordinator(session, secretariat, astana)
    host_coordinator = make_coordinator(session, secretariat, sabah)
    call = make_call(session, secretariat, [sabah])
    make_call(session, secretariat, [sabah], open=False)
    startup, founder = make_startup(session, astana)
    application = make_residency_application(
        session, founder, call, [sabah], endorse_by=home_coordinator
    )
    decide(session, host_coordinator, application.choices[0], Decision.ACCEPT)
    residency = accept_offer(session, founder, application.choices[0])
    check_in(session, host_coordinator, residency)
    set_listed_publicly(session, founder, startup, True)


PARK_NAMES = ("Astana Hub", "Sabah Lab", "IT Park Uzbekistan", "Tech Garden")


def _arrange(session) -> dict[str, str]:
    secretariat = make_user(session, role=Role.SECRETARIAT)
    enrol_second_factor(session, secretariat)
    astana = make_park(session, "Astana Hub", name_native="Астана Хаб", city="Astana")
    delegate = make_user(session, park=astana, delegate=True)
    make_user(session, park=astana)
    sabah = make_park(session, "Sabah Lab", country="AZ", website="https://sabahlab.example")
    sabah_delegate = make_user(session, park=sabah, delegate=True)
    make_park(session, "IT Park Uzbekistan", country="UZ", status=ParkStatus.OBSERVER)
    quiet = make_park(session, "Tech Garden", country="KG")
    issue_certificate(session, None, astana)

    def open_one(title: str, **rules):
        initiative = create_initiative(session, secretariat, title=title, **rules)
        return open_vote(session, secretariat, initiative, closes_at=utcnow() + timedelta(days=7))

    public = open_one("Joint accelerator programme 2027")
    secret = open_one("Secretariat budget 2027", secret=True)
    options = open_one(
        "Host of the 2027 forum", ballot_kind=BallotKind.OPTIONS, options=["Astana", "Baku"]
    )
    closed_public = open_one("Common startup passport")
    closed_secret = open_one("Election of the auditor", secret=True)
    for initiative, choice in ((public, "for"), (secret, "against"), (options, "2")):
        cast_ballot(session, sabah_delegate, initiative, choice)
    for initiative in (closed_public, closed_secret):
        cast_ballot(session, sabah_delegate, initiative, "for")
        cast_ballot(session, delegate, initiative, "against")
        close_vote(session, secretariat, initiative, reason=EARLY)
    _meetings_memoranda_and_an_application(session, secretariat, astana, sabah)
    _residency_programme(session, secretariat, astana, sabah)
    later = create_initiative(session, secretariat, title="Shared data centre")
    schedule_initiative(
        session, secretariat, later, utcnow() + timedelta(days=2), utcnow() + timedelta(days=9)
    )
    create_initiative(session, secretariat, title="A draft only the secretariat sees")
    change_park_status(session, secretariat, quiet, ParkStatus.SUSPENDED, "Fees unpaid")

    return {
        "delegate": make_api_token(session, delegate, scopes=("read", "vote"))[1],
        "secretariat": make_api_token(session, secretariat)[1],
    }


# A request the document calls valid may still name what the API does not know: a cursor it
# never gave, a choice not on this ballot. The API refuses those with 400 and the page's
# sentence; a 422 (the models refuse what the document allows) stays a failure.
VALID_MAY_BE_REFUSED = ["2xx", "3xx", "400", "401", "403", "404", "409", "429"]


def _load_schema():
    """The document as /api/v1/openapi.json serves it. It is needed when the tests are
    collected, before any test's application exists, so an application made for nothing else
    (with an empty database: a GET settles due votes first) serves it.
    (schemathesis.pytest.from_fixture would load it from a fixture, but it sets a pytest
    node's `_nodeid`, which pytest 9.2 no longer has.)"""
    config = {"checks": {"positive_data_acceptance": {"expected-statuses": VALID_MAY_BE_REFUSED}}}
    with tempfile.TemporaryDirectory() as instance:
        SERVER.app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "only-to-serve-the-document",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/document.db",
                "INSTANCE_PATH": instance,
                "MAIL_SERVER": None,
            }
        )
        with SERVER.app.app_context():
            db.create_all()
            try:
                return schemathesis.openapi.from_wsgi(
                    "/api/v1/openapi.json", SERVER, config=schemathesis.Config.from_dict(config)
                )
            finally:
                db.session.remove()
                db.engine.dispose()


schema = _load_schema()

# Ids and slugs the world holds, and choices on its ballots: valid values drawn at random
# would almost never name one, and the operations would answer nothing but 404 and 400.
IDS = st.integers(min_value=1, max_value=9)
SLUGS = st.sampled_from([slugify(name) for name in PARK_NAMES])
CHOICES = st.sampled_from(["for", "against", "abstain", "1", "2"])
INT32 = range(-(2**31), 2**31)


def _or_one_that_exists(name: str, value):
    if isinstance(value, int) and not isinstance(value, bool) and value in INT32:
        return st.one_of(IDS, st.just(value)) if name.endswith("_id") else st.just(value)
    if isinstance(value, str) and name == "slug":
        return st.one_of(SLUGS, st.just(value))
    return st.just(value)


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    # Only values valid already are swapped for another valid one: a negative case stays one.
    if not path_parameters:
        return st.just(path_parameters)
    return st.fixed_dictionaries(
        {name: _or_one_that_exists(name, value) for name, value in path_parameters.items()}
    )


@schema.hook
def flatmap_body(context, body):
    if not (
        isinstance(body, dict)
        and set(body) == {"choice"}
        and isinstance(body["choice"], str)
        and 1 <= len(body["choice"]) <= 20
    ):
        return st.just(body)
    return st.one_of(CHOICES.map(lambda choice: {"choice": choice}), st.just(body))


@pytest.fixture(autouse=True)
def serving(world):
    SERVER.app = world[0]
    yield
    SERVER.app = None


@pytest.fixture(params=["delegate", "secretariat"])
def credentials(request, world) -> dict[str, str]:
    """The headers of a member park's delegate, or of the secretariat."""
    return {"Authorization": f"Bearer {world[1][request.param]}"}


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    # The world is built once per operation and reader, not per example: a fixture's job.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_answers_as_the_document_says(case, credentials):
    # A case made to lack the token its operation requires goes without one: adding it would
    # make the request valid, and the API's 200 would read as invalid data accepted.
    lacks_the_token = (
        case.meta is not None
        and case.meta.is_negative_at(ParameterLocation.HEADER)
        and "authorization" not in {name.lower() for name in case.headers or {}}
    )
    case.call_and_validate(headers=None if lacks_the_token else credentials)
