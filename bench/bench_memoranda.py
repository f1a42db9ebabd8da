"""Issuing a memorandum and downloading it: what it costs, beside WeasyPrint alone.

    .venv/bin/python bench/bench_memoranda.py [--runs 7]

Builds a throw-away association (SQLite in a temporary folder) with six member parks,
and a memorandum of about ten pages (some 3,300 words of text) signed by all six. Then, in the
same run:
  * issue: issue_memorandum() end to end: registry number, HTML, render, PAdES seal,
    store bytes and SHA-256, audit event, e-mails, commit;
  * WeasyPrint alone: the very HTML that issuing rendered, through
    weasyprint.HTML(string=...).write_pdf() with a FontConfiguration of its own, as
    anyone would call it;
  * download: GET /memoranda/<id>.pdf by a party's user (stored bytes, no rendering).
Targets: issuing at most 25 % over WeasyPrint alone; downloading at least 20x faster
than issuing.
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ARTICLE = (
    "The Parties shall exchange experience in managing technology parks, incubators and accelerators, "
    "support start-ups and resident companies entering the markets of the other Parties, run joint "
    "educational programmes, internships and training of specialists, carry out joint research and "
    "development projects, and share information on investment opportunities and support measures. "
)


def long_text(words: int = 5400) -> str:
    per_article = len(ARTICLE.split()) * 4
    articles = []
    for n in range(1, words // per_article + 1):
        articles.append(
            f"## Article {n}. Cooperation in area {n}\n\n" + "\n\n".join([ARTICLE * 2] * 2)
        )
    return "\n\n".join(articles)


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


@dataclass
class IssueTiming:
    issue_ms: float  # issue_memorandum() end to end, median
    weasy_ms: float  # WeasyPrint alone on the same HTML, median
    runs: int
    pages: int
    words: int
    size: int  # bytes of the sealed PDF
    memorandum_id: int  # the last one issued


def make_signatories(session, password: str, parks: list | None = None):
    """A secretariat user and six signatories, one per party park (six new parks unless given)."""
    from association.auth.service import create_user
    from association.parks.models import Role
    from association.parks.service import create_park

    secretariat, _ = create_user(
        session,
        None,
        email="memoranda-secretary@bench.example",
        full_name="Secretary",
        role=Role.SECRETARIAT,
        password=password,
    )
    parks = parks or [
        create_park(session, None, name_latin=f"Bench Park {n + 1}", country="KZ") for n in range(6)
    ]
    signatories = []
    for n, park in enumerate(parks[:6]):
        user, _ = create_user(
            session,
            None,
            email=f"signatory{n}@bench.example",
            full_name=f"Signatory {n + 1}",
            title="Director",
            park=park,
            signatory=True,
            password=password,
        )
        signatories.append(user)
    return secretariat, signatories


def signed_memorandum(session, signatories, text: str, password: str, n: int):
    """A memorandum of the six parties, circulated and signed by all: ready to issue."""
    from association.memoranda import circulation, drafting, signing

    memorandum = drafting.create_memorandum(
        session, None, title=f"Bench memorandum {n}", place="Astana", texts={"en": text}
    )
    for user in signatories:
        drafting.add_member_party(session, None, memorandum, user.park)
    circulation.circulate(session, None, memorandum)
    for party, user in zip(memorandum.parties, signatories, strict=True):
        signing.sign(
            session,
            user,
            memorandum,
            party_id=party.id,
            circulation_id=memorandum.current_circulation.id,
            full_name=user.full_name,
            title="Director",
            consent=True,
            password=password,
            ip="192.0.2.1",
            user_agent="bench",
        )
    return memorandum


def time_issue(
    session, secretariat, signatories, password: str, *, runs: int, words: int
) -> IssueTiming:
    """Issues runs + 1 memoranda (the first a warm-up) and renders each one's HTML with WeasyPrint
    alone (a FontConfiguration of its own, as anyone would call it); medians of the runs."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from association.documents import service as documents
    from association.memoranda import issuing

    captured: list[str] = []
    real_issue_document = documents.issue_document

    def capturing(*a, **kw):
        captured.append(kw["html"])
        return real_issue_document(*a, **kw)

    text = long_text(words)
    issue_times, weasy_times = [], []
    issued = None
    documents.issue_document = capturing
    try:
        for n in range(runs + 1):
            memorandum = signed_memorandum(session, signatories, text, password, n)
            started = time.perf_counter()
            issued = issuing.issue_memorandum(session, secretariat, memorandum)
            issue_time = time.perf_counter() - started
            started = time.perf_counter()
            weasyprint.HTML(string=captured[-1]).write_pdf(font_config=FontConfiguration())
            weasy_time = time.perf_counter() - started
            if n or not runs:
                issue_times.append(issue_time)
                weasy_times.append(weasy_time)
    finally:
        documents.issue_document = real_issue_document
    pages = len(PdfReader(io.BytesIO(issued.document.content)).pages)
    return IssueTiming(
        median_ms(issue_times),
        median_ms(weasy_times),
        len(issue_times),
        pages,
        len(text.split()),
        issued.document.size,
        issued.id,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--words",
        type=int,
        default=3300,
        help="about ten pages with the cover, signatures and trail",
    )
    args = parser.parse_args()

    from association import create_app
    from association.audit.log import GENESIS
    from association.audit.models import AuditChainHead
    from association.extensions import db

    folder = Path(tempfile.mkdtemp(prefix="bench-memoranda-"))
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "INSTANCE_PATH": str(folder / "instance"),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "WTF_CSRF_ENABLED": False,
            "MAIL_SERVER": None,
            "LOG_LEVEL": "WARNING",
            "BASE_URL": "http://localhost",
        }
    )
    password = "bench password for the signatories"

    with app.app_context():
        db.create_all()
        db.session.add(AuditChainHead(id=1, seq=0, last_hash=GENESIS))
        db.session.commit()
        secretariat, signatories = make_signatories(db.session, password)
        timing = time_issue(
            db.session, secretariat, signatories, password, runs=args.runs, words=args.words
        )
        reader_email = signatories[0].email

    client = app.test_client()
    client.post("/login", data={"email": reader_email, "password": password})
    download_times = []
    for n in range(50):
        started = time.perf_counter()
        response = client.get(f"/memoranda/{timing.memorandum_id}.pdf")
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.status_code
        assert response.data[:5] == b"%PDF-"
        if n:
            download_times.append(elapsed)
    shutil.rmtree(folder, ignore_errors=True)

    issue_ms, weasy_ms, download_ms = timing.issue_ms, timing.weasy_ms, median_ms(download_times)
    overhead = (issue_ms - weasy_ms) / weasy_ms * 100
    speedup = issue_ms / download_ms
    print(
        f"memorandum: {timing.pages} pages, {timing.words} words, 6 parties, {timing.size / 1024:.0f} KiB sealed"
    )
    print(f"issue (render + seal + store, end to end), median of {args.runs}: {issue_ms:8.1f} ms")
    print(f"WeasyPrint alone, same HTML, median of {args.runs}:           {weasy_ms:8.1f} ms")
    print(f"download of the issued PDF, median of 49:             {download_ms:8.2f} ms")
    print(
        f"overhead of issuing over WeasyPrint: {overhead:+.1f} %  (target <= 25 %)  "
        f"{'OK' if overhead <= 25 else 'OVER'}"
    )
    print(
        f"download is {speedup:.0f}x faster than issuing  (target >= 20x)  {'OK' if speedup >= 20 else 'UNDER'}"
    )


if __name__ == "__main__":
    main()
