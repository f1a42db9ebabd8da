"""Webhook fixtures: an integration manager of the test park, and a receiver in the test process
(tests/conftest.py allows loopback endpoints)."""

from __future__ import annotations

import pytest

from tests.factories import make_integration_manager
from tests.webhooks.receiver import Receiver


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


@pytest.fixture
def manager(session, secretariat, park):
    return make_integration_manager(
        session, secretariat, park, email="integration@astanahub.example"
    )
