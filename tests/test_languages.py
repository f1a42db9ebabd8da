"""Who reads which language: a park's default, a user's own choice, an applicant's language."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from association.audit.models import AuditEvent
from association.auth.service import choose_language
from association.domain import Invalid
from association.membership import admission, applications
from association.membership.models import Category
from association.parks.models import Park
from association.parks.service import create_park, update_park
from tests.factories import make_park, make_user
from tests.membership.conftest import application_input, submit_confirmed


@pytest.mark.parametrize(
    ("country", "language"), [("KZ", "kk"), ("TR", "tr"), ("KG", "ky"), ("TJ", "ru"), ("PS", "en")]
)
def test_a_new_park_reads_its_countrys_language(session, country, language):
    assert _park(session, country).language == language


def _park(session, country: str) -> Park:
    """A park as the secretariat creates it: no language given (the factory says English)."""
    return create_park(session, None, name_latin=f"Park of {country}", country=country)


def test_a_park_given_a_language_keeps_it(session):
    assert make_park(session, country="KZ", language="ru").language == "ru"


def test_an_unknown_language_for_a_new_park_is_refused_and_creates_nothing(session):
    with pytest.raises(Invalid, match="not offered"):
        create_park(session, None, name_latin="Nowhere Park", country="KZ", language="xx")
    assert session.scalar(select(Park).where(Park.name_latin == "Nowhere Park")) is None


def test_the_secretariat_changes_a_parks_language_and_an_unknown_one_is_refused(
    session, secretariat
):
    park = make_park(session, country="TR")
    update_park(session, secretariat, park, language="az")
    assert park.language == "az"
    with pytest.raises(Invalid, match="not offered"):
        update_park(session, secretariat, park, language="klingon")
    assert session.get(Park, park.id).language == "az"


def test_a_user_reads_their_parks_language_until_they_choose_one(session):
    user = make_user(session, park=_park(session, "UZ"))
    assert user.language == "uz"
    choose_language(session, user, "ru")
    assert user.language == "ru"
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.preferences_changed")
    ).one()
    assert event.subject_id == str(user.id)


def test_choosing_the_same_language_again_records_nothing(session):
    user = make_user(session, park=_park(session, "UZ"))
    choose_language(session, user, "tr")
    choose_language(session, user, "tr")
    count = select(func.count()).where(AuditEvent.action == "user.preferences_changed")
    assert session.scalar(count) == 1


def test_an_unknown_language_choice_is_refused_and_changes_nothing(session):
    user = make_user(session, park=_park(session, "KG"))
    with pytest.raises(Invalid, match="not offered"):
        choose_language(session, user, "../etc")
    assert user.chosen_language is None
    assert user.language == "ky"


def test_a_user_without_a_park_reads_english(session, secretariat):
    assert secretariat.language == "en"


def test_an_admitted_park_gets_the_language_its_application_was_made_in(session, secretariat):
    application = submit_confirmed(session, application_input(language="tr"), []).application
    assert application.language == "tr"
    applications.start_review(session, secretariat, application)
    park = admission.approve_application(session, secretariat, application, Category.MEMBER)
    assert park.language == "tr"


def test_an_application_in_an_unknown_language_is_kept_in_english(session):
    application = submit_confirmed(session, application_input(language="xx"), []).application
    assert application.language == "en"


def test_a_right_to_left_name_keeps_its_direction_on_a_left_to_right_page(client, session):
    park = make_park(
        session, "Palestine Technology Park", country="PS", name_native="حديقة فلسطين التقنية"
    )
    session.commit()
    page = client.get(f"/members/{park.slug}?lang=kk").get_data(as_text=True)
    assert '<html lang="kk">' in page
    assert '<div dir="auto" class="native-name fs-5">حديقة فلسطين التقنية</div>' in page
