"""The benchmark: `make bench` (or .venv/bin/python bench/run.py [options]).

For SQLite (a fresh file) and PostgreSQL (a private schema on BENCH_POSTGRES_URL, default
postgresql+psycopg://postgres@127.0.0.1:5432/test, created and dropped), it
  1. generates a data set of realistic size (bench/dataset.py) and times it;
  2. starts the application under gunicorn (2 workers, never recycled) and beside it a minimal
     Flask app (a hello page, a page of 50 rows, a one-row insert) under gunicorn, both on
     127.0.0.1 at free ports, and signs in every park's delegate;
  3. loads each endpoint in turn with wrk (Python threads if wrk is missing) for a bounded time;
  4. reads each worker's peak memory (VmHWM), then runs the load-and-race checks: 200 ballots of
     one park at once (exactly one stored), one ballot from each of 200 parks at once (all stored
     within ten seconds); no answer may be a 5xx.
Then it prints one table (requests per second, p50 and p99 latency, ours against the minimal
counterpart), the memorandum's issue time against WeasyPrint alone, the boot times and the peak
memory, and the race checks' lines. It exits with 1 if a race check fails. Everything it started
is stopped and everything it created removed at the end, also on Ctrl-C or an error.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import secrets
import statistics
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.comparison_apps import MINIMAL_APP  # noqa: E402
from bench.databases import POSTGRES_URL, postgres_schema, postgres_unavailable  # noqa: E402
from bench.dataset import DataSet, app_config, generate  # noqa: E402
from bench.http_client import HOST, request, sign_in  # noqa: E402
from bench.load import LoadResult, Req, burst, load, wrk_path  # noqa: E402
from bench.servers import ROOT, Server, handle_termination, workspace  # noqa: E402

# Our endpoint, its minimal counterpart (see MINIMAL_APP).
PAIRS = [
    ("dashboard (signed in)", "50-row page"),
    ("initiatives list", "50-row page"),
    ("initiative page", "50-row page"),
    ("ballot POST", "one-row insert"),
    ("certificate download", "hello page"),
]
RACE_DEADLINE = 10.0  # seconds: 200 parks' ballots must all be stored within this


@dataclass
class Outcome:
    label: str
    data: DataSet
    ours: dict[str, LoadResult] = field(default_factory=dict)
    minimal: dict[str, LoadResult] = field(default_factory=dict)
    boot_ours: float = 0.0
    boot_minimal: float = 0.0
    memory_ours: list[float] = field(default_factory=list)
    memory_minimal: list[float] = field(default_factory=list)
    races: list[tuple[bool, str]] = field(default_factory=list)
    ballot_changes: tuple[int, int] = (
        0,
        0,
    )  # ballots cast or changed (audited), ballot POSTs answered


def count(database_url: str, sql: str, **params) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql), params).scalar_one()
    finally:
        engine.dispose()


def count_ballots(database_url: str, initiative_id: int) -> int:
    return count(
        database_url, "SELECT count(*) FROM ballots WHERE initiative_id = :id", id=initiative_id
    )


def count_ballot_events(database_url: str, initiative_id: int) -> int:
    """Ballots cast or changed on the initiative, as the audit log records them."""
    return count(
        database_url,
        "SELECT count(*) FROM audit_events WHERE action IN ('ballot.cast', 'ballot.changed') "
        "AND subject_id = :id",
        id=str(initiative_id),
    )


def statuses_text(statuses) -> str:
    return ", ".join(f"{n} x {status or 'no answer'}" for status, n in sorted(statuses.items()))


def race_checks(
    port: int, database_url: str, data: DataSet, sessions: list[tuple[str, str]]
) -> list[tuple[bool, str]]:
    lines = []
    # 200 ballots of one park at the same moment, on a vote that does not allow changes.
    cookie, token = sessions[data.race_park]
    path = f"/initiatives/{data.race_one_initiative}/vote"
    statuses, seconds = burst(
        port,
        [Req("POST", path, cookie, {"choice": "for", "csrf_token": token}) for _ in range(200)],
    )
    stored = count_ballots(database_url, data.race_one_initiative)
    errors = sum(n for status, n in statuses.items() if status >= 500 or status == 0)
    ok = stored == 1 and statuses.get(303, 0) == 1 and errors == 0
    lines.append(
        (
            ok,
            f"200 concurrent ballots of one park: {stored} ballot stored (expected 1), "
            f"answers {statuses_text(statuses)}, {errors} errors, {seconds:.1f} s",
        )
    )
    # One ballot from every park at the same moment.
    path = f"/initiatives/{data.race_all_initiative}/vote"
    statuses, seconds = burst(
        port,
        [
            Req("POST", path, cookie, {"choice": ("for", "against")[n % 2], "csrf_token": token})
            for n, (cookie, token) in enumerate(sessions)
        ],
    )
    stored = count_ballots(database_url, data.race_all_initiative)
    errors = sum(n for status, n in statuses.items() if status >= 500 or status == 0)
    ok = (
        stored == len(sessions)
        and statuses.get(303, 0) == len(sessions)
        and errors == 0
        and seconds <= RACE_DEADLINE
    )
    lines.append(
        (
            ok,
            f"{len(sessions)} parks voting at once: {stored} of {len(sessions)} ballots stored in "
            f"{seconds:.1f} s (limit {RACE_DEADLINE:.0f} s), answers {statuses_text(statuses)}, "
            f"{errors} errors",
        )
    )
    return lines


def check_once(port: int, r: Req, expected: int, what: str) -> None:
    """One request before the load: a wrong answer (signed out, 404) would make the figures meaningless."""
    status, text, _response = request(port, r.method, r.path, r.form, r.cookie)
    if status != expected:
        raise RuntimeError(
            f"{what}: {r.method} {r.path} answered {status}, expected {expected}: {text[:300]}"
        )


def bench_database(
    label: str, database_url: str, workdir: Path, args, *, issue_runs: int
) -> Outcome:
    print(f"\n== {label}: generating the data set", flush=True)
    secret_key = secrets.token_urlsafe(32)
    data = generate(database_url, workdir / "instance", secret_key, issue_runs=issue_runs)
    for name, seconds in data.phases:
        print(f"   {name:<48} {seconds:6.1f} s")
    print(f"   {'data set generated in':<48} {data.seconds:6.1f} s", flush=True)
    outcome = Outcome(label, data)

    (workdir / "minimal_app.py").write_text(textwrap.dedent(MINIMAL_APP))
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": secret_key,
        "LOG_LEVEL": "WARNING",
    }
    ours = minimal = None
    try:
        print(
            f"== {label}: starting gunicorn (2 workers each) and signing in {len(data.delegates)} delegates",
            flush=True,
        )
        ours = Server("association:create_app()", ROOT, env)
        outcome.boot_ours = ours.wait_ready("/healthz")
        minimal = Server("minimal_app:app", workdir, env)
        outcome.boot_minimal = minimal.wait_ready("/")

        page = f"/initiatives/{data.vote_initiative}"
        with ThreadPoolExecutor(4) as pool:
            sessions = list(pool.map(lambda email: sign_in(ours.port, email, page), data.delegates))

        # The parks whose sessions the load cycles through (not the race checks' parks).
        loaders = range(min(len(sessions) - 1, max(40, 3 * args.connections)))
        ours_load = {
            "dashboard (signed in)": (
                [Req("GET", "/dashboard", sessions[n][0], group=n) for n in loaders],
                200,
            ),
            "initiatives list": (
                [Req("GET", "/initiatives", sessions[n][0], group=n) for n in loaders],
                200,
            ),
            "initiative page": ([Req("GET", page, sessions[n][0], group=n) for n in loaders], 200),
            # Each park's For, then each park's Against: every POST changes its park's ballot.
            "ballot POST": (
                [
                    Req(
                        "POST",
                        f"{page}/vote",
                        sessions[n][0],
                        {"choice": choice, "csrf_token": sessions[n][1]},
                        group=n,
                    )
                    for choice in ("for", "against")
                    for n in loaders
                ],
                303,
            ),
            "certificate download": (
                [
                    Req(
                        "GET",
                        f"/members/{data.park_slugs[n]}/certificate.pdf",
                        sessions[n][0],
                        group=n,
                    )
                    for n in data.certified
                ],
                200,
            ),
        }
        minimal_load = {
            "hello page": ([Req("GET", "/")], 200),
            "50-row page": ([Req("GET", "/rows")], 200),
            "one-row insert": (
                [
                    Req("POST", "/rows", form={"value": f"row {n}"}, group=n)
                    for n in range(args.connections)
                ],
                201,
            ),
        }
        targets = [(ours, outcome.ours, ours_load), (minimal, outcome.minimal, minimal_load)]
        for server, _results, endpoints in targets:  # every page answers as it should, and is warm
            for name, (requests, expected) in endpoints.items():
                for r in requests[
                    -12:
                ]:  # for the ballots: Against, so the load's first For changes them
                    check_once(server.port, r, expected, name)
        for server, results, endpoints in targets:
            for name, (requests, expected) in endpoints.items():
                print(f"   load: {name:<24} {args.duration:.0f} s ...", end=" ", flush=True)
                results[name] = result = load(
                    server.port,
                    requests,
                    expected,
                    duration=args.duration,
                    threads=args.threads,
                    connections=args.connections,
                    workdir=workdir,
                    use_wrk=args.use_wrk,
                )
                print(
                    f"{result.rps:8.1f} req/s"
                    + (f"  ({result.unexpected} unexpected answers)" if result.unexpected else ""),
                    flush=True,
                )
        posts = outcome.ours["ballot POST"].requests + min(12, len(ours_load["ballot POST"][0]))
        outcome.ballot_changes = (count_ballot_events(database_url, data.vote_initiative), posts)
        outcome.memory_ours = ours.peak_memory_mib()
        outcome.memory_minimal = minimal.peak_memory_mib()

        print(f"== {label}: load-and-race checks", flush=True)
        outcome.races = race_checks(ours.port, database_url, data, sessions)
        for ok, line in outcome.races:
            print(f"   {'PASS' if ok else 'FAIL'}  {line}", flush=True)
    finally:
        for server in (ours, minimal):
            if server is not None:
                server.stop()
    return outcome


def create_app_seconds(database_url: str, workdir: Path, runs: int = 3) -> float:
    """Median time of `from association import create_app; create_app()` in a fresh Python."""
    code = textwrap.dedent("""
        import json, sys, time
        started = time.perf_counter()
        from association import create_app
        create_app(json.loads(sys.argv[1]))
        print(time.perf_counter() - started)
    """)
    config = app_config(database_url, workdir / "instance", "create-app-timing")

    samples = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", code, json.dumps(config)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        samples.append(float(done.stdout.strip().splitlines()[-1]))
    return statistics.median(samples)


def ratio(a: float, b: float) -> str:
    return f"{a / b:5.2f}" if b else "  -  "


def print_report(outcomes: list[Outcome], args, app_seconds: float) -> None:
    print()
    method = (
        f"wrk, {args.threads} threads, {args.connections} connections"
        if args.use_wrk
        else f"Python threads, {args.connections} (not wrk: the figures are lower bounds)"
    )
    print(
        f"Requests per second and latency, {args.duration:.0f} s per endpoint, {method}; gunicorn 2 workers each, "
        f"127.0.0.1, {os.cpu_count()} CPUs"
    )
    print(
        f"{'':<34}{'--------- ours ---------':>25}   {'':<15} {'-------- minimal -------':>23}   ours/minimal"
    )
    head = (
        f"{'database':<11} {'endpoint':<22} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7}   "
        f"{'counterpart':<15} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7}   {'req/s':>5} {'p50':>5}"
    )
    print(head)
    print("-" * len(head))
    flagged = False
    for outcome in outcomes:
        for ours_name, minimal_name in PAIRS:
            o, m = outcome.ours[ours_name], outcome.minimal[minimal_name]
            mark = "!" if (o.unexpected or m.unexpected) else " "
            flagged |= mark == "!"
            print(
                f"{outcome.label:<11} {ours_name:<22} {o.rps:7.1f} {o.p50_ms:7.1f} {o.p99_ms:7.1f}   "
                f"{minimal_name:<15} {m.rps:7.1f} {m.p50_ms:7.1f} {m.p99_ms:7.1f}   "
                f"{ratio(o.rps, m.rps)} {ratio(o.p50_ms, m.p50_ms)}{mark}"
            )
    if flagged:
        print("! some answers had an unexpected status or failed; see the load lines above")
    print()
    for outcome in outcomes:
        if outcome.data.issue:
            issue = outcome.data.issue
            print(
                f"Memorandum ({issue.pages} pages, {issue.words} words, 6 parties, {issue.size / 1024:.0f} KiB sealed), "
                f"median of {issue.runs}: issue {issue.issue_ms:.0f} ms, WeasyPrint alone on the same HTML "
                f"{issue.weasy_ms:.0f} ms, ratio {issue.issue_ms / issue.weasy_ms:.2f}"
            )
    for outcome in outcomes:
        changed, posts = outcome.ballot_changes
        print(
            f"{outcome.label:<11} ballot POSTs: {posts} answered 303; ballots cast or changed (audit log): {changed} "
            f"(also counts the POSTs in flight when the load stopped)"
        )
    print(f"create_app() import and build in a fresh process (median of 3): {app_seconds:.2f} s")
    for outcome in outcomes:
        print(
            f"{outcome.label:<11} data set {outcome.data.seconds:5.1f} s; gunicorn start to first 200: "
            f"ours {outcome.boot_ours:.2f} s (/healthz), minimal {outcome.boot_minimal:.2f} s; "
            f"peak memory (VmHWM) per worker after the load: ours "
            f"{', '.join(f'{m:.0f}' for m in outcome.memory_ours)} MiB, minimal "
            f"{', '.join(f'{m:.0f}' for m in outcome.memory_minimal)} MiB"
        )
    print()
    for outcome in outcomes:
        for ok, line in outcome.races:
            print(f"{'PASS' if ok else 'FAIL'}  {outcome.label:<11} {line}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--duration", type=float, default=10, help="seconds of load per endpoint (default 10)"
    )
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--connections", type=int, default=16, help="open connections (default 16)")
    parser.add_argument(
        "--issue-runs",
        type=int,
        default=7,
        help="memoranda issued and timed (default 7: fewer runs are noisy)",
    )
    parser.add_argument("--skip-postgres", action="store_true", help="SQLite only")
    parser.add_argument(
        "--python-load", action="store_true", help="use Python threads even if wrk is there"
    )
    args = parser.parse_args()
    args.duration = min(max(args.duration, 1), 120)
    args.connections = min(max(args.connections, 1), 256)
    args.threads = min(max(args.threads, 1), args.connections)
    args.use_wrk = bool(wrk_path()) and not args.python_load
    handle_termination()
    logging.getLogger("weasyprint").setLevel(
        logging.ERROR
    )  # its CSS notes are not the benchmark's business
    if not args.use_wrk:
        print(
            "wrk not found (`bash scripts/setup-system --bench` installs it): the load comes from Python "
            "threads, and says so in the table",
            flush=True,
        )
    print(
        f"Benchmark on {HOST}: load {args.duration:.0f} s per endpoint; "
        f"{'SQLite only' if args.skip_postgres else 'SQLite, then PostgreSQL'}",
        flush=True,
    )

    outcomes: list[Outcome] = []
    started = time.perf_counter()
    with workspace("amt-bench-") as folder:
        workdir = folder / "sqlite"
        workdir.mkdir()
        sqlite_url = f"sqlite:///{workdir / 'bench.db'}"
        outcomes.append(
            bench_database("SQLite", sqlite_url, workdir, args, issue_runs=args.issue_runs)
        )
        app_seconds = create_app_seconds(sqlite_url, workdir)
        if not args.skip_postgres:
            problem = postgres_unavailable()
            if problem:
                print(
                    f"\nPostgreSQL skipped: cannot reach {POSTGRES_URL} ({problem}); set BENCH_POSTGRES_URL, "
                    f"or pass --skip-postgres"
                )
            else:
                with postgres_schema() as url:
                    workdir = folder / "postgres"
                    workdir.mkdir()
                    outcomes.append(bench_database("PostgreSQL", url, workdir, args, issue_runs=0))
    print_report(outcomes, args, app_seconds)
    print(f"\n(benchmark took {time.perf_counter() - started:.0f} s)")
    failed = [line for outcome in outcomes for ok, line in outcome.races if not ok]
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\ninterrupted: everything started was stopped", file=sys.stderr)
        sys.exit(130)
