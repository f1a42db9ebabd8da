"""E-mails in the recipient's language: each message is written in the language of whoever
reads it, chosen per recipient when it is queued, whatever the language of the page (or the
command) that queued it.

Expected text comes from the catalogs, never written out here: what the translators wrote is
what each reader must get."""

from __future__ import annotations

import contextvars
import functools
import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from babel.dates import format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from association.auth import service
from association.catalogs import read_catalog
from association.database import utcnow
from association.mail.models import OutboxMessage
from association.mail.outbox import Secret, queue_mail
from association.membership import applications
from association.voting.initiatives import create_initiative, schedule_initiative
from association.voting.votes import open_vote
from tests.factories import login
from tests.membership.conftest import application_input

TITLE = "Joint accelerator programme 2027"
# Every message is signed with these, and every catalog translates them.
SIGNATURE = (
    "The secretariat",
    "Association of Modern Technoparks of the Organization of Turkic States",
)
ZONES = {"kk": "Asia/Almaty", "tr": "Europe/Istanbul", "ru": "Europe/Moscow"}


@functools.cache
def _catalog(language: str):
    return read_catalog(language)


def translated(language: str, msgid: str, **values) -> str:
    """The catalog's translation of `msgid`, its placeholders filled as gettext fills them."""
    message = _catalog(language).get(msgid)
    assert message is not None, (language, msgid)
    assert message.string, (language, msgid)
    assert not message.fuzzy, (language, msgid)
    return message.string % values if values else message.string


def mails_to(session, address: str) -> list[OutboxMessage]:
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.recipient == address)
            .order_by(OutboxMessage.id)
        )
    )


def mail_with_subject(session, address: str, subject: str) -> OutboxMessage:
    """The one message to `address` with `subject` (an opened vote may also bring a checkpoint)."""
    (mail,) = [m for m in mails_to(session, address) if m.subject == subject]
    return mail


def assert_signed_in(language: str, body: str) -> None:
    for line in SIGNATURE:
        assert translated(language, line) in body
    assert SIGNATURE[1] not in body


@pytest.fixture
def delegates(session, make_park, make_user):
    """The delegate of a park reading Kazakh, one reading Turkish and one reading Russian (their
    parks' languages: none chose one), each in a time zone of their own."""
    people = {}
    for language, zone in ZONES.items():
        user = make_user(park=make_park(language=language), delegate=True)
        user.timezone = zone
        people[language] = user
    session.commit()
    return people


def assert_vote_opened_in_each_language(session, delegates, closes_at) -> None:
    subjects = set()
    for language, user in delegates.items():
        subject = translated(language, "Voting is open: %(title)s", title=TITLE)
        mail = mail_with_subject(session, user.email, subject)
        subjects.add(mail.subject)
        assert_signed_in(language, mail.body)
        # The closing time in the reader's language and zone.
        zone = ZONES[language]
        closes = format_datetime(closes_at, "medium", tzinfo=ZoneInfo(zone), locale=language)
        assert f"{closes} ({zone})" in mail.body
    assert len(subjects) == 3


def test_a_vote_opened_notice_reaches_each_park_in_its_own_language(
    session, secretariat, delegates
):
    initiative = create_initiative(session, secretariat, title=TITLE)
    open_vote(session, secretariat, initiative, closes_at=utcnow() + timedelta(days=7))
    assert_vote_opened_in_each_language(session, delegates, initiative.closes_at)


def test_a_notice_queued_from_a_turkish_page_reaches_a_kazakh_park_in_kazakh(
    client, session, secretariat, make_park, make_user
):
    kazakh = make_user(park=make_park(language="kk"), delegate=True)
    service.choose_language(session, secretariat, "tr")
    initiative = create_initiative(session, secretariat, title=TITLE)
    login(client, secretariat)
    closes = (utcnow() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/secretariat/initiatives/{initiative.id}/open",
        data={"closes_at": closes},
        follow_redirects=True,
    )
    mail = mail_with_subject(
        session, kazakh.email, translated("kk", "Voting is open: %(title)s", title=TITLE)
    )
    assert_signed_in("kk", mail.body)
    # The page that queued it goes on in its own language.
    told = translated("tr", "Voting is open. The delegates of the member parks have been told.")
    assert told in response.get_data(as_text=True)


def test_a_vote_the_clock_opens_tells_each_park_in_its_own_language(
    app, runner, session, secretariat, delegates
):
    initiative = create_initiative(session, secretariat, title=TITLE)
    opens = utcnow() + timedelta(hours=1)
    schedule_initiative(session, secretariat, initiative, opens, opens + timedelta(days=7))
    closes_at = initiative.closes_at
    session.commit()

    def as_cron():
        # As `flask close-due-votes` runs from cron: an application context of its own (not
        # the one this test holds), with no request and so no page language.
        with app.app_context():
            return runner.invoke(args=["close-due-votes"])

    with time_machine.travel(opens + timedelta(minutes=1), tick=False):
        result = contextvars.Context().run(as_cron)
    assert result.exit_code == 0, result.output
    assert "Opened: 1." in result.output
    session.expire_all()
    assert_vote_opened_in_each_language(session, delegates, closes_at)


def test_an_applicants_confirmation_is_in_the_language_they_applied_in(session):
    applications.submit_application(session, application_input(language="ru"), [])
    (mail,) = mails_to(session, "farrukh@technopark.tj")
    assert mail.subject == translated("ru", "Please confirm your e-mail address")
    assert_signed_in("ru", mail.body)
    assert "/apply/••••" in mail.shown_body


def test_a_users_own_language_wins_over_their_parks(session, make_park, make_user):
    park = make_park(language="kk")
    chose, follows = make_user(park=park), make_user(park=park)
    service.choose_language(session, chose, "ru")
    for user in (chose, follows):
        service.request_password_reset(session, user.email)
    (russian,) = mails_to(session, chose.email)
    (kazakh,) = mails_to(session, follows.email)
    assert russian.subject == translated("ru", "Reset your password")
    assert_signed_in("ru", russian.body)
    assert kazakh.subject == translated("kk", "Reset your password")
    assert_signed_in("kk", kazakh.body)


def test_the_secret_in_a_message_in_another_script_is_hidden_exactly(session, make_park, make_user):
    user = make_user(park=make_park(language="kk"))
    service.request_password_reset(session, user.email)
    (mail,) = mails_to(session, user.email)
    ((start, end),) = json.loads(mail.secret_spans)
    token = mail.body[start:end]
    assert mail.body[start - len("/reset/") : start] == "/reset/"
    assert len(token) >= 32
    assert token not in mail.shown_body
    assert "/reset/••••" in mail.shown_body


@pytest.mark.parametrize("code", ["xx", "", "de"])
def test_a_language_the_interface_does_not_speak_reads_english(session, code):
    message = queue_mail(
        session,
        "someone@example.org",
        _l("Reset your password"),
        "password_reset.txt",
        language=code,
        user=type("U", (), {"full_name": "Someone", "email": "someone@example.org"})(),
        link=Secret.link("/reset/", "tok-123"),
        hours=2,
    )
    assert message.subject == "Reset your password"
    assert message.body.startswith("Dear Someone,")
    assert message.body.rstrip().endswith(SIGNATURE[1])
