"""The data set's parks and their people: the parks and their delegates through the
application, the other members in bulk, and the certificates issued through the membership area.
"""

from __future__ import annotations

from bench.bulk_insert import bulk_insert
from bench.dataset_sizes import CERTIFIED_PARKS, PARKS, USERS
from bench.http_client import PASSWORD

COUNTRIES = ["KZ", "TR", "AZ", "UZ", "KG", "HU", "TM"]
CHEAP_HASH = "pbkdf2:sha256:1000"  # as tests/conftest.py: scrypt would dominate the set-up


def parks_and_delegates(session) -> tuple[list, list[str]]:
    """Parks and their delegates, through the application (audited, passwords set)."""
    from association.auth.service import create_user
    from association.parks.service import create_park

    parks = []
    for n in range(PARKS):
        parks.append(
            create_park(
                session,
                None,
                name_latin=f"Technopark {n + 1:03d}",
                country=COUNTRIES[n % 7],
                city=f"City {n % 40}",
                website=f"https://park{n + 1}.example",
            )
        )
    delegates = []
    for n, park in enumerate(parks):
        user, _ = create_user(
            session,
            None,
            email=f"delegate{n}@bench.example",
            full_name=f"Delegate {n + 1}",
            title="Director",
            park=park,
            delegate=True,
            password=PASSWORD,
        )
        delegates.append(user.email)
    return parks, delegates


def bulk_members(session, parks: list, now) -> None:
    """The other members: staff of the parks without a role in the benchmark."""
    from werkzeug.security import generate_password_hash

    from association.parks.models import Role, User

    password_hash = generate_password_hash(PASSWORD, method=CHEAP_HASH)
    bulk_insert(
        session,
        User,
        [
            {
                "email": f"member{n}@bench.example",
                "full_name": f"Member {n + 1}",
                "title": "Manager",
                "password_hash": password_hash,
                "role": Role.MEMBER,
                "park_id": parks[n % PARKS].id,
                "created_at": now,
            }
            for n in range(USERS - PARKS - 7)
        ],
    )
    session.commit()


def issue_certificates(session, parks: list) -> list[int]:
    from association.membership.documents import issue_certificate

    certified = list(range(CERTIFIED_PARKS))
    for n in certified:
        issue_certificate(session, None, parks[n])
    return certified
