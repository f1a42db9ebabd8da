"""What every domain function shares: over-long text is refused plainly, whoever calls."""

import pytest
from sqlalchemy import func, select, update

from association.domain import Invalid
from association.parks.models import Park
from association.parks.service import create_park


def test_text_longer_than_its_column_is_refused_and_nothing_is_written(session):
    with pytest.raises(Invalid, match="Name latin is too long: at most 200 characters"):
        create_park(session, None, name_latin="P" * 201, country="KZ")
    assert session.scalar(select(func.count()).select_from(Park)) == 0


def test_text_that_fits_is_kept(session):
    park = create_park(session, None, name_latin="P" * 200, country="KZ")
    assert len(park.name_latin) == 200


def test_a_change_to_over_long_text_is_refused(session):
    park = create_park(session, None, name_latin="Astana Hub", country="KZ")
    park.city = "C" * 121
    with pytest.raises(Invalid, match="City is too long: at most 120 characters"):
        session.flush()
    session.rollback()


def test_an_older_over_long_value_does_not_block_other_changes(session):
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("only SQLite can hold text longer than its column")
    park = create_park(session, None, name_latin="Astana Hub", country="KZ")
    session.execute(
        update(Park).where(Park.id == park.id).values(city="C" * 130)
    )  # as SQLite may hold
    session.commit()
    park.website = "https://astanahub.example"
    session.flush()
    assert park.city == "C" * 130
