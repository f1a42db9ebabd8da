"""The vote endpoint under gunicorn, beside a minimal Flask app that inserts one row per POST.

    .venv/bin/python bench/bench_voting.py [--requests 1500] [--threads 8] [--parks 8] [--skip-postgres]

For each database (an SQLite file in a temporary folder; PostgreSQL in a private schema it creates
and drops, from BENCH_POSTGRES_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/test) it
prepares the association's tables with member parks, their delegates and one open initiative
(changes allowed), starts our app and the minimal app each under gunicorn with 2 workers on
127.0.0.1, signs the delegates in (a real session cookie and CSRF token each), and sends a bounded
number of POSTs from Python threads: to /initiatives/<id>/vote (alternating For and Against, spread
over the parks, so every request changes a ballot and writes an audit event) and to the minimal
app's /rows. It prints requests per second for both and the ratio ours / minimal, then stops
everything it started and removes what it created.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "bench-password-1234"

MINIMAL_APP = '''
import os
from flask import Flask, request
from sqlalchemy import create_engine, event, text

url = os.environ["DATABASE_URL"]
engine = create_engine(url, connect_args={"timeout": 30} if url.startswith("sqlite") else {})

if url.startswith("sqlite"):
    @event.listens_for(engine, "connect")
    def pragmas(dbapi_connection, record):
        # The same settings as the association's SQLite connections.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

app = Flask(__name__)

@app.post("/rows")
def add_row():
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO bench_rows (value) VALUES (:value)"), {"value": request.form.get("value", "")})
    return "", 201
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A gunicorn with 2 workers, in its own process group so that stopping it stops its workers."""

    def __init__(self, app: str, chdir: Path, env: dict, port: int):
        self.port = port
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}", "--chdir", str(chdir),
             "--log-level", "warning", app],
            env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=sys.stderr,
        )

    def wait_ready(self, path: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn on port {self.port} exited with {self.process.returncode}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", path)
                connection.getresponse().read()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn on port {self.port} did not answer")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def request(port: int, method: str, path: str, body: dict | None = None, cookie: str | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"User-Agent": "bench-voting"}
    data = None
    if body is not None:
        data = urlencode(body)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if cookie:
        headers["Cookie"] = f"session={cookie}"
    connection.request(method, path, body=data, headers=headers)
    response = connection.getresponse()
    text = response.read().decode("utf-8", "replace")
    found = re.search(r"session=([^;]+)", response.getheader("Set-Cookie") or "")
    connection.close()
    return response.status, text, found.group(1) if found else None


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    if not found:
        raise RuntimeError("no CSRF token in the page")
    return found.group(1)


def prepare(database_url: str, engine_options: dict, instance: Path, parks: int, secret_key: str) -> int:
    """The association's tables, member parks with a delegate each, one open initiative; the
    minimal app's table. Returns the initiative's id."""
    from association import create_app
    from association.audit.log import GENESIS
    from association.audit.models import AuditChainHead
    from association.auth.service import create_user
    from association.database import utcnow
    from association.extensions import db
    from association.parks.service import create_park
    from association.voting.service import create_initiative, open_vote

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
                      "INSTANCE_PATH": str(instance), "SECRET_KEY": secret_key, "LOG_LEVEL": "WARNING"})
    with app.app_context():
        db.create_all()
        db.session.add(AuditChainHead(id=1, seq=0, last_hash=GENESIS))
        db.session.commit()
        from sqlalchemy import text

        with db.engine.begin() as connection:
            connection.execute(text("CREATE TABLE bench_rows (id INTEGER PRIMARY KEY "
                                    + ("AUTOINCREMENT" if database_url.startswith("sqlite") else "GENERATED BY "
                                       "DEFAULT AS IDENTITY") + ", value VARCHAR(100))"))
        for n in range(parks):
            park = create_park(db.session, None, name_latin=f"Bench Park {n}", country="KZ")
            create_user(db.session, None, email=f"delegate{n}@bench.example", full_name=f"Delegate {n}", park=park,
                        delegate=True, password=PASSWORD)
        initiative = create_initiative(db.session, None, title="Benchmark initiative", changes_allowed=True)
        open_vote(db.session, None, initiative, closes_at=utcnow() + timedelta(days=1))
        initiative_id = initiative.id
        db.session.remove()
        db.engine.dispose()
    return initiative_id


def sign_in(port: int, n: int, initiative_id: int) -> tuple[str, str]:
    """A delegate's session cookie and the CSRF token of that session."""
    _status, page, cookie = request(port, "GET", "/login")
    status, _text, cookie = request(port, "POST", "/login", {"email": f"delegate{n}@bench.example",
                                                              "password": PASSWORD, "csrf_token": csrf_token(page)},
                                    cookie)
    if status != 302 or not cookie:
        raise RuntimeError(f"sign-in of delegate {n} failed ({status})")
    status, page, _ = request(port, "GET", f"/initiatives/{initiative_id}", cookie=cookie)
    return cookie, csrf_token(page)


def load(send, total: int, threads: int) -> float:
    """Send `total` requests from `threads` threads; returns requests per second."""
    counter = iter(range(total))
    lock = threading.Lock()
    failures = []

    def work(worker: int):
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            problem = send(worker, n)
            if problem:
                failures.append(problem)

    pool = [threading.Thread(target=work, args=(w,)) for w in range(threads)]
    started = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{len(failures)} requests failed, e.g. {failures[0]}")
    return total / elapsed


def run(label: str, database_url: str, engine_options: dict, workdir: Path, args) -> tuple[float, float]:
    secret_key = secrets.token_urlsafe(32)
    initiative_id = prepare(database_url, engine_options, workdir / "instance", args.parks, secret_key)
    (workdir / "minimal_app.py").write_text(textwrap.dedent(MINIMAL_APP))
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": secret_key, "LOG_LEVEL": "WARNING"}
    ours = Server("association:create_app()", ROOT, env, free_port())
    minimal = Server("minimal_app:app", workdir, env, free_port())
    try:
        ours.wait_ready("/healthz")
        minimal.wait_ready("/")
        sessions = [sign_in(ours.port, n, initiative_id) for n in range(args.parks)]
        vote_path = f"/initiatives/{initiative_id}/vote"

        def vote(worker: int, n: int):
            cookie, token = sessions[(worker + n) % len(sessions)]
            status, text, _ = request(ours.port, "POST", vote_path,
                                      {"choice": ("for", "against")[(n // len(sessions)) % 2], "csrf_token": token},
                                      cookie)
            return None if status == 303 else f"vote: {status} {text[:200]}"

        def insert(worker: int, n: int):
            status, text, _ = request(minimal.port, "POST", "/rows", {"value": f"row {n}"})
            return None if status == 201 else f"minimal: {status} {text[:200]}"

        load(vote, min(200, args.requests), args.threads)  # warm-up
        load(insert, min(200, args.requests), args.threads)
        minimal_rps = load(insert, args.requests, args.threads)
        ours_rps = load(vote, args.requests, args.threads)
    finally:
        ours.stop()
        minimal.stop()
    print(f"{label:<11} vote endpoint {ours_rps:8.1f} req/s   minimal insert {minimal_rps:8.1f} req/s   "
          f"ratio ours/minimal {ours_rps / minimal_rps:5.2f}", flush=True)
    return ours_rps, minimal_rps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1500, help="POSTs per app and database")
    parser.add_argument("--threads", type=int, default=8, help="client threads")
    parser.add_argument("--parks", type=int, default=8, help="member parks (one signed-in delegate each)")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    print(f"{args.requests} POSTs each, {args.threads} client threads, gunicorn --workers 2 on 127.0.0.1, "
          f"votes spread over {args.parks} parks", flush=True)

    with tempfile.TemporaryDirectory(prefix="bench-voting-") as folder:
        workdir = Path(folder) / "sqlite"
        workdir.mkdir()
        run("SQLite", f"sqlite:///{workdir / 'bench.db'}",
            {"connect_args": {"timeout": 30, "check_same_thread": False}}, workdir, args)

        if args.skip_postgres:
            return
        from sqlalchemy import create_engine, text

        base_url = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(base_url)
        try:
            with admin.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        except Exception as problem:  # noqa: BLE001 - say why and stop; SQLite's figures are printed
            print(f"PostgreSQL    skipped: {problem.__class__.__name__}: {str(problem).splitlines()[0]}")
            return
        try:
            separator = "&" if "?" in base_url else "?"
            url = f"{base_url}{separator}options=-csearch_path%3D{schema}"
            workdir = Path(folder) / "postgres"
            workdir.mkdir()
            run("PostgreSQL", url, {"pool_pre_ping": True}, workdir, args)
        finally:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()
