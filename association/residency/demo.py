"""The demo's Digital Nomad programme: the open call "Digital Nomad 2027, spring" with four host
parks and startups in every state of it, and two earlier, closed calls whose residencies have
been completed, so that the programme's figures show flows between the countries across years.

Built through the residency's domain functions, so the demo obeys every rule and the audit log
tells every step. What happened before the seeding (the 2025 and 2026 calls, the applications'
earlier steps) is recorded as it happened (association.history): each domain function is given
the moment it happened (`now`), as the 2022 memorandum and votes are. Idempotent: each step is
taken only when the demo's database does not show it taken yet."""

from __future__ import annotations

import textwrap
import unicodedata
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from association.auth.service import create_user, find_user_by_email, set_park_duties
from association.database import utcnow
from association.demo_parks import DEMO_PASSWORD, SECRETARIAT_EMAIL, demo_email
from association.parks.models import Park, User
from association.residency import applications, calls, decisions, startups, stays
from association.residency.applications import add_months
from association.residency.demo_data import (
    BY_LOGIN,
    COORDINATOR_LOGIN,
    COORDINATORS,
    FOUNDER_LOGIN,
    OFFERS,
    PARKS,
    RULES,
    STARTUPS,
    STORIES,
    DemoCall,
    DemoStartup,
    Stage,
    Story,
    demo_calls,
)
from association.residency.models import (
    ApplicationStatus,
    CallStatus,
    ChoiceStatus,
    DocumentPurpose,
    Residency,
    ResidencyApplication,
    ResidencyCall,
    ResidencyStatus,
    Startup,
    StartupStatus,
)

# --- the seeding ------------------------------------------------------------------------------


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), UTC)


def _park(session: Session, login: str) -> Park:
    return session.scalars(select(Park).where(Park.name_latin == PARKS[login].name_latin)).one()


def founder_email(startup: DemoStartup) -> str:
    return f"founder.{startup.login}@demo.technoparks.example"


def _coordinator(session: Session, login: str) -> User:
    user = find_user_by_email(session, demo_email("coordinator", PARKS[login]))
    if user is None:
        raise LookupError(f"The coordinator of {login} is not seeded yet.")
    return user


def _founder(session: Session, startup: DemoStartup) -> User:
    user = find_user_by_email(session, founder_email(startup))
    if user is None:
        raise LookupError(f"The founder of {startup.name} is not seeded yet.")
    return user


def seed_coordinators(session: Session, secretariat: User) -> None:
    for login, (name, title, _phone) in COORDINATORS.items():
        email = demo_email("coordinator", PARKS[login])
        user = find_user_by_email(session, email)
        if user is None:
            user, _token = create_user(
                session,
                None,
                email=email,
                full_name=name,
                title=title,
                park=_park(session, login),
                password=DEMO_PASSWORD,
            )
        if not user.is_programme_coordinator:
            set_park_duties(
                session,
                secretariat,
                user,
                delegate=False,
                signatory=False,
                programme_coordinator=True,
            )


def _seed_call(session: Session, secretariat: User, demo: DemoCall) -> ResidencyCall:
    call = session.scalar(select(ResidencyCall).where(ResidencyCall.title == demo.title))
    opened = _at(demo.applications_open, 6)
    if call is None:
        call = calls.create_call(
            session,
            secretariat,
            title=demo.title,
            applications_open=demo.applications_open,
            applications_close=demo.applications_close,
            earliest_start=demo.earliest_start,
            latest_start=demo.latest_start,
            min_months=1,
            max_months=6,
            rules=RULES,
            now=opened - timedelta(days=14),
        )
    if call.status == CallStatus.DRAFT:
        for login, places in demo.hosts.items():
            offer, (name, _title, phone) = OFFERS[login], COORDINATORS[login]
            coordinator = _coordinator(session, login)
            calls.set_host_offer(
                session,
                coordinator,
                call,
                _park(session, login),
                places=places,
                workspace=offer.workspace,
                visa_support_letter=offer.visa_support_letter,
                mentoring=offer.mentoring,
                accommodation_help=offer.accommodation_help,
                tax_regime=offer.tax_regime,
                sectors=offer.sectors,
                description=offer.description,
                conditions=offer.conditions,
                contact_name=name,
                contact_email=coordinator.email,
                contact_phone=phone,
                translations=offer.translations,
                now=opened - timedelta(days=7),
            )
        calls.open_call(session, secretariat, call, now=opened)
    return call


def _seed_startup(session: Session, demo: DemoStartup) -> Startup:
    startup = session.scalar(select(Startup).where(Startup.name == demo.name))
    home = _park(session, demo.home)
    registered = _at(demo.registered, 10)
    if startup is None:
        startup, _founder = startups.register_startup(
            session,
            name=demo.name,
            home_park=home,
            registration_number=f"{home.slug.upper()[:6]}-{demo.registered.year}-"
            f"{STARTUPS.index(demo) + 101:04d}",
            website=f"https://{demo.login}.example",
            sector=demo.sector,
            description=demo.product,
            founder_name=demo.founders[0].full_name,
            founder_email=founder_email(demo),
            password=DEMO_PASSWORD,
            language="en",
            now=registered,
        )
    if startup.status == StartupStatus.PENDING:
        startups.confirm_startup(
            session,
            _coordinator(session, demo.home),
            startup,
            now=registered + timedelta(days=2),
        )
    return startup


def pitch_pdf(heading: str, lines: list[str]) -> bytes:
    """A one-page PDF of plain text (Helvetica, so Latin letters only: others are given
    without their accents): the demo's pitch decks and registration extracts."""

    def plain(text: str) -> str:
        text = unicodedata.normalize("NFKD", text.replace("ı", "i"))
        text = "".join(c for c in text if not unicodedata.combining(c))
        text = text.encode("latin-1", "replace").decode("latin-1")
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    shown = [f"/F1 20 Tf ({plain(heading)}) Tj", "/F1 12 Tf"]
    shown += [
        f"T* ({plain(part)}) Tj" for line in lines for part in textwrap.wrap(line, 80) or [""]
    ]
    stream = ("BT 56 780 Td 18 TL " + " ".join(shown) + " ET").encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _documents(demo: DemoStartup, startup: Startup, call: ResidencyCall) -> dict:
    founders = ", ".join(f"{f.full_name} ({f.role})" for f in demo.founders)
    return {
        DocumentPurpose.PITCH_DECK: pitch_pdf(
            demo.name,
            [
                f"Pitch for {call.title}",
                f"Sector: {demo.sector}. Stage: {demo.stage}.",
                demo.product,
                f"Founders: {founders}.",
                f"Home park: {startup.home_park.name_latin}.",
            ],
        ),
        DocumentPurpose.COMPANY_REGISTRATION: pitch_pdf(
            "Extract from the register of residents",
            [
                f"{startup.home_park.name_latin}, {startup.home_park.city}",
                f"Company: {demo.name}",
                f"Resident registration number: {startup.registration_number}",
                f"Resident since {demo.registered.isoformat()}.",
            ],
        ),
    }


def _seed_story(session: Session, story: Story, call: ResidencyCall) -> None:
    demo = BY_LOGIN[story.startup]
    startup = _seed_startup(session, demo)
    founder = _founder(session, demo)
    home_coordinator = _coordinator(session, demo.home)
    past = call.status == CallStatus.CLOSED or call.applications_close < utcnow().date()
    # The application's steps, on days of its call's window (each startup its own day).
    started = _at(call.applications_open + timedelta(days=1 + story.day), 8)
    submitted = started + timedelta(days=1)
    endorsed = submitted + timedelta(days=2)
    # Decisions in a past call came after it closed; in the open call, they are made now.
    decided = _at(call.applications_close + timedelta(days=7), 10) if past else None
    accepted = decided + timedelta(days=2) if decided is not None else None

    application = session.scalar(
        select(ResidencyApplication).where(
            ResidencyApplication.call_id == call.id, ResidencyApplication.startup_id == startup.id
        )
    )
    if application is None:
        application = applications.start_application(session, founder, call, now=started)
    if application.status == ApplicationStatus.DRAFT and not application.choices:
        starts_on = story.starts_on or call.earliest_start
        offers = {offer.park_id: offer for offer in call.offers}
        applications.save_application(
            session,
            founder,
            application,
            product=demo.product,
            stage=demo.stage,
            sector=demo.sector,
            starts_on=starts_on,
            ends_on=add_months(starts_on, story.months) - timedelta(days=1),
            founders=[
                {
                    "full_name": f.full_name,
                    "nationality": f.nationality,
                    "date_of_birth": f.born,
                    "role": f.role,
                }
                for f in demo.founders
            ],
            choices=[
                (
                    offers[_park(session, host).id],
                    f"A desk, {OFFERS[host].sectors.splitlines()[0].lower()} contacts and mentoring.",
                )
                for host in story.hosts
            ],
            now=started + timedelta(minutes=20),
        )
    attached = {document.purpose for document in application.documents}
    if application.status == ApplicationStatus.DRAFT and len(attached) < len(DocumentPurpose):
        for purpose, content in _documents(demo, startup, call).items():
            applications.attach_document(
                session,
                founder,
                application,
                purpose,
                f"{demo.login}-{purpose.replace('_', '-')}.pdf",
                content,
                now=started + timedelta(minutes=40),
            )
    if story.stage >= Stage.SUBMITTED and application.status == ApplicationStatus.DRAFT:
        applications.submit_application(session, founder, application, now=submitted)
    if (
        story.stage >= Stage.ENDORSED
        and application.status == ApplicationStatus.AWAITING_ENDORSEMENT
    ):
        applications.endorse_application(session, home_coordinator, application, now=endorsed)
    if application.status == ApplicationStatus.ENDORSED:
        _hosts_decide(session, story, application, decided)
        if story.stage >= Stage.ACCEPTED:
            offered = next(c for c in application.choices if c.status == ChoiceStatus.OFFERED)
            decisions.accept_offer(session, founder, offered, now=accepted)
    residency = session.scalar(
        select(Residency).where(Residency.choice_id.in_([c.id for c in application.choices]))
    )
    if residency is None:
        return
    _seed_stay(session, story, founder, residency)


def _hosts_decide(
    session: Session,
    story: Story,
    application: ResidencyApplication,
    decided: datetime | None,
) -> None:
    for choice in application.choices:
        host = next(h for h in story.hosts if _park(session, h).id == choice.offer.park_id)
        coordinator = _coordinator(session, host)
        if story.question is not None and story.question[0] == host:
            _host, question, answer = story.question
            if not choice.questions:
                decisions.ask_question(session, coordinator, choice, question)
            asked = choice.questions[0]
            if answer and asked.answered_at is None:
                founder = _founder(session, BY_LOGIN[story.startup])
                decisions.answer_question(session, founder, asked, answer)
        if host in story.decisions and choice.status == ChoiceStatus.UNDER_REVIEW:
            decision, reason = story.decisions[host]
            decisions.decide(session, coordinator, choice, decision, reason, now=decided)


def _seed_stay(session: Session, story: Story, founder: User, residency: Residency) -> None:
    host = next(h for h in story.hosts if _park(session, h).id == residency.host_park_id)
    coordinator = _coordinator(session, host)
    if story.stage >= Stage.CHECKED_IN and residency.status == ResidencyStatus.UPCOMING:
        stays.check_in(session, coordinator, residency, now=_at(residency.starts_on))
    if story.extended_months and residency.status == ResidencyStatus.ACTIVE:
        stays.extend_residency(
            session,
            coordinator,
            residency,
            add_months(residency.starts_on, story.months + story.extended_months)
            - timedelta(days=1),
            reason="A pilot with two Bishkek marketplaces runs until the end of the winter.",
        )
    if story.stage >= Stage.COMPLETED and residency.status in stays.IN_RESIDENCY:
        stays.check_out(session, coordinator, residency, residency.ends_on)
    if story.report and residency.reported_at is None and residency.checked_out_at is not None:
        reported = min(residency.checked_out_at + timedelta(days=6), utcnow())
        stays.submit_final_report(session, founder, residency, story.report, now=reported)
    if story.listed and not residency.startup.listed_publicly:
        startups.set_listed_publicly(session, founder, residency.startup, True)


def seed_residency(session: Session) -> None:
    """The programme's demo: coordinators, three calls, twenty startups and their stories."""
    secretariat = find_user_by_email(session, SECRETARIAT_EMAIL)
    if secretariat is None:
        raise LookupError(
            "The secretariat's account is not seeded: the parks' accounts come first."
        )
    seed_coordinators(session, secretariat)
    for demo in demo_calls(utcnow().date()):
        call = _seed_call(session, secretariat, demo)
        for story in (story for story in STORIES if story.call == demo.title):
            _seed_story(session, story, call)
        if demo.closed and call.status == CallStatus.OPEN:
            calls.close_call(
                session,
                secretariat,
                call,
                now=_at(demo.applications_close + timedelta(days=1), 0),
            )


def residency_logins() -> list[tuple[str, str]]:
    """The demo logins the programme adds: a founder and a host park's coordinator."""
    founder = BY_LOGIN[FOUNDER_LOGIN]
    park = PARKS[COORDINATOR_LOGIN]
    return [
        (founder_email(founder), f"founder of {founder.name} (startup, an offer to answer)"),
        (
            demo_email("coordinator", park),
            f"programme coordinator of {park.name_latin} (host)",
        ),
    ]
