"""Migrations: `flask db upgrade` builds the models' schema on an empty database, and brings
the previous schema up to date, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select, text

from association import create_app
from association.api.models import ApiToken
from association.audit.log import GENESIS, association_version, verify_chain
from association.audit.models import AuditChainHead, AuditEvent
from association.database import utcnow
from association.extensions import db
from association.parks.models import Park
from association.parks.service import create_park
from association.tokens import token_digest
from association.voting.initiatives import update_initiative
from association.voting.models import Initiative
from tests.factories import make_user


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
        differences = compare_metadata(context, db.metadata)
    return differences


def head_and_last_event() -> tuple[tuple[int, str], tuple[int, str]]:
    head = db.session.get(AuditChainHead, 1)
    last = db.session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc())
    ).first()
    return (head.seq, head.last_hash), tuple(last)


def test_upgrade_on_an_empty_database_gives_the_models_schema(bare_app):
    upgrade()
    assert differences_from_models() == []


# Rows written into an older schema by plain SQL: today's domain functions take the change lock
# through today's columns (audit_chain_head.changes, from 0021), which an older schema lacks.
def insert_park(name: str, country: str) -> None:
    db.session.execute(
        text(
            "INSERT INTO parks (slug, name_latin, name_native, country, city, website, status,"
            " language, created_at) VALUES (:slug, :name, '', :country, '', '', 'member', 'en',"
            " :now)"
        ),
        {"slug": name.lower().replace(" ", "-"), "name": name, "country": country, "now": utcnow()},
    )
    db.session.commit()


def insert_initiative(title: str) -> None:
    db.session.execute(
        text(
            "INSERT INTO initiatives (title, summary, body_markdown, kind, status, ballot_kind,"
            " quorum_numerator, quorum_denominator, majority, secret, changes_allowed,"
            " created_at, updated_at) VALUES (:title, '', '', 'general', 'draft', 'yes_no', 1, 2,"
            " 'simple', false, true, :now, :now)"
        ),
        {"title": title, "now": utcnow()},
    )
    db.session.commit()


def test_upgrade_from_the_previous_schema_keeps_its_chain_and_moves_the_head(bare_app):
    upgrade(revision="0006")  # the first migration made the chain's head
    head = text("SELECT last_hash FROM audit_chain_head WHERE id = 1")
    assert db.session.scalar(head) == GENESIS
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


def test_upgrade_hashes_the_tracking_codes_and_the_applicants_links_keep_working(bare_app):
    upgrade(revision="0008")
    code = "Old-tracking-code_from-0008-link"
    db.session.execute(
        text(
            "INSERT INTO applications (tracking_code, status, name_latin, name_native,"
            " legal_entity, country, city, website, year_founded, resident_companies,"
            " contact_name, contact_title, contact_email, contact_phone, motivation,"
            " category_requested, decision_reason, submitted_at, updated_at)"
            " VALUES (:code, 'submitted', 'Migrated Technopark', '', 'Migrated LLC', 'KZ',"
            " 'Astana', '', 2020, 3, 'Aliya', '', 'aliya@migrated.kz', '', 'To join.',"
            " 'member', '', :now, :now)"
        ),
        {"code": code, "now": utcnow()},
    )
    db.session.commit()
    db.session.close()

    upgrade()
    stored = db.session.execute(text("SELECT * FROM applications")).mappings().one()
    assert code not in {str(value) for value in stored.values()}
    assert stored["tracking_code_hash"] == token_digest(code)
    page = bare_app.test_client().get(f"/apply/{code}")
    assert page.status_code == 200
    assert "Migrated Technopark" in page.get_data(as_text=True)


def test_upgrade_from_0017_adds_the_translation_tables_and_downgrade_drops_only_them(bare_app):
    upgrade(revision="0017")
    insert_park("Migrated Park", "KZ")
    insert_initiative("Migrated initiative")
    db.session.close()

    upgrade()
    assert differences_from_models() == []
    initiative = db.session.scalars(select(Initiative)).one()
    update_initiative(db.session, None, initiative, translations={"kk": {"title": "Бастама"}})
    assert db.session.scalar(text("SELECT title FROM initiative_translations")) == "Бастама"

    db.session.close()
    downgrade(revision="0017")
    tables = set(inspect(db.engine).get_table_names())
    assert not tables & {"initiative_translations", "meeting_translations"}
    assert db.session.scalar(text("SELECT title FROM initiatives")) == "Migrated initiative"
    db.session.close()
    upgrade()
    assert differences_from_models() == []


def test_upgrade_gives_the_minutes_and_memoranda_drafted_before_it_english_documents(bare_app):
    upgrade(revision="0017")
    now = utcnow()
    for statement in (
        "INSERT INTO meetings (id, kind, title, starts_at, ends_at, timezone, place, online_url,"
        " status, cancelled_reason, sequence, created_at, updated_at) VALUES (1, 'board',"
        " 'Board 2026', :now, :now, 'Asia/Almaty', '', '', 'held', '', 0, :now, :now)",
        "INSERT INTO minutes (meeting_id, version, body_markdown, decisions_markdown, status,"
        " created_at, updated_at, approval_reference) VALUES (1, 1, 'Text.', '', 'draft', :now,"
        " :now, '')",
        "INSERT INTO memoranda (title, place, status, public, created_at, termination_reason)"
        " VALUES ('Cooperation', 'Astana', 'draft', false, :now, '')",
    ):
        db.session.execute(text(statement), {"now": now})
    db.session.commit()
    db.session.close()

    upgrade()
    for table in ("minutes", "memoranda"):
        languages = db.session.scalars(text(f"SELECT document_language FROM {table}")).all()  # noqa: S608
        assert languages == ["en"]
    db.session.close()
    downgrade(revision="0017")
    upgrade()


def test_upgrade_from_0019_adds_the_api_tables_and_downgrade_drops_only_them(bare_app):
    upgrade(revision="0019")
    insert_park("Migrated Park", "KZ")
    db.session.close()

    upgrade()
    assert differences_from_models() == []
    park = db.session.scalars(select(Park)).one()
    user = make_user(db.session, park=park)
    db.session.add(
        ApiToken(
            user=user,
            name="Park portal",
            token_hash=token_digest("amt_secret"),
            scopes="read",
            expires_at=utcnow(),
        )
    )
    db.session.commit()
    assert db.session.scalar(text("SELECT name FROM api_tokens")) == "Park portal"

    db.session.close()
    downgrade(revision="0019")
    tables = set(inspect(db.engine).get_table_names())
    assert not tables & {"api_tokens", "api_idempotent_requests"}
    assert db.session.scalar(text("SELECT name_latin FROM parks")) == "Migrated Park"
    db.session.close()
    upgrade()
    assert differences_from_models() == []


def test_upgrade_from_0020_counts_the_changes_and_downgrade_keeps_the_chain(bare_app):
    upgrade(revision="0020_api_tokens")
    insert_park("Migrated Park", "KZ")
    db.session.close()

    upgrade()
    assert differences_from_models() == []
    create_park(db.session, None, name_latin="Second Park", country="UZ")
    create_park(db.session, None, name_latin="Third Park", country="TR")
    assert association_version(db.session) == 2
    db.session.close()

    downgrade(revision="0020_api_tokens")
    columns = {column["name"] for column in inspect(db.engine).get_columns("audit_chain_head")}
    assert "changes" not in columns
    db.session.close()
    upgrade()
    create_park(db.session, None, name_latin="Fourth Park", country="AZ")
    head, last = head_and_last_event()
    assert head == last  # the head's trigger survived the round trip
    assert verify_chain(db.session).intact
