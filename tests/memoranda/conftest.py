"""Memoranda fixtures: two member parks with a signatory each, an outside organisation."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from association.mail.models import OutboxMessage
from association.memoranda import circulation, drafting, signing

TEXT_EN = """## Article 1. Purpose

The Parties agree to cooperate in developing technology parks and their residents.

## Article 2. Exchange

The Parties exchange residents, experts and information.
"""
TEXT_RU = """## Статья 1. Цель

Стороны договорились сотрудничать в развитии технологических парков и их резидентов.
"""
TEXT_TR = """## Madde 1. Amaç

Taraflar, teknoloji parklarının ve firmalarının gelişiminde işbirliği yapmayı kabul eder: ğüşıöç.
"""


@pytest.fixture
def astana(make_park):
    return make_park("Astana Hub", name_native="Астана Хаб", country="KZ", city="Astana")


@pytest.fixture
def sabah(make_park):
    return make_park("Sabah Lab", country="AZ", city="Baku")


@pytest.fixture
def astana_signatory(make_user, astana):
    return make_user(
        park=astana,
        signatory=True,
        email="ceo@astanahub.example",
        full_name="Yerlan Nurpeisov",
        title="Chief Executive Officer",
    )


@pytest.fixture
def astana_second_signatory(make_user, astana):
    return make_user(
        park=astana,
        signatory=True,
        email="deputy@astanahub.example",
        full_name="Aigerim Sadykova",
        title="Deputy",
    )


@pytest.fixture
def astana_reader(make_user, astana):
    return make_user(
        park=astana, email="reader@astanahub.example", full_name="Reader of Astana Hub"
    )


@pytest.fixture
def sabah_signatory(make_user, sabah):
    return make_user(
        park=sabah,
        signatory=True,
        email="director@sabah.example",
        full_name="Leyla Hasanova",
        title="Director",
    )


@pytest.fixture
def make_memorandum(session, secretariat):
    def make(
        *parks,
        outside: bool = False,
        texts: dict | None = None,
        title: str = "Memorandum of cooperation",
    ):
        memorandum = drafting.create_memorandum(
            session,
            secretariat,
            title=title,
            place="Astana",
            texts=texts or {"en": TEXT_EN, "ru": TEXT_RU},
        )
        for park in parks:
            drafting.add_member_party(session, secretariat, memorandum, park)
        if outside:
            drafting.add_outside_party(
                session,
                secretariat,
                memorandum,
                name="Digital Bridge Foundation",
                country="KZ",
                signatory_name="Daniyar Akhmetov",
                signatory_title="Chairman",
                signatory_email="chair@digitalbridge.example",
            )
        return memorandum

    return make


@pytest.fixture
def draft(make_memorandum, astana, sabah, astana_signatory, sabah_signatory):
    return make_memorandum(astana, sabah)


@pytest.fixture
def circulating(session, secretariat, draft):
    circulation.circulate(session, secretariat, draft)
    return draft


def sign_as(session, user, memorandum, *, password=None, **overrides):
    from tests.factories import PASSWORD

    party = next(p for p in memorandum.parties if p.park_id == user.park_id)
    current = memorandum.current_circulation
    arguments = dict(
        party_id=party.id,
        circulation_id=current.id if current else None,
        full_name=user.full_name,
        title=user.title or "Director",
        consent=True,
        password=PASSWORD if password is None else password,
        ip="192.0.2.7",
        user_agent="pytest browser",
    )
    arguments.update(overrides)
    return signing.sign(session, user, memorandum, **arguments)


def last_mail_to(session, recipient: str) -> OutboxMessage:
    return session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.recipient == recipient)
        .order_by(OutboxMessage.id.desc())
    ).first()


def outside_token(session, recipient: str = "chair@digitalbridge.example") -> str:
    import re

    body = last_mail_to(session, recipient).body
    return re.search(r"/memoranda/sign/([\w-]+)", body).group(1)


def outside_code(session, recipient: str = "chair@digitalbridge.example") -> str:
    import re

    return re.search(r"^\s+(\d{6})\s*$", last_mail_to(session, recipient).body, re.MULTILINE).group(
        1
    )
