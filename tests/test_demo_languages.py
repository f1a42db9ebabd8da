"""The demo shows content in several languages: the open initiative's title and summary and
the coming General Assembly's title in Kazakh, Turkish, Russian and Azerbaijani, and (for
Uzbek and Kyrgyz readers) the English, marked as English."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from association.demo import seed_demo
from association.meetings.demo import ASSEMBLY_TITLE, ASSEMBLY_TRANSLATIONS
from association.meetings.models import Meeting
from association.voting.demo import ACCELERATOR, ACCELERATOR_TRANSLATIONS
from association.voting.models import Initiative


@pytest.fixture
def demo(session):
    seed_demo(session)
    session.commit()


def test_the_open_initiative_and_the_assembly_are_given_in_four_more_languages(session, demo):
    accelerator = session.scalars(select(Initiative).where(Initiative.title == ACCELERATOR)).one()
    assert accelerator.languages == ["en", "kk", "tr", "az", "ru"]
    assert accelerator.text_in("summary", "ru").text == ACCELERATOR_TRANSLATIONS["ru"]["summary"]
    assembly = session.scalars(select(Meeting).where(Meeting.title == ASSEMBLY_TITLE)).one()
    assert assembly.title_in("kk").text == ASSEMBLY_TRANSLATIONS["kk"]["title"]
    assert assembly.languages == ["en", "kk", "tr", "az", "ru"]


def test_seeding_again_adds_no_second_translation(session, demo):
    seed_demo(session)
    session.commit()
    accelerator = session.scalars(select(Initiative).where(Initiative.title == ACCELERATOR)).one()
    assert len(accelerator.translations) == 4


def test_the_demo_home_page_reads_in_kazakh_and_in_english_for_kyrgyz_readers(client, demo):
    kazakh = client.get("/?lang=kk").get_data(as_text=True)
    assert ACCELERATOR_TRANSLATIONS["kk"]["title"] in kazakh
    kyrgyz = client.get("/?lang=ky").get_data(as_text=True)
    assert f'<span lang="en">{ACCELERATOR}</span>' in kyrgyz
