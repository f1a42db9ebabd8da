"""The vote endpoint under gunicorn, beside a minimal Flask app that inserts one row per POST.

    .venv/bin/python bench/bench_voting.py [--duration 15] [--rounds 3] [--connections 16] [--parks 40] [--skip-postgres]

For each database (an SQLite file in a temporary folder; PostgreSQL in a private schema it creates
and drops, from BENCH_POSTGRES_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/test) it
prepares the association's tables with member parks, their delegates and one open initiative
(changes allowed), starts our app and the minimal app each under gunicorn with 2 workers on
127.0.0.1, signs the delegates in (a real session cookie and CSRF token each), and loads each for
a bounded time with wrk (Python threads when wrk is missing), as `make bench` does: POSTs to
/initiatives/<id>/vote (each park's For, then each park's Against, so every request changes a
ballot and writes an audit event) and to the minimal app's /rows, in rounds taken in turn. It prints
requests per second for both and the ratio ours / minimal (the median round), then stops
everything it started and removes what it created. `make bench` (bench/run.py) is the full benchmark.

For scale, a second line measures the same minimal insert behind a sign-in (Flask-Login loading
the member from its session cookie, with "strong" protection) and Flask-WTF's CSRF check, loaded
alike: the part of the gap that the sign-in stack itself costs. A third line bounds what any vote
endpoint on this stack could reach: the same sign-in and CSRF check, then only what a ballot must do
(the change lock, one read of the rules' facts, the ballot, a hashed audit event) in plain SQL on
one connection (LEAN_VOTE_APP in bench/comparison_apps.py). The target's ratio is the first line's.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.comparison_apps import (  # noqa: E402
    LEAN_VOTE_APP,
    MINIMAL_APP,
    MINIMAL_SIGNED_IN_APP,
    SIGN_IN_STACK,
    create_minimal_members,
    create_minimal_table,
)
from bench.databases import engine_options, postgres_schema, postgres_unavailable  # noqa: E402
from bench.http_client import PASSWORD, sign_in  # noqa: E402
from bench.load import Req, load, wrk_path  # noqa: E402
from bench.servers import ROOT, Server, handle_termination, workspace  # noqa: E402


def prepare(database_url: str, instance: Path, parks: int, secret_key: str) -> int:
    """The association's tables, member parks with a delegate each, one open initiative; the
    minimal app's table. Returns the initiative's id."""
    from association import create_app
    from association.audit.log import GENESIS
    from association.audit.models import AuditChainHead
    from association.auth.service import create_user
    from association.database import utcnow
    from association.extensions import db
    from association.parks.service import create_park
    from association.voting.initiatives import create_initiative
    from association.voting.votes import open_vote

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SQLALCHEMY_ENGINE_OPTIONS": engine_options(database_url),
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": secret_key,
            "LOG_LEVEL": "WARNING",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    with app.app_context():
        db.create_all()
        db.session.add(AuditChainHead(id=1, seq=0, last_hash=GENESIS))
        db.session.commit()
        create_minimal_table(db.engine, rows=0)
        create_minimal_members(db.engine, [f"delegate{n}@bench.example" for n in range(parks)])
        for n in range(parks):
            park = create_park(db.session, None, name_latin=f"Bench Park {n}", country="KZ")
            create_user(
                db.session,
                None,
                email=f"delegate{n}@bench.example",
                full_name=f"Delegate {n}",
                park=park,
                delegate=True,
                password=PASSWORD,
            )
        initiative = create_initiative(
            db.session, None, title="Benchmark initiative", changes_allowed=True
        )
        open_vote(db.session, None, initiative, closes_at=utcnow() + timedelta(days=1))
        initiative_id = initiative.id
        db.session.remove()
        db.engine.dispose()
    return initiative_id


def run(label: str, database_url: str, workdir: Path, args) -> None:
    secret_key = secrets.token_urlsafe(32)
    initiative_id = prepare(database_url, workdir / "instance", args.parks, secret_key)
    (workdir / "minimal_app.py").write_text(textwrap.dedent(MINIMAL_APP))
    (workdir / "sign_in_stack.py").write_text(textwrap.dedent(SIGN_IN_STACK))
    (workdir / "minimal_signed_in_app.py").write_text(textwrap.dedent(MINIMAL_SIGNED_IN_APP))
    (workdir / "lean_vote_app.py").write_text(textwrap.dedent(LEAN_VOTE_APP))
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": secret_key,
        "LOG_LEVEL": "WARNING",
    }
    ours = Server("association:create_app()", ROOT, env)
    minimal = Server("minimal_app:app", workdir, env)
    signed_in = Server("minimal_signed_in_app:app", workdir, env)
    lean = Server("lean_vote_app:app", workdir, env)
    servers = (ours, minimal, signed_in, lean)
    try:
        for server in servers:
            server.wait_ready("/healthz" if server is ours else "/")
        page = f"/initiatives/{initiative_id}"
        sessions = [
            sign_in(ours.port, f"delegate{n}@bench.example", page) for n in range(args.parks)
        ]
        # Each park's For, then each park's Against: every POST changes that park's ballot. The
        # lean vote shares our sign-in cookies (the same secret key and session format).
        votes = [
            Req("POST", f"{page}/vote", cookie, {"choice": choice, "csrf_token": token}, group=n)
            for choice in ("for", "against")
            for n, (cookie, token) in enumerate(sessions)
        ]
        inserts = [
            Req("POST", "/rows", form={"value": f"row {n}"}, group=n)
            for n in range(args.connections)
        ]
        members = [
            sign_in(signed_in.port, f"delegate{n}@bench.example", "/rows")
            for n in range(args.parks)
        ]
        signed_in_inserts = [
            Req("POST", "/rows", cookie, {"value": f"row {n}", "csrf_token": token}, group=n)
            for n, (cookie, token) in enumerate(members)
        ]
        loads = {
            "ours": (ours, votes, 303),
            "minimal": (minimal, inserts, 201),
            "signed_in": (signed_in, signed_in_inserts, 201),
            "lean": (lean, votes, 303),
        }

        def measure(name, duration):
            server, requests, expected = loads[name]
            result = load(
                server.port,
                requests,
                expected,
                duration=duration,
                threads=args.threads,
                connections=args.connections,
                workdir=workdir,
                use_wrk=args.use_wrk,
            )
            if result.unexpected:
                raise RuntimeError(
                    f"{result.unexpected} requests to {name} failed: {dict(result.statuses)}"
                )
            return result.rps

        for name in loads:  # warm-up
            measure(name, 2)
        # Rounds of each, in turn: a machine whose speed drifts (a shared virtual machine) then
        # slows all alike, and each round's ratios compare neighbours in time.
        rounds = [
            {
                name: measure(name, args.duration / args.rounds)
                for name in ("minimal", "ours", "signed_in", "lean")
            }
            for _ in range(args.rounds)
        ]
    finally:
        for server in servers:
            server.stop()

    def median(numerator, denominator):
        """The median round's figures and ratio, and every round's ratio."""
        ratios = [r[numerator] / r[denominator] for r in rounds]
        middle = sorted(rounds, key=lambda r: r[numerator] / r[denominator])[len(rounds) // 2]
        return (
            middle[numerator],
            middle[denominator],
            middle[numerator] / middle[denominator],
            ", ".join(f"{ratio:.2f}" for ratio in ratios),
        )

    ours_rps, minimal_rps, ratio, each = median("ours", "minimal")
    print(
        f"{label:<11} vote endpoint {ours_rps:8.1f} req/s   minimal insert {minimal_rps:8.1f} req/s   "
        f"ratio ours/minimal {ratio:5.2f} (median of {len(rounds)} rounds: {each})",
        flush=True,
    )
    for name, what in (
        ("signed_in", "(for scale) the minimal insert signed in, with CSRF"),
        ("lean", "(the bound) the leanest vote this stack allows"),
    ):
        rps, _, ratio, each = median(name, "minimal")
        print(
            f"{'':<11} {what} {rps:8.1f} req/s   ratio it/minimal {ratio:5.2f} (median: {each})   "
            f"ours/it {median('ours', name)[2]:5.2f}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--duration", type=float, default=15, help="seconds of load per app (default 15)"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds of each app in turn (default 3)"
    )
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--connections", type=int, default=16, help="open connections (default 16)")
    parser.add_argument(
        "--parks",
        type=int,
        default=40,
        help="member parks, one signed-in delegate each (default 40)",
    )
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument(
        "--python-load", action="store_true", help="use Python threads even if wrk is there"
    )
    args = parser.parse_args()
    args.use_wrk = bool(wrk_path()) and not args.python_load
    handle_termination()
    method = f"wrk, {args.threads} threads" if args.use_wrk else "Python threads (wrk not found)"
    print(
        f"{args.duration:.0f} s of POSTs per app, {method}, {args.connections} connections, "
        f"gunicorn --workers 2 on 127.0.0.1, votes spread over {args.parks} parks",
        flush=True,
    )

    with workspace("bench-voting-") as folder:
        workdir = folder / "sqlite"
        workdir.mkdir()
        run("SQLite", f"sqlite:///{workdir / 'bench.db'}", workdir, args)
        if args.skip_postgres:
            return
        problem = postgres_unavailable()
        if problem:
            print(f"PostgreSQL    skipped: {problem}")
            return
        with postgres_schema() as url:
            workdir = folder / "postgres"
            workdir.mkdir()
            run("PostgreSQL", url, workdir, args)


if __name__ == "__main__":
    main()
