"""The voting area's demo: the charter adopted by the six founders (closed, passed), the joint
accelerator programme (open, some parks have voted; its title and summary also in Kazakh,
Turkish, Russian and Azerbaijani) and a budget in draft. Idempotent, and built through the
domain functions, so the demo obeys every rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session

from association.auth.service import find_user_by_email
from association.database import utcnow
from association.demo_parks import FOUNDERS, SECRETARIAT_EMAIL, demo_email
from association.parks.models import User
from association.voting.ballots import cast_ballot
from association.voting.initiatives import create_initiative
from association.voting.models import Initiative, InitiativeKind, Majority
from association.voting.votes import close_vote, open_vote

CHARTER = "Adoption of the association's charter"
ACCELERATOR = "Joint accelerator programme 2027"
BUDGET = "Budget of the association for 2026"

ACCELERATOR_SUMMARY = (
    "Three cohorts of a joint start-up accelerator in 2027, hosted by three member parks."
)
# In the terms of each language's glossary (association/translations/*/GLOSSARY.md). Uzbek and
# Kyrgyz are left out on purpose: their readers see the English, marked as English.
ACCELERATOR_TRANSLATIONS = {
    "kk": {
        "title": "2027 жылғы бірлескен акселерациялық бағдарлама",
        "summary": "2027 жылы үш мүше технопарк өткізетін бірлескен стартап-акселератордың "
        "үш ағыны.",
    },
    "tr": {
        "title": "2027 Ortak Hızlandırma Programı",
        "summary": "Üç üye teknoparkın ev sahipliğinde 2027 yılında yürütülecek ortak bir "
        "start-up hızlandırıcısının üç dönemi.",
    },
    "ru": {
        "title": "Совместная акселерационная программа 2027 года",
        "summary": "Три потока совместного акселератора стартапов в 2027 году на базе трёх "
        "технопарков — членов ассоциации.",
    },
    "az": {
        "title": "2027-ci il üçün birgə akselerasiya proqramı",
        "summary": "2027-ci ildə üç üzv texnoparkın ev sahibliyi ilə keçiriləcək birgə "
        "startap akseleratorunun üç axını.",
    },
}

CHARTER_TEXT = """The six founding parks adopt the charter of the **Association of Modern Technoparks
of the Organization of Turkic States**, as agreed at the heads' panel of the Digital Bridge Forum.

## What the charter fixes

1. The association's purpose: cooperation between the technology parks of the member states.
2. Membership: member parks vote; observers take part without a vote.
3. The General Assembly, the Board and the secretariat, and how each decides.
4. One park, one vote, cast by the park's delegate.

The charter is adopted in English, as read out at the panel; the secretariat keeps the signed
copy, and its Kazakh, Azerbaijani, Kyrgyz, Turkish and Uzbek versions are equally authentic.
"""

ACCELERATOR_TEXT = """A joint accelerator for start-ups from every member park, run in three cohorts in 2027.

| Cohort | Host | Focus |
| --- | --- | --- |
| Spring | Astana Hub | Fintech and govtech |
| Summer | IT Park Uzbekistan | AI and data |
| Autumn | Bilişim Vadisi | Industry 4.0 |

Each park nominates up to **five** start-ups per cohort. Costs are shared in proportion to the
number of start-ups each park sends. See the [Digital Bridge forum](https://digitalbridge.kz) for the
2022 exhibition that started the idea.
"""


def _user(session: Session, email: str) -> User:
    user = find_user_by_email(session, email)
    if user is None:
        raise LookupError(f"{email} is not seeded: the demo parks' accounts come first.")
    return user


def _exists(session: Session, title: str) -> bool:
    return session.scalar(select(Initiative.id).where(Initiative.title == title)) is not None


def seed_voting(session: Session) -> None:
    secretariat = find_user_by_email(session, SECRETARIAT_EMAIL)
    delegates = {demo.login: _user(session, demo_email("delegate", demo)) for demo in FOUNDERS}

    if not _exists(session, CHARTER):
        opened = datetime(2022, 9, 29, 6, 0, tzinfo=UTC)
        closes = datetime(2022, 10, 13, 12, 0, tzinfo=UTC)
        charter = create_initiative(
            session,
            secretariat,
            title=CHARTER,
            kind=InitiativeKind.GENERAL,
            summary="The founding parks adopt the association's charter, as agreed in Astana in September 2022.",
            body_markdown=CHARTER_TEXT,
            majority=Majority.TWO_THIRDS,
            quorum=Fraction(2, 3),
            secret=False,
        )
        open_vote(session, secretariat, charter, closes_at=closes, now=opened)
        for hours, demo in enumerate(FOUNDERS, start=2):
            cast_ballot(
                session, delegates[demo.login], charter, "for", now=opened + timedelta(hours=hours)
            )
        close_vote(session, secretariat, charter, now=closes)

    if not _exists(session, ACCELERATOR):
        now = utcnow()
        accelerator = create_initiative(
            session,
            secretariat,
            title=ACCELERATOR,
            kind=InitiativeKind.PROGRAMME,
            summary=ACCELERATOR_SUMMARY,
            body_markdown=ACCELERATOR_TEXT,
            translations=ACCELERATOR_TRANSLATIONS,
            majority=Majority.SIMPLE,
            secret=False,
            changes_allowed=True,
        )
        open_vote(session, secretariat, accelerator, closes_at=now + timedelta(days=10), now=now)
        for login, choice in (("astanahub", "for"), ("itpark", "for"), ("sabahlab", "abstain")):
            cast_ballot(session, delegates[login], accelerator, choice)

    if not _exists(session, BUDGET):
        create_initiative(
            session,
            secretariat,
            title=BUDGET,
            kind=InitiativeKind.BUDGET,
            summary="The secretariat's budget for 2026 and each member park's contribution.",
            body_markdown="The draft budget is being prepared with the Board. Contributions stay as in 2025.",
            majority=Majority.THREE_QUARTERS,
            secret=True,
            changes_allowed=False,
        )
