"""The load phase of `make bench`: the requests of each endpoint of ours and of the minimal app,
one check of each before the load, then each endpoint loaded in turn for a bounded time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bench.http_client import request
from bench.load import LoadResult, Req, load

if TYPE_CHECKING:
    from pathlib import Path

    from bench.dataset import DataSet

# An endpoint's name: the requests the load cycles through, and the status each must answer.
Endpoints = dict[str, tuple[list[Req], int]]


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


def ours_endpoints(
    data: DataSet,
    sessions: list[tuple[str, str]],
    page: str,
    connections: int,
    api: list[tuple[str, str]],
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
                for n, (token, _etag) in enumerate(api)
            ],
            200,
        ),
        "API initiative 304": (
            [
                Req(
                    "GET",
                    f"/api/v1{page}",
                    headers={"Authorization": f"Bearer {token}", "If-None-Match": etag},
                    group=n,
                )
                for n, (token, etag) in enumerate(api)
            ],
            304,
        ),
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
        for r in requests[-12:]:  # for the ballots: Against, so the load's first For changes them
            check_once(port, r, expected, name)


def load_endpoints(port: int, endpoints: Endpoints, args, workdir: Path) -> dict[str, LoadResult]:
    """Each endpoint loaded in turn for `args.duration` seconds, its figure printed as it ends."""
    results: dict[str, LoadResult] = {}
    for name, (requests, expected) in endpoints.items():
        print(f"   load: {name:<24} {args.duration:.0f} s ...", end=" ", flush=True)
        results[name] = result = load(
            port,
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
    return results
