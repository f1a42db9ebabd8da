"""Webhook fixtures: loopback endpoints allowed (the receiver runs in the test process), an
integration manager of the test park, and a receiver."""

from __future__ import annotations

import pytest

from tests.factories import make_integration_manager
from tests.webhooks.receiver import Receiver


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WEBHOOK_ALLOW_LOOPBACK": True}


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


@pytest.fixture
def manager(session, secretariat, park):
    return make_integration_manager(
        session, secretariat, park, email="integration@astanahub.example"
    )
