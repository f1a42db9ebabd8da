"""BASE_URL defaults to the address served, and the set-up says when the two differ."""

import logging

import pytest

from association import config as settings
from association import create_app
from association.documents.service import verification_url
from association.extensions import db
from association.site import site_url

CODE = "7K3M-QX9D-2HBT-W4NC"


@pytest.fixture
def served_at_5055(app):
    """The application as `make run PORT=5055` configures it: no BASE_URL, port 5055."""
    served = {"FLASK_RUN_HOST": "127.0.0.1", "FLASK_RUN_PORT": 5055, "BASE_URL": None}
    app.config.update(served, SERVED_ADDRESS=settings.served_address(app.config | served))
    return app


def test_links_and_sealed_pdfs_use_the_port_served_outside_a_request(served_at_5055):
    assert site_url("/reset/abc") == "http://127.0.0.1:5055/reset/abc"
    assert verification_url(served_at_5055.config, CODE) == f"http://127.0.0.1:5055/verify/{CODE}"


def test_a_request_to_this_machine_gives_links_its_own_address(served_at_5055):
    with served_at_5055.test_request_context("/", base_url="http://localhost:5055"):
        assert site_url("/memoranda/1") == "http://localhost:5055/memoranda/1"


def test_a_forged_host_never_reaches_a_link(served_at_5055):
    with served_at_5055.test_request_context("/", base_url="http://evil.example"):
        assert site_url("/reset/abc") == "http://127.0.0.1:5055/reset/abc"
        assert verification_url(served_at_5055.config, CODE).startswith("http://127.0.0.1:5055/")


def test_base_url_when_set_is_used_everywhere(app):
    app.config["BASE_URL"] = "https://technoparks.example/"
    with app.test_request_context("/", base_url="http://127.0.0.1:5055"):
        assert site_url("/x") == "https://technoparks.example/x"
    assert verification_url(app.config, CODE) == f"https://technoparks.example/verify/{CODE}"


def test_served_on_every_interface_links_lead_to_this_machine():
    config = {"FLASK_RUN_HOST": "0.0.0.0", "FLASK_RUN_PORT": 8080, "PREFERRED_URL_SCHEME": "http"}
    assert settings.served_address(config) == "http://127.0.0.1:8080"


def _start(app_config, caplog, **overrides):
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="association"):
        app = create_app({**app_config, **overrides})
    with app.app_context():
        db.engine.dispose()
    return [record.getMessage() for record in caplog.records if "BASE_URL" in record.getMessage()]


def test_set_up_warns_loudly_when_base_url_and_the_served_address_differ(app_config, caplog):
    warnings = _start(app_config, caplog, BASE_URL="http://127.0.0.1:5000", FLASK_RUN_PORT=5055)
    assert len(warnings) == 1
    assert "served at http://127.0.0.1:5055" in warnings[0]
    assert "sealed PDF" in warnings[0]


def test_set_up_is_quiet_when_they_agree_or_the_address_served_is_unknown(app_config, caplog):
    assert _start(app_config, caplog, BASE_URL="http://127.0.0.1:5055", FLASK_RUN_PORT=5055) == []
    # Under gunicorn nothing says where it serves: BASE_URL is the address.
    assert _start(app_config, caplog, BASE_URL="https://technoparks.example") == []
