"""Demo data from the 2022 memorandum: idempotent, built through the same domain functions
as the pages, so the demo obeys every rule. Each area builds its part in its own demo.py."""

from __future__ import annotations

import pyotp
from sqlalchemy import select
from sqlalchemy.orm import Session

from association.auth.second_factor import begin_enrolment, confirm_enrolment
from association.auth.service import create_user, find_user_by_email
from association.demo_parks import (
    ADMIN_EMAIL,
    CANDIDATES,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    FOUNDED,
    FOUNDERS,
    SECRETARIAT_EMAIL,
    demo_email,
)
from association.meetings.demo import seed_meetings
from association.membership.demo import seed_membership
from association.memoranda.demo import seed_memoranda
from association.parks.models import Park, ParkStatus, Role, User
from association.parks.service import create_park
from association.residency.demo import residency_logins, seed_residency
from association.voting.demo import seed_voting
from association.webhooks.demo import MANAGER_EMAIL, seed_integration


def _ensure_user(session: Session, email: str, full_name: str, **kwargs) -> User:
    user = find_user_by_email(session, email)
    if user is None:
        user, _token = create_user(
            session, None, email=email, full_name=full_name, password=DEMO_PASSWORD, **kwargs
        )
    return user


def _ensure_second_factor(session: Session, user: User) -> None:
    if not user.has_second_factor:
        begin_enrolment(session, user, secret=DEMO_TOTP_SECRET)
        confirm_enrolment(session, user, pyotp.TOTP(DEMO_TOTP_SECRET).now())


def seed_parks_and_users(session: Session) -> None:
    for email, name, role, title in (
        (ADMIN_EMAIL, "Kanat Bekov", Role.ADMIN, "Platform administrator"),
        (SECRETARIAT_EMAIL, "Saule Omarova", Role.SECRETARIAT, "Secretary General"),
    ):
        _ensure_second_factor(session, _ensure_user(session, email, name, role=role, title=title))
    for demo in FOUNDERS + CANDIDATES:
        park = session.scalar(select(Park).where(Park.name_latin == demo.name_latin))
        if park is None:
            park = create_park(
                session,
                None,
                name_latin=demo.name_latin,
                name_native=demo.name_native,
                country=demo.country,
                city=demo.city,
                website=demo.website,
                status=demo.status,
                member_since=FOUNDED if demo.status == ParkStatus.MEMBER else None,
                reason="Founding member: memorandum of 28 September 2022"
                if demo.status == ParkStatus.MEMBER
                else "Candidate: took part in the 2022 exhibition",
            )
        (delegate, delegate_title), (signatory, signatory_title) = demo.delegate, demo.signatory
        _ensure_user(
            session,
            demo_email("delegate", demo),
            delegate,
            title=delegate_title,
            park=park,
            delegate=True,
        )
        _ensure_user(
            session,
            demo_email("signatory", demo),
            signatory,
            title=signatory_title,
            park=park,
            signatory=True,
        )


# Each area's part, in the order their data depend on each other.
SEEDERS = [
    seed_parks_and_users,
    seed_membership,
    seed_voting,
    seed_meetings,
    seed_memoranda,
    seed_integration,
    seed_residency,
]


def seed_demo(session: Session) -> list[tuple[str, str]]:
    """Create whatever of the demo association is missing; returns the demo logins (e-mail, who)."""
    for seeder in SEEDERS:
        seeder(session)
    logins = [(ADMIN_EMAIL, "administrator"), (SECRETARIAT_EMAIL, "secretariat")]
    for demo in FOUNDERS:
        logins.append((demo_email("delegate", demo), f"delegate of {demo.name_latin}"))
        logins.append((demo_email("signatory", demo), f"signatory of {demo.name_latin}"))
    logins.append((MANAGER_EMAIL, f"integration manager of {FOUNDERS[0].name_latin}"))
    logins.extend(residency_logins())
    return logins
