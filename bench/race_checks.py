"""The load-and-race checks of `make bench`: many ballots released at the same moment, and what
the database stored of them.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import TYPE_CHECKING

from bench.databases import count_ballots
from bench.http_client import request
from bench.load import Req

if TYPE_CHECKING:
    from bench.dataset import DataSet

RACE_DEADLINE = 10.0  # seconds: 200 parks' ballots must all be stored within this


def burst(port: int, requests: list[Req], timeout: float = 60) -> tuple[Counter, float]:
    """Every request at once, one thread each, released together; returns the statuses and the
    seconds from release until the last answer."""
    barrier = threading.Barrier(len(requests) + 1)
    statuses: Counter = Counter()
    lock = threading.Lock()

    def send(r: Req):
        try:
            barrier.wait(timeout)
            status, _text, _response = request(
                port, r.method, r.path, r.form, r.cookie, timeout=timeout
            )
        except (OSError, threading.BrokenBarrierError):
            status = 0
        with lock:
            statuses[status] += 1

    pool = [threading.Thread(target=send, args=(r,), daemon=True) for r in requests]
    for thread in pool:
        thread.start()
    barrier.wait(timeout)
    started = time.perf_counter()
    for thread in pool:
        thread.join(timeout + 5)
    return statuses, time.perf_counter() - started


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
