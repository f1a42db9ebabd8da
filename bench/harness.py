"""What the benchmarks share: gunicorn servers in their own process groups, plain HTTP on
127.0.0.1, signing in with a real session and CSRF token, bounded load (wrk, or Python threads
when wrk is missing), a throw-away PostgreSQL schema, and the minimal Flask app we compare with.

Everything here targets 127.0.0.1 only, and every loop is bounded in count and in time.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
# The same User-Agent from Python and from wrk: Flask-Login's "strong" session protection ties a
# session to the address and User-Agent it was made with.
USER_AGENT = "amt-bench"
PASSWORD = "bench-password-1234"
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)

# A minimal Flask app on the same database: a hello page, a page of 50 rows, a one-row insert.
MINIMAL_APP = '''
import os
from flask import Flask, render_template_string, request
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

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Rows</title></head><body>
<h1>Rows</h1><table><thead><tr><th>#</th><th>Value</th></tr></thead><tbody>
{% for row in rows %}<tr><td>{{ row.id }}</td><td>{{ row.value }}</td></tr>{% endfor %}
</tbody></table></body></html>"""

app = Flask(__name__)

@app.get("/")
def hello():
    return "Hello, world!"

@app.get("/rows")
def rows():
    with engine.connect() as connection:
        found = connection.execute(text("SELECT id, value FROM bench_rows ORDER BY id DESC LIMIT 50")).all()
    return render_template_string(PAGE, rows=found)

@app.post("/rows")
def add_row():
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO bench_rows (value) VALUES (:value)"), {"value": request.form.get("value", "")})
    return "", 201
'''

# What a signed-in POST goes through first, shared by the two apps below: the session cookie,
# Flask-Login with "strong" protection, Flask-WTF's CSRF check. Each app imports it in its own
# gunicorn, so each has its own Flask app; with our SECRET_KEY, our sign-in cookies work there.
SIGN_IN_STACK = """
import os
from flask import Flask
from flask_login import LoginManager, UserMixin
from flask_wtf.csrf import CSRFProtect

app = Flask(__name__)
app.secret_key = os.environ["SECRET_KEY"]
CSRFProtect(app)
login_manager = LoginManager(app)
login_manager.session_protection = "strong"

class Member(UserMixin):
    def __init__(self, member_id):
        self.id = member_id

@app.get("/")
def hello():
    return "Hello, world!"
"""

# The minimal insert again, behind the sign-in stack, loading the member with one query. Not the
# target's baseline (that is MINIMAL_APP): it shows how much of the gap the sign-in stack is.
# Written beside minimal_app.py and sign_in_stack.py, whose database engine and app it uses.
MINIMAL_SIGNED_IN_APP = """
from flask import redirect, request
from flask_login import login_required, login_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import text

from minimal_app import engine
from sign_in_stack import Member, app, login_manager

FORM = '<form method="post"><input type="hidden" name="csrf_token" value="{}"></form>'

def find(query, value):
    with engine.connect() as connection:
        return connection.execute(text(query), {"value": value}).first()

@login_manager.user_loader
def load_member(member_id):
    found = find("SELECT id FROM bench_members WHERE id = :value", int(member_id))
    return Member(found.id) if found else None

@app.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        found = find("SELECT id FROM bench_members WHERE email = :value", request.form["email"])
        if found is None:
            return "No such member", 403
        login_user(Member(found.id))
        return redirect("/rows")
    return FORM.format(generate_csrf())

@app.get("/rows")
@login_required
def row_form():
    return FORM.format(generate_csrf())

@app.post("/rows")
@login_required
def add_row():
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO bench_rows (value) VALUES (:value)"), {"value": request.form.get("value", "")})
    return "", 201
"""


# The least a ballot can cost on this stack, to bound what any vote endpoint could reach: the
# signed-in minimal app's sign-in (our own session cookie, read by Flask-Login with "strong"
# protection) and CSRF check, then on one connection and in one transaction what the issue asks
# of a ballot: the change lock, one read of the rules' facts, the ballot written, an audit event
# hashed onto the chain (on PostgreSQL in the same statement as the ballot). Plain SQL, no ORM,
# no pre-ping, no templates, the rules reduced to comparisons. Not a second vote endpoint: a
# measuring stick, run against the association's tables, with our app's sign-in cookies.
# Written beside minimal_app.py and sign_in_stack.py.
LEAN_VOTE_APP = """
import hashlib, json, secrets
from datetime import UTC, datetime
from flask import abort, g, redirect, request
from flask_login import current_user, login_required
from sqlalchemy import text

from minimal_app import engine
from sign_in_stack import Member, app, login_manager

SQLITE = engine.dialect.name == "sqlite"

MEMBER = text("SELECT u.id, u.session_token, u.active, p.status FROM users u "
              "LEFT JOIN parks p ON p.id = u.park_id WHERE u.id = :user_id")
LOCK = text("UPDATE audit_chain_head SET seq = seq WHERE id = 1 RETURNING seq, last_hash")
SITUATION = text(
    "SELECT i.status, i.opens_at, i.closes_at, i.changes_allowed, u.email, u.park_id, u.is_delegate, "
    "p.status AS park_status, e.park_id IS NOT NULL AS in_electorate, b.id AS ballot_id, b.receipt_code "
    "FROM initiatives i JOIN users u ON u.id = :user_id LEFT JOIN parks p ON p.id = u.park_id "
    "LEFT JOIN initiative_electorate e ON e.initiative_id = i.id AND e.park_id = u.park_id "
    "LEFT JOIN ballots b ON b.initiative_id = i.id AND b.park_id = u.park_id WHERE i.id = :initiative_id")
ADD = ("INSERT INTO ballots (initiative_id, park_id, choice, cast_by_user_id, receipt_code, cast_at, updated_at, "
       "changes) VALUES (:initiative_id, :park_id, :choice, :user_id, :receipt, :now, :now, 0)")
CHANGE = ("UPDATE ballots SET choice = :choice, cast_by_user_id = :user_id, updated_at = :now, "
          "changes = changes + 1 WHERE id = :ballot_id")
AUDIT = ("INSERT INTO audit_events (seq, occurred_at, action, actor_id, actor_label, subject_type, subject_id, "
         "details, origin, prev_hash, hash) VALUES (:seq, :occurred_at, :action, :actor_id, :actor_label, "
         ":subject_type, :subject_id, :details, :origin, :prev_hash, :hash)")
# (ballot statement, audit statement) for a first ballot and for a change; PostgreSQL takes both in one.
WRITES = {new: (text(write), text(AUDIT)) if SQLITE else (text(f"WITH ballot AS ({write}) {AUDIT}"), None)
          for new, write in ((True, ADD), (False, CHANGE))}


def connection():
    if "connection" not in g:
        g.connection = engine.connect()
    return g.connection


@app.teardown_request
def close(_error):
    if "connection" in g:
        g.pop("connection").close()


@login_manager.user_loader
def load_member(session_id):
    user_id, _, token = session_id.partition(":")
    found = connection().execute(MEMBER, {"user_id": int(user_id)}).first()
    if found is None or found.session_token != token or not found.active or found.status == "withdrawn":
        return None
    return Member(found.id)


@app.post("/initiatives/<int:initiative_id>/vote")
@login_required
def vote(initiative_id):
    choice = request.form.get("choice", "")
    db = connection()
    now = datetime.now(UTC).replace(microsecond=0)
    stored_now = now.replace(tzinfo=None) if SQLITE else now
    seq, prev_hash = db.execute(LOCK).first()
    facts = db.execute(SITUATION, {"user_id": current_user.id, "initiative_id": initiative_id}).first()
    if (facts is None or facts.status != "open" or facts.park_status != "member" or not facts.is_delegate
            or not facts.in_electorate or choice not in ("for", "against", "abstain")
            or (facts.ballot_id is not None and not facts.changes_allowed)):
        db.rollback()
        abort(409)
    ballot = {"initiative_id": initiative_id, "park_id": facts.park_id, "choice": choice, "user_id": current_user.id,
              "now": stored_now, "ballot_id": facts.ballot_id, "receipt": facts.receipt_code or secrets.token_hex(6)}
    event = {"seq": seq + 1, "occurred_at": now.isoformat(), "action": "ballot.changed", "actor_id": current_user.id,
             "actor_label": facts.email, "subject_type": "Initiative", "subject_id": str(initiative_id),
             "details": json.dumps({"park_id": facts.park_id, "receipt": ballot["receipt"]}, sort_keys=True),
             "origin": f"{request.remote_addr} {request.user_agent.string[:200]}", "prev_hash": prev_hash}
    event["hash"] = hashlib.sha256(json.dumps(event, sort_keys=True).encode()).hexdigest()
    event["occurred_at"] = stored_now
    write_ballot, write_event = WRITES[facts.ballot_id is None]
    if write_event is None:
        db.execute(write_ballot, {**ballot, **event})
    else:
        db.execute(write_ballot, ballot)
        db.execute(write_event, event)
    db.commit()
    return redirect(f"/initiatives/{initiative_id}#your-ballot", code=303)
"""


def create_minimal_table(engine, rows: int = 50) -> None:
    """The minimal app's table, with `rows` rows to list."""
    from sqlalchemy import text

    identity = (
        "AUTOINCREMENT" if engine.dialect.name == "sqlite" else "GENERATED BY DEFAULT AS IDENTITY"
    )
    with engine.begin() as connection:
        connection.execute(
            text(f"CREATE TABLE bench_rows (id INTEGER PRIMARY KEY {identity}, value VARCHAR(100))")
        )
        if rows:
            connection.execute(
                text("INSERT INTO bench_rows (value) VALUES (:value)"),
                [{"value": f"row number {n}"} for n in range(rows)],
            )


def create_minimal_members(engine, emails: list[str]) -> None:
    """The signed-in minimal app's members: an id and an e-mail each."""
    from sqlalchemy import text

    with engine.begin() as connection:
        connection.execute(
            text("CREATE TABLE bench_members (id INTEGER PRIMARY KEY, email VARCHAR(320) UNIQUE)")
        )
        connection.execute(
            text("INSERT INTO bench_members (id, email) VALUES (:id, :email)"),
            [{"id": n + 1, "email": email} for n, email in enumerate(emails)],
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def handle_termination() -> None:
    """SIGINT (Ctrl-C, even when started in the background), SIGTERM and SIGHUP end the run with
    KeyboardInterrupt, so every `finally` runs and cleans up."""

    def stop(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)


# --- servers ------------------------------------------------------------------------------------


def _without_control_socket() -> list[str]:
    # Newer gunicorns open a control socket at one default path: the servers a benchmark runs
    # side by side would fight over it, and log errors. None of them needs one.
    from gunicorn.config import KNOWN_SETTINGS

    flags = {flag for setting in KNOWN_SETTINGS for flag in setting.cli or ()}
    return ["--no-control-socket"] if "--no-control-socket" in flags else []


class Server:
    """A gunicorn with 2 workers on 127.0.0.1, in its own process group so that stopping it stops
    its workers; workers are never recycled (--max-requests 0) so their memory can be read."""

    def __init__(self, app: str, chdir: Path, env: dict, port: int | None = None, workers: int = 2):
        self.port = port or free_port()
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--workers",
                str(workers),
                "--bind",
                f"{HOST}:{self.port}",
                "--chdir",
                str(chdir),
                "--max-requests",
                "0",
                "--timeout",
                "120",
                "--log-level",
                "warning",
                *_without_control_socket(),
                app,
            ],
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=sys.stderr,
        )

    def wait_ready(self, path: str, timeout: float = 60) -> float:
        """Waits for the first 200 from `path`; returns the seconds since gunicorn was started."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn on port {self.port} exited with {self.process.returncode}"
                )
            try:
                status, _text, _headers = request(self.port, "GET", path, timeout=5)
                if status == 200:
                    return time.perf_counter() - self.started
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(
            f"gunicorn on port {self.port} did not answer {path} within {timeout:.0f} s"
        )

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def peak_memory_mib(self) -> list[float]:
        """VmHWM (peak resident memory) of each worker, in MiB."""
        peaks = []
        for pid in self.worker_pids():
            with contextlib.suppress(OSError):
                found = re.search(
                    r"^VmHWM:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.M
                )
                if found:
                    peaks.append(int(found.group(1)) / 1024)
        return peaks

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


# --- HTTP ---------------------------------------------------------------------------------------


def request(
    port: int,
    method: str,
    path: str,
    body: dict | None = None,
    cookie: str | None = None,
    timeout: float = 60,
):
    """One request to 127.0.0.1:port; returns (status, text, headers)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        headers = {"User-Agent": USER_AGENT}
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if cookie:
            headers["Cookie"] = f"session={cookie}"
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace"), response
    finally:
        connection.close()


def session_cookie(response) -> str | None:
    found = re.search(r"session=([^;]+)", response.getheader("Set-Cookie") or "")
    return found.group(1) if found else None


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    if not found:
        raise RuntimeError("no CSRF token in the page")
    return found.group(1)


def sign_in(port: int, email: str, form_page: str, password: str = PASSWORD) -> tuple[str, str]:
    """A user's session cookie and the CSRF token of that session, read from `form_page`
    (a page with a form, fetched once signed in: the session is new after signing in)."""
    _status, page, response = request(port, "GET", "/login")
    cookie = session_cookie(response)
    status, _text, response = request(
        port,
        "POST",
        "/login",
        {"email": email, "password": password, "csrf_token": csrf_token(page)},
        cookie,
    )
    cookie = session_cookie(response)
    if status != 302 or not cookie:
        raise RuntimeError(f"sign-in of {email} failed ({status})")
    status, page, response = request(port, "GET", form_page, cookie=cookie)
    if status != 200:
        raise RuntimeError(f"{form_page} answered {status} to {email}")
    return session_cookie(response) or cookie, csrf_token(page)


# --- load -----------------------------------------------------------------------------------------


@dataclass
class Req:
    """One request of a load: what wrk or a Python thread sends."""

    method: str
    path: str
    cookie: str | None = None
    form: dict | None = None
    group: int = 0  # requests of one group (one signed-in park) go to the same client thread


@dataclass
class LoadResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    unexpected: int  # answers with another status than expected, and socket errors
    statuses: Counter = field(default_factory=Counter)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_path() -> str | None:
    return shutil.which("wrk")


def _lua_string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'"


_WRK_SCRIPT = """
-- Generated by bench/harness.py: cycles through the requests of this thread's groups,
-- counts answers whose status is not the expected one.
local entries = {
%(entries)s
}
local expected = %(expected)d
local nthreads = %(threads)d
local threads = {}
local next_id = 0
local mine = {}
local counter = 0
unexpected = 0

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  for _, e in ipairs(entries) do
    if e[5] %% nthreads == thread_id then
      table.insert(mine, wrk.format(e[1], e[2], e[3], e[4]))
    end
  end
  if #mine == 0 then
    for _, e in ipairs(entries) do table.insert(mine, wrk.format(e[1], e[2], e[3], e[4])) end
  end
end

function request()
  counter = counter + 1
  return mine[(counter - 1) %% #mine + 1]
end

function response(status, headers, body)
  if status ~= expected then unexpected = unexpected + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("unexpected") end
  local e = summary.errors
  io.write(string.format("BENCH %%d %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), bad, e.connect + e.read + e.write + e.timeout))
end
"""


def wrk_script(requests: list[Req], expected: int, threads: int) -> str:
    entries = []
    for r in requests:
        headers = {"User-Agent": USER_AGENT}
        body = ""
        if r.cookie:
            headers["Cookie"] = f"session={r.cookie}"
        if r.form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urlencode(r.form)
        lua_headers = (
            "{"
            + ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items())
            + "}"
        )
        entries.append(
            f"  {{{_lua_string(r.method)}, {_lua_string(r.path)}, {lua_headers}, "
            f"{_lua_string(body) if body else 'nil'}, {r.group}}},"
        )
    return _WRK_SCRIPT % {"entries": "\n".join(entries), "expected": expected, "threads": threads}


def load_wrk(
    port: int,
    requests: list[Req],
    expected: int,
    *,
    duration: float,
    threads: int,
    connections: int,
    workdir: Path,
) -> LoadResult:
    """wrk against 127.0.0.1:port for `duration` seconds."""
    script = workdir / f"load-{uuid.uuid4().hex[:8]}.lua"
    script.write_text(wrk_script(requests, expected, threads))
    command = [
        wrk_path(),
        "--threads",
        str(threads),
        "--connections",
        str(connections),
        "--duration",
        f"{max(1, round(duration))}s",
        "--timeout",
        "30s",
        "--script",
        str(script),
        f"http://{HOST}:{port}/",
    ]
    try:
        output = subprocess.run(
            command, capture_output=True, text=True, timeout=duration + 60, check=True
        ).stdout
    finally:
        script.unlink(missing_ok=True)
    found = re.search(r"^BENCH (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$", output, re.M)
    if not found:
        raise RuntimeError(f"wrk printed no result:\n{output}")
    count, micros, p50, p99, unexpected, errors = (int(g) for g in found.groups())
    return LoadResult(count, micros / 1e6, p50 / 1000, p99 / 1000, unexpected + errors)


def load_threads(
    port: int,
    requests: list[Req],
    expected: int,
    *,
    duration: float,
    threads: int,
    connections: int,
    max_requests: int = 100_000,
) -> LoadResult:
    """The same load from Python threads (one per connection), when wrk is missing: slower to
    send, so the figures are lower bounds, but ours and the minimal app's are measured alike."""
    del threads  # one Python thread per connection
    groups: dict[int, list[Req]] = {}
    for r in requests:
        groups.setdefault(r.group % connections, []).append(r)
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: Counter = Counter()
    sent = [0]
    deadline = time.monotonic() + duration

    def work(worker: int):
        mine = groups.get(worker) or requests
        n = 0
        while time.monotonic() < deadline:
            with lock:
                if sent[0] >= max_requests:
                    return
                sent[0] += 1
            r = mine[n % len(mine)]
            n += 1
            started = time.perf_counter()
            try:
                status, _text, _response = request(
                    port, r.method, r.path, r.form, r.cookie, timeout=30
                )
            except OSError:
                status = 0
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses[status] += 1

    pool = [threading.Thread(target=work, args=(w,), daemon=True) for w in range(connections)]
    started = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(duration + 60)
    seconds = time.perf_counter() - started
    latencies.sort()
    p50 = statistics.median(latencies) * 1000 if latencies else 0.0
    p99 = (
        latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000 if latencies else 0.0
    )
    return LoadResult(
        len(latencies),
        seconds,
        p50,
        p99,
        sum(n for s, n in statuses.items() if s != expected),
        statuses,
    )


def load(
    port: int,
    requests: list[Req],
    expected: int,
    *,
    duration: float,
    threads: int,
    connections: int,
    workdir: Path,
    use_wrk: bool,
) -> LoadResult:
    if use_wrk:
        return load_wrk(
            port,
            requests,
            expected,
            duration=duration,
            threads=threads,
            connections=connections,
            workdir=workdir,
        )
    return load_threads(
        port, requests, expected, duration=duration, threads=threads, connections=connections
    )


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


# --- databases ------------------------------------------------------------------------------------


def postgres_unavailable(base_url: str = POSTGRES_URL) -> str | None:
    """Why PostgreSQL cannot be used (None when it can)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(base_url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as problem:  # noqa: BLE001 - any reason is printed, and the run goes on without it
        return f"{problem.__class__.__name__}: {str(problem).splitlines()[0]}"
    finally:
        engine.dispose()
    return None


@contextlib.contextmanager
def postgres_schema(base_url: str = POSTGRES_URL):
    """A private schema, dropped at the end (also on Ctrl-C or an error); yields the URL whose
    connections use it."""
    from sqlalchemy import create_engine, text

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base_url)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            separator = "&" if "?" in base_url else "?"
            yield f"{base_url}{separator}options=-csearch_path%3D{schema}"
        finally:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


def engine_options(database_url: str) -> dict:
    if database_url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    return {"pool_pre_ping": True}


@contextlib.contextmanager
def workspace(prefix: str):
    """A temporary folder, removed at the end."""
    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        yield Path(folder)
