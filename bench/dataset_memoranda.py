"""The data set's memoranda in bulk: drafts of one revision in English, with their parties.
(The issued ones are made through the application, by bench/bench_memoranda.py's time_issue.)
"""

from __future__ import annotations

from datetime import timedelta

from bench.bulk_insert import bulk_insert
from bench.dataset_sizes import PARKS


def bulk_draft_memoranda(session, parks: list, now, count: int) -> int:
    """The other memoranda, drafts of one revision in English; returns how many."""
    from association.memoranda.models import (
        Memorandum,
        MemorandumStatus,
        Party,
        Revision,
        RevisionText,
    )

    rows = [
        {
            "title": f"Memorandum of cooperation {n + 1}",
            "place": "Baku",
            "status": MemorandumStatus.DRAFT,
            "created_at": now - timedelta(days=n),
        }
        for n in range(count)
    ]
    ids = bulk_insert(session, Memorandum, rows)
    revisions = bulk_insert(
        session,
        Revision,
        [
            {
                "memorandum_id": memorandum_id,
                "number": 1,
                "title": row["title"],
                "place": "Baku",
                "created_at": row["created_at"],
            }
            for memorandum_id, row in zip(ids, rows, strict=True)
        ],
    )
    bulk_insert(
        session,
        RevisionText,
        [
            {
                "revision_id": revision_id,
                "language": "en",
                "body": "## Article 1\n\nThe Parties shall cooperate.\n" * 20,
            }
            for revision_id in revisions
        ],
    )
    bulk_insert(
        session,
        Party,
        [
            {
                "memorandum_id": memorandum_id,
                "position": p,
                "park_id": parks[(n + p) % PARKS].id,
            }
            for n, memorandum_id in enumerate(ids)
            for p in range(2 + n % 5)
        ],
    )
    session.commit()
    return len(rows)
