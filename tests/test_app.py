from association.extensions import db


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
