"""What `make bench` prints at the end: the table of ours against the minimal app, the
memorandum's issue time, the boot times and peak memory, and the race checks' lines.
"""

from __future__ import annotations

import os

from bench.database_run import Outcome

# Our endpoint, its minimal counterpart (see MINIMAL_APP).
PAIRS = [
    ("dashboard (signed in)", "50-row page"),
    ("initiatives list", "50-row page"),
    ("initiative page", "50-row page"),
    ("ballot POST", "one-row insert"),
    ("residency figures", "50-row page"),
    ("certificate download", "hello page"),
]


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
        english = outcome.ours["initiative page"]
        print(
            f"{outcome.label:<11} initiative page in Russian {outcome.ours['initiative page (ru)'].rps:.1f} req/s, "
            f"in Kazakh {outcome.ours['initiative page (kk)'].rps:.1f} req/s, in English {english.rps:.1f} req/s: "
            f"{ratio(outcome.ours['initiative page (ru)'].rps, english.rps).strip()} and "
            f"{ratio(outcome.ours['initiative page (kk)'].rps, english.rps).strip()} of English (goal: at least 0.95)"
        )
    for outcome in outcomes:
        html = outcome.ours["initiative page"].rps
        api, unchanged = (
            outcome.ours["API initiative GET"].rps,
            outcome.ours["API initiative 304"].rps,
        )
        print(
            f"{outcome.label:<11} the initiative through the API {api:.1f} req/s, its 304 {unchanged:.1f} req/s, "
            f"its HTML page {html:.1f} req/s: {ratio(api, html).strip()} (goal: at least 1) and "
            f"{ratio(unchanged, html).strip()} (goal: at least 3) of the page"
        )
    _print_residency_figures(outcomes)
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


def _print_residency_figures(outcomes: list[Outcome]) -> None:
    for outcome in outcomes:
        figures, rows = outcome.ours["residency figures"].rps, outcome.minimal["50-row page"].rps
        print(
            f"{outcome.label:<11} residency figures ({outcome.data.residency_year}, over 20,000 applications "
            f"and 5,000 residencies): {figures:.1f} req/s, {ratio(figures, rows).strip()} of the 50-row page "
            f"(goal: at least 0.5); its figures in {outcome.data.residency_queries} SQL statements "
            f"(goal: the page in at most 12)"
        )
