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
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.boot_timing import create_app_seconds  # noqa: E402
from bench.database_run import Outcome, bench_database  # noqa: E402
from bench.databases import POSTGRES_URL, postgres_schema, postgres_unavailable  # noqa: E402
from bench.http_client import HOST  # noqa: E402
from bench.load import wrk_path  # noqa: E402
from bench.report import print_report  # noqa: E402
from bench.servers import handle_termination, workspace  # noqa: E402


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
