"""What tests build their world with: factory functions that go through the domain functions
(so no test holds an impossible state), and the steps a person takes in the browser.

Fixtures live in conftest.py and call these; tests import from here, never from a conftest.
"""

from __future__ import annotations

import itertools
import os
import re

import pyotp
from sqlalchemy import update
from sqlalchemy.orm import Session

from association.api.models import ApiToken
from association.api.personal_tokens import create_token
from association.auth.second_factor import begin_enrolment, confirm_enrolment
from association.auth.service import create_user
from association.extensions import db
from association.parks.models import Park, ParkStatus, Role, User
from association.parks.service import create_park

PASSWORD = "correct horse battery staple"
# The reason a test gives when it closes a vote by hand before its deadline (close_vote asks).
EARLY = "Every park has voted: the secretariat closes voting early."
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")

# Unique names and e-mail addresses across the run.
_serial = itertools.count(1)


def make_park(
    session: Session,
    name_latin: str | None = None,
    *,
    country: str = "KZ",
    status: ParkStatus = ParkStatus.MEMBER,
    language: str = "en",
    **kwargs,
) -> Park:
    # English unless a test asks otherwise, whatever the country: tests read English pages.
    return create_park(
        session,
        None,
        name_latin=name_latin or f"Test Park {next(_serial)}",
        country=country,
        status=status,
        language=language,
        **kwargs,
    )


def make_user(
    session: Session,
    *,
    role: Role = Role.MEMBER,
    park: Park | None = None,
    email: str | None = None,
    full_name: str | None = None,
    password: str | None = PASSWORD,
    **kwargs,
) -> User:
    n = next(_serial)
    user, _token = create_user(
        session,
        None,
        email=email or f"user{n}@example.org",
        full_name=full_name or f"Test User {n}",
        role=role,
        park=park,
        password=password,
        **kwargs,
    )
    return user


def enrol_second_factor(session, user) -> None:
    """Set up the user's TOTP second factor, as the enrolment page does."""
    begin_enrolment(session, user)
    confirm_enrolment(session, user, pyotp.TOTP(user.totp_secret).now())


def make_api_token(
    session: Session,
    user: User,
    *,
    name: str = "Park portal",
    scopes: tuple[str, ...] = ("read",),
    days: int = 90,
) -> tuple[ApiToken, str]:
    """A personal API token of the user and its secret, made as the account's page makes it
    (staff as if their session had passed the second factor)."""
    return create_token(
        session, user, name=name, scopes=scopes, days=days, second_factor_passed=True
    )


def bearer(session: Session, user: User, *scopes: str) -> dict[str, str]:
    """The Authorization header of a new personal API token of the user (scope read unless
    others are given), as a park's platform sends it."""
    _token, secret = make_api_token(session, user, scopes=scopes or ("read",))
    return {"Authorization": f"Bearer {secret}"}


def current_code(session, user) -> str:
    """A code the user's authenticator would show now; tests may reuse a time step."""
    session.execute(update(User).where(User.id == user.id).values(totp_last_step=None))
    session.commit()
    return pyotp.TOTP(session.get(User, user.id).totp_secret).now()


def login(client, user, password: str = PASSWORD):
    """Sign in through the form as a person would, with the second factor when the user has
    one; returns the last response."""
    response = client.post("/login", data={"email": user.email, "password": password})
    if response.status_code == 302 and "/login/second-factor" in response.headers["Location"]:
        response = client.post(
            response.headers["Location"], data={"code": current_code(db.session, user)}
        )
    return response


def without_return_address(page: bytes) -> bytes:
    """The page without the language switcher's way back (which names the page's own path)."""
    return re.sub(rb'name="next" value="[^"]*"', b'name="next"', page)


def csrf_token_from(html: str) -> str:
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert found, "no CSRF token in the page"
    return found.group(1)


def make_integration_manager(session: Session, actor: User, park: Park, **kwargs) -> User:
    """A user of `park` who registers its webhook endpoints (the duty the secretariat gives)."""
    from association.auth.service import set_park_duties

    user = make_user(session, park=park, **kwargs)
    set_park_duties(session, actor, user, delegate=False, signatory=False, integration_manager=True)
    return user


# --- the residency programme ------------------------------------------------------------


def residency_pdf(title: str = "") -> bytes:
    """A small readable PDF; a different `title` gives a different file."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if title:
        writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def make_coordinator(session: Session, actor: User | None, park: Park, **kwargs) -> User:
    """A user of `park` with the programme coordinator's duty (given by `actor`, staff)."""
    from association.auth.service import set_park_duties

    user = make_user(session, park=park, **kwargs)
    if actor is None:
        actor = make_user(session, role=Role.SECRETARIAT)
    set_park_duties(
        session, actor, user, delegate=False, signatory=False, programme_coordinator=True
    )
    return user


def make_startup(session: Session, park: Park, confirmed: bool = True, **kwargs):
    """A startup of home park `park` and its founder's account, registered as on
    /residency/register and (unless `confirmed` is false) confirmed by the home park."""
    from association.residency.startups import confirm_startup, register_startup

    n = next(_serial)
    fields = dict(
        name=f"Startup {n}",
        home_park=park,
        registration_number=f"R-{n:05d}",
        website="",
        sector="Fintech",
        description="A test startup.",
        founder_name=f"Founder {n}",
        founder_email=f"founder{n}@startup.example",
        password=PASSWORD,
        language="en",
    )
    fields.update(kwargs)
    startup, founder = register_startup(session, **fields)
    if confirmed:
        confirm_startup(session, None, startup)
    return startup, founder


def make_call(
    session: Session,
    staff: User | None,
    hosts: list[Park],
    places: int = 2,
    open: bool = True,  # noqa: A002  (the call's own word)
    **kwargs,
):
    """A call taking applications today (window from 10 days ago to 30 days ahead; starts
    40 to 120 days ahead; 1 to 6 months), each host offering `places`."""
    from datetime import timedelta

    from association.database import utcnow
    from association.residency.calls import create_call, open_call, set_host_offer

    today = utcnow().date()
    fields = dict(
        title=f"Digital Nomad {next(_serial)}",
        applications_open=today - timedelta(days=10),
        applications_close=today + timedelta(days=30),
        earliest_start=today + timedelta(days=40),
        latest_start=today + timedelta(days=120),
        min_months=1,
        max_months=6,
        rules="The programme's rules.",
    )
    fields.update(kwargs)
    call = create_call(session, staff, **fields)
    for host in hosts:
        set_host_offer(
            session,
            staff,
            call,
            host,
            places=places,
            workspace=True,
            visa_support_letter=True,
            mentoring=False,
            accommodation_help=False,
            tax_regime="No corporate income tax for residents.",
            sectors="",
            description="A desk and the residency's benefits.",
            conditions="",
            contact_name="Host Contact",
            contact_email="host@example.org",
            contact_phone="",
        )
    if open:
        open_call(session, staff, call)
    return call


def offer_of(call, park: Park):
    return next(offer for offer in call.offers if offer.park_id == park.id)


def make_residency_application(
    session: Session,
    founder: User,
    call,
    hosts: list[Park],
    submit: bool = True,
    endorse_by: User | None = None,
    *,
    months: int = 3,
):
    """The founder's application in `call` to `hosts` (in that order), complete with two
    small PDFs; submitted unless `submit` is false; endorsed by `endorse_by` when given."""
    from datetime import timedelta

    from association.residency import applications
    from association.residency.applications import add_months
    from association.residency.models import DocumentPurpose

    application = applications.start_application(session, founder, call)
    starts_on = call.earliest_start
    applications.save_application(
        session,
        founder,
        application,
        product="A product.",
        stage="prototype",
        sector="Fintech",
        starts_on=starts_on,
        ends_on=add_months(starts_on, months) - timedelta(days=1),
        founders=[
            {"full_name": "Aruzhan Test", "nationality": "KZ", "date_of_birth": None, "role": "CEO"}
        ],
        choices=[(offer_of(call, host), "A desk.") for host in hosts],
    )
    for purpose in DocumentPurpose:
        applications.attach_document(
            session,
            founder,
            application,
            purpose,
            f"{purpose}.pdf",
            residency_pdf(f"{purpose} {application.id}"),
        )
    if submit:
        applications.submit_application(session, founder, application)
        if endorse_by is not None:
            applications.endorse_application(session, endorse_by, application)
    return application
