"""The load phase of `make bench`: the requests of each endpoint of ours and of the minimal app,
one check of each before the load, then each endpoint loaded in turn for a bounded time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from bench.http_client import request
from bench.load import LoadResult, Req, load

if TYPE_CHECKING:
    from pathlib import Path

    from bench.dataset import DataSet

# An endpoint's name: the requests the load cycles through (or how to make them just before they
# are sent, when they hold something that goes stale), and the status each must answer.
Requests = list[Req] | Callable[[], list[Req]]
Endpoints = dict[str, tuple[Requests, int]]


def api_etags(port: int, data: DataSet) -> list[tuple[str, str]]:
    """Each API token with the ETag its reader gets for the vote's initiative, for the 304 load."""
    found = []
    for token in data.api_tokens:
        status, text, response = request(
            port,
            "GET",
            f"/api/v1/initiatives/{data.vote_initiative}",
            headers={"Authorization": f"Bearer {token}"},
        )
        if status != 200:
            raise RuntimeError(f"API initiative: answered {status}: {text[:300]}")
        found.append((token, response.getheader("ETag")))
    return found


def conditional_gets(
    port: int, data: DataSet, page: str, seconds: float
) -> Callable[[], list[Req]]:
    """The 304 load's requests, made just before they are sent. An ETag is the association's
    version and the minute (time alone changes what an initiative says), so each is taken after
    every other change (a token's first use of the day is audited, the ballots' check writes) and
    early enough in a minute that the load ends before the next one."""

    def fresh() -> list[Req]:
        left = 60 - time.time() % 60
        if left < seconds + 3:
            time.sleep(left + 0.5)
        api_etags(port, data)  # each token's first use today is written, which changes the version
        return [
            Req(
                "GET",
                f"/api/v1{page}",
                headers={"Authorization": f"Bearer {token}", "If-None-Match": etag},
                group=n,
            )
            for n, (token, etag) in enumerate(api_etags(port, data))
        ]

    return fresh


def requests_of(requests: Requests) -> list[Req]:
    return requests() if callable(requests) else requests


def ours_endpoints(
    data: DataSet,
    sessions: list[tuple[str, str]],
    page: str,
    connections: int,
    port: int,
    seconds: float,
) -> Endpoints:
    # The parks whose sessions the load cycles through (not the race checks' parks).
    loaders = range(min(len(sessions) - 1, max(40, 3 * connections)))
    return {
        "dashboard (signed in)": (
            [Req("GET", "/dashboard", sessions[n][0], group=n) for n in loaders],
            200,
        ),
        "initiatives list": (
            [Req("GET", "/initiatives", sessions[n][0], group=n) for n in loaders],
            200,
        ),
        # Asked in each language, whatever the parks' own: the same page, three catalogs.
        "initiative page": (
            [Req("GET", f"{page}?lang=en", sessions[n][0], group=n) for n in loaders],
            200,
        ),
        "initiative page (ru)": (
            [Req("GET", f"{page}?lang=ru", sessions[n][0], group=n) for n in loaders],
            200,
        ),
        "initiative page (kk)": (
            [Req("GET", f"{page}?lang=kk", sessions[n][0], group=n) for n in loaders],
            200,
        ),
        # The same initiative through the API, then asked again with the ETag already held.
        "API initiative GET": (
            [
                Req("GET", f"/api/v1{page}", headers={"Authorization": f"Bearer {token}"}, group=n)
                for n, token in enumerate(data.api_tokens)
            ],
            200,
        ),
        "API initiative 304": (conditional_gets(port, data, page, seconds), 304),
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
        # The residency programme's figures over five years of it, as a park's delegate reads them.
        "residency figures": (
            [
                Req(
                    "GET", f"/residency/figures?year={data.residency_year}", sessions[n][0], group=n
                )
                for n in loaders
            ],
            200,
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


def minimal_endpoints(connections: int) -> Endpoints:
    return {
        "hello page": ([Req("GET", "/")], 200),
        "50-row page": ([Req("GET", "/rows")], 200),
        "one-row insert": (
            [Req("POST", "/rows", form={"value": f"row {n}"}, group=n) for n in range(connections)],
            201,
        ),
    }


def check_once(port: int, r: Req, expected: int, what: str) -> None:
    """One request before the load: a wrong answer (signed out, 404) would make the figures meaningless."""
    status, text, _response = request(port, r.method, r.path, r.form, r.cookie, headers=r.headers)
    if status != expected:
        raise RuntimeError(
            f"{what}: {r.method} {r.path} answered {status}, expected {expected}: {text[:300]}"
        )


def check_endpoints(port: int, endpoints: Endpoints) -> None:
    """Every page answers as it should, and is warm."""
    for name, (requests, expected) in endpoints.items():
        for r in requests_of(requests)[
            -12:
        ]:  # for the ballots: Against, so the load's first For changes them
            check_once(port, r, expected, name)


def load_endpoints(port: int, endpoints: Endpoints, args, workdir: Path) -> dict[str, LoadResult]:
    """Each endpoint loaded in turn for `args.duration` seconds, its figure printed as it ends."""
    results: dict[str, LoadResult] = {}
    for name, (requests, expected) in endpoints.items():
        print(f"   load: {name:<24} {args.duration:.0f} s ...", end=" ", flush=True)
        results[name] = result = load(
            port,
            requests_of(requests),
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
    return results
