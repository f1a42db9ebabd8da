"""Migrations: `flask db upgrade` builds the models' schema on an empty database, and brings
the previous schema up to date, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select, text

from association import create_app
from association.audit.log import GENESIS, verify_chain
from association.audit.models import AuditChainHead, AuditEvent
from association.extensions import db
from association.parks.service import create_park


@pytest.fixture
def bare_app(app_config):
    """An application whose database has no tables yet: the migrations make them."""
    app = create_app(app_config)
    with app.app_context():
        yield app
        db.session.remove()
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.engine.dispose()


def differences_from_models() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def head_and_last_event() -> tuple[tuple[int, str], tuple[int, str]]:
    head = db.session.get(AuditChainHead, 1)
    last = db.session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc())
    ).first()
    return (head.seq, head.last_hash), tuple(last)


def test_upgrade_on_an_empty_database_gives_the_models_schema(bare_app):
    upgrade()
    assert differences_from_models() == []


def test_upgrade_from_the_previous_schema_keeps_its_chain_and_moves_the_head(bare_app):
    upgrade(revision="0006")  # the first migration made the chain's head
    assert db.session.get(AuditChainHead, 1).last_hash == GENESIS
    db.session.close()

    upgrade()
    create_park(db.session, None, name_latin="Migrated Park", country="KZ")
    create_park(db.session, None, name_latin="Second Park", country="UZ")

    head, last = head_and_last_event()
    assert head == last
    assert head[0] == db.session.scalar(select(func.count(AuditEvent.id))) == 2
    assert verify_chain(db.session).intact

    # And back: the previous schema has no trigger, and upgrading again adds it once.
    db.session.close()  # PostgreSQL's DROP TRIGGER waits for every open transaction on the table
    downgrade(revision="0006")
    upgrade()
    create_park(db.session, None, name_latin="Third Park", country="TR")
    head, last = head_and_last_event()
    assert head == last
    assert head[0] == 3
