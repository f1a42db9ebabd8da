"""State changes at the same moment from many threads: serialised, nothing lost, chain intact."""

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from association.audit.log import verify_chain
from association.extensions import db
from association.parks.models import Park
from association.parks.service import create_park


def test_concurrent_admissions_get_distinct_numbers_and_an_intact_chain(app, session):
    def admit(n: int) -> str:
        with app.app_context():
            try:
                park = create_park(
                    db.session, None, name_latin=f"Concurrent Park {n}", country="KZ"
                )
                return park.membership_number
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(admit, range(24)))
    assert len(set(numbers)) == 24
    assert sorted(numbers) == [f"AMT-KZ-{n:04d}" for n in range(1, 25)]
    assert session.scalar(select(func.count()).select_from(Park)) == 24
    report = verify_chain(session)
    assert report.intact
    assert report.events_checked == 24
