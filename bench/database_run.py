"""One database's run of `make bench`, its phases in order: the data set generated and timed,
ours and the minimal app started under gunicorn and every park's delegate signed in, each
endpoint loaded, the workers' peak memory read, the load-and-race checks; and what it measured.
"""

from __future__ import annotations

import os
import secrets
import textwrap
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bench.comparison_apps import MINIMAL_APP
from bench.databases import count_ballot_events
from bench.dataset import DataSet, generate
from bench.endpoint_load import (
    check_endpoints,
    load_endpoints,
    minimal_endpoints,
    ours_endpoints,
    requests_of,
)
from bench.http_client import sign_in
from bench.load import LoadResult
from bench.race_checks import race_checks
from bench.servers import ROOT, Server


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
    # ballots cast or changed (audited), ballot POSTs answered
    ballot_changes: tuple[int, int] = (0, 0)


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
        # The API's limit per token stays in the path, set above what the load sends.
        "API_RATE_LIMIT": "1000000 per minute",
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

        ours_load = ours_endpoints(data, sessions, page, args.connections, ours.port, args.duration)
        minimal_load = minimal_endpoints(args.connections)
        check_endpoints(ours.port, ours_load)
        check_endpoints(minimal.port, minimal_load)
        outcome.ours = load_endpoints(ours.port, ours_load, args, workdir)
        outcome.minimal = load_endpoints(minimal.port, minimal_load, args, workdir)
        posts = outcome.ours["ballot POST"].requests + min(
            12, len(requests_of(ours_load["ballot POST"][0]))
        )
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
