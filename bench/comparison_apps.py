"""The apps we compare ours with, each written to a file and run under gunicorn beside ours: the
minimal Flask app (a hello page, a page of 50 rows, a one-row insert), the same insert behind a
sign-in, and the leanest vote this stack allows; and the tables the minimal apps read and write.
"""

from __future__ import annotations

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

MEMBER = text("SELECT u.id, u.active, p.status FROM signed_in_sessions s JOIN users u ON u.id = s.user_id "
              "LEFT JOIN parks p ON p.id = u.park_id WHERE s.key_digest = :key_digest")
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
def load_member(session_key):
    # The cookie names a signed-in session row (its key's SHA-256 is stored), as in our app.
    key_digest = hashlib.sha256(session_key.encode()).hexdigest()
    found = connection().execute(MEMBER, {"key_digest": key_digest}).first()
    if found is None or not found.active or found.status == "withdrawn":
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
