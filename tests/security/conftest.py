"""Helpers for the adversarial suite: every route of the app, and a fingerprint of the database."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from association.extensions import db

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def concrete_path(rule) -> str:
    """The rule's path with every argument filled in (ids that exist in the fixtures' data)."""
    values = {}
    for argument in rule.arguments:
        converter = rule._converters[argument].__class__.__name__
        values[argument] = 1 if converter == "IntegerConverter" else "x"
    return rule.build(values, append_unknown=False)[1]


def routes(app, *, methods: set[str], prefix: str = "") -> list[tuple[str, str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("static", "bootstrap.static") or not rule.rule.startswith(prefix):
            continue
        for method in sorted((rule.methods or set()) & methods):
            found.append((method, concrete_path(rule), rule.endpoint))
    return found


def database_fingerprint() -> dict[str, int]:
    """Row counts of every table: a refused request leaves them all as they were."""
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


@pytest.fixture
def populated(secretariat, park, delegate, member):
    """Some of everything, so that ids like 1 exist."""
    return {"secretariat": secretariat, "park": park, "delegate": delegate, "member": member}
