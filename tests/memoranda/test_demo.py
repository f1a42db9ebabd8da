from sqlalchemy import func, select

from association.demo import seed_demo
from association.memoranda.demo import COOPERATION_TITLE, EXCHANGE_TITLE
from association.memoranda.models import Memorandum, MemorandumStatus


def test_the_demo_has_the_2022_memorandum_issued_and_a_draft_out_for_signature(session):
    seed_demo(session)
    seed_demo(session)  # idempotent
    assert session.scalar(select(func.count()).select_from(Memorandum)) == 2
    cooperation = session.scalar(select(Memorandum).where(Memorandum.title == COOPERATION_TITLE))
    assert cooperation.registry_number == "AMT/MOU/2022/0001"
    assert cooperation.status == MemorandumStatus.IN_FORCE
    assert cooperation.public
    assert cooperation.document is not None
    signatures = cooperation.last_circulation.signatures
    assert len(signatures) == 6
    assert {s.signed_at.date().isoformat() for s in signatures} == {"2022-09-28"}
    assert {t.language for t in cooperation.latest_revision.texts} == {"en", "ru", "tr"}
    exchange = session.scalar(select(Memorandum).where(Memorandum.title == EXCHANGE_TITLE))
    assert exchange.status == MemorandumStatus.CIRCULATING
    assert [s.party.name for s in exchange.current_circulation.signatures] == ["Astana Hub"]
