import os
import shlex
import subprocess
import sys
from pathlib import Path

from flask import abort

from association.extensions import db
from association.parks.models import ParkStatus
from tests.factories import login


def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_unknown_address_gets_a_readable_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert b"There is nothing at this address" in response.data
    assert b"<html" in response.data


def test_home_lists_member_parks_with_native_names(client, park):
    response = client.get("/")
    assert response.status_code == 200
    assert "Астана Хаб" in response.get_data(as_text=True)


def test_secret_key_is_generated_into_instance_once(tmp_path, app_config):
    from association import create_app

    config = dict(app_config)
    config.pop("SECRET_KEY")
    first = create_app(config)
    second = create_app(config)
    key_file = tmp_path / "instance" / "secret_key"
    assert key_file.exists()
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text()
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    with first.app_context():
        db.engine.dispose()
    with second.app_context():
        db.engine.dispose()


def test_bootstrap_is_served_from_our_own_server(client):
    page = client.get("/").get_data(as_text=True)
    assert "cdn." not in page
    assert "/bootstrap/static/" in page


def test_home_shows_what_is_open(client, session, secretariat, park, delegate):
    from datetime import timedelta

    from association.database import utcnow
    from association.voting.initiatives import create_initiative
    from association.voting.votes import open_vote

    initiative = create_initiative(session, secretariat, title="Joint accelerator programme 2027")
    open_vote(session, secretariat, initiative, closes_at=utcnow() + timedelta(days=3))
    page = client.get("/").get_data(as_text=True)
    assert "Open votes" in page
    assert "Joint accelerator programme 2027" in page
    assert "No public memorandum yet." in page


def test_a_default_rate_limit_is_still_enforced(app, app_config):
    # create_app drops Flask-Limiter's global check while every limit decorates its view; a
    # default limit on an undecorated view needs that check, so with one configured it stays.
    from association import create_app
    from association.extensions import limiter

    try:
        limited = create_app({**app_config, "RATELIMIT_DEFAULT": "2 per minute"})
        client = limited.test_client()
        assert [client.get("/healthz").status_code for _ in range(3)] == [200, 200, 429]
    finally:
        limiter.limit_manager.set_default_limits([])
        limiter.reset()


# --- the README's commands, run as a reader would type them ----------------------------

README = Path(__file__).resolve().parent.parent / "README.md"
# Commands the README shows that need neither input nor a prepared database beyond the
# one db upgrade makes (seed-demo is covered in process: it takes half a minute).
README_COMMANDS = (
    ".venv/bin/python -m association.demo_code",
    ".venv/bin/flask --app association db upgrade",
    ".venv/bin/flask --app association audit-verify",
)


def _readme_command(start: str) -> list[str]:
    """The README's line that starts with `start`, as words, comment cut off, with `.venv/bin/`
    meaning the environment running the tests (make test VENV=.venv-3.13 is another)."""
    for line in README.read_text().splitlines():
        text = line.strip().split("  #")[0].strip()
        for candidate in [text, *text.split("`")]:
            if candidate.startswith(start):
                words = shlex.split(candidate)
                words[0] = str(Path(sys.executable).parent / Path(words[0]).name)
                return words
    raise AssertionError(f"The README no longer shows {start!r}")


def test_readme_commands_run_as_written(tmp_path):
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'readme.db'}",
        "SECRET_KEY": "readme-test",
    }
    outputs = []
    for start in README_COMMANDS:
        result = subprocess.run(
            _readme_command(start),
            cwd=README.parent,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, f"{start}\n{result.stdout}\n{result.stderr}"
        outputs.append(result.stdout)
    code = outputs[0].strip()
    assert code.isdigit()
    assert len(code) == 6
    assert "intact" in outputs[2]


def test_forbidden_page_says_why_in_our_words(client, delegate):
    login(client, delegate)
    response = client.get("/secretariat/")
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "You do not have access to this" in page
    assert "If you think your account should have access, please ask the secretariat." in page
    assert "requested resource" not in page  # Werkzeug's stock sentence


def test_forbidden_page_asks_a_visitor_to_sign_in(app, client):
    @app.get("/test-forbidden")
    def forbidden():
        abort(403)

    page = client.get("/test-forbidden").get_data(as_text=True)
    assert "Please sign in and try again." in page


def test_favicon_is_served_and_linked_from_every_page(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    page = client.get("/").get_data(as_text=True)
    assert 'rel="icon" href="/static/favicon.svg"' in page
    assert client.get("/static/favicon.svg").status_code == 200


def test_home_page_member_rows_link_to_the_park_profile(client, park):
    page = client.get("/").get_data(as_text=True)
    assert f'<a href="/members/{park.slug}">Astana Hub</a>' in page


def test_time_zone_menu_offers_the_member_parks_zones_first(client, make_park, member):
    make_park("Bilişim Vadisi", country="TR")
    make_park("Teknokent", country="TR")
    make_park("Gone Park", country="JP", status=ParkStatus.WITHDRAWN)
    login(client, member)
    page = client.get("/account").get_data(as_text=True)
    members, _sep, others = page.partition("Every other time zone")
    assert "The members&#39; time zones" in members
    # Two parks in Türkiye, one in Kazakhstan: Istanbul, then Kazakhstan's familiar zone.
    assert (
        members.index("Europe/Istanbul")
        < members.index("Asia/Almaty")
        < members.index("Asia/Aqtau")
    )
    assert "Asia/Almaty (Kazakhstan)" in members
    assert "Europe/Moscow" in members
    assert "Asia/Tokyo" not in members  # a withdrawn park's country is no member's
    assert 'value="Asia/Tokyo"' in others
