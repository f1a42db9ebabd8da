"""Header injection: a single-line field (a name, a title, a subject) refuses line breaks and
other control characters, in every form and in every domain function, with a clear message;
multi-line text keeps its line breaks but refuses the other control characters."""

from __future__ import annotations

import importlib
import pkgutil
import smtplib

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import func, select, update
from werkzeug.datastructures import MultiDict
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.fields.core import UnboundField

import association
from association.auth import service as accounts
from association.domain import Invalid
from association.forms import Form
from association.mail.models import OutboxMessage
from association.mail.outbox import queue_mail, send_pending
from association.memoranda import drafting
from association.parks.models import Park, User
from association.parks.service import create_park
from tests.factories import login
from tests.security.conftest import nothing_changes, refused

INJECTIONS = [
    "Astana\r\nBcc: everyone@example.org",
    "line\nbreak",
    "tab\there",
    "nul\x00",
    "esc\x1b[2J",
    "sep\u2028x",
    "c1\x85x",
]
TEXT_INJECTIONS = ["nul\x00", "esc\x1b[2J", "bell\x07", "sep\u2028x"]


def _all_forms() -> list[type[FlaskForm]]:
    for module in pkgutil.walk_packages(association.__path__, "association."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    found, todo = [], [FlaskForm]
    while todo:
        for subclass in todo.pop().__subclasses__():
            found.append(subclass)
            todo.append(subclass)
    return [form for form in found if form.__module__.startswith("association.")]


def _text_fields(kind) -> list[tuple[type[FlaskForm], str]]:
    fields = []
    for form in _all_forms():
        for name in dir(form):
            unbound = getattr(form, name, None)
            if isinstance(unbound, UnboundField) and kind(unbound.field_class):
                fields.append((form, name))
    return fields


def _single_line(field_class) -> bool:
    return issubclass(field_class, StringField) and not issubclass(
        field_class, (TextAreaField, PasswordField)
    )


def _multi_line(field_class) -> bool:
    return issubclass(field_class, TextAreaField)


def _errors_for(app, form_class, name: str, value: str) -> list[str]:
    with app.test_request_context():
        form = form_class(formdata=MultiDict({name: value}), meta={"csrf": False})
        form[name].validate(form)
        return [str(error) for error in form[name].errors]


def test_every_form_is_built_on_the_common_base():
    forms = _all_forms()
    assert len(forms) > 20  # the walk found the areas' forms
    assert [f"{f.__module__}.{f.__name__}" for f in forms if not issubclass(f, Form)] == []


def test_every_single_line_field_refuses_control_characters(app):
    """One test over every field of every form (an app per field would cost minutes)."""
    fields = _text_fields(_single_line)
    assert len(fields) > 30
    missed = []
    for form_class, name in fields:
        for value in INJECTIONS:
            errors = _errors_for(app, form_class, name, value)
            if not any("must be a single line without control characters" in e for e in errors):
                missed.append((form_class.__name__, name, value, errors))
        if any("control characters" in e for e in _errors_for(app, form_class, name, "Ok")):
            missed.append((form_class.__name__, name, "Ok"))
    assert missed == []


def test_every_multi_line_field_keeps_line_breaks_but_refuses_other_control_characters(app):
    fields = _text_fields(_multi_line)
    assert len(fields) > 10
    missed = []
    for form_class, name in fields:
        errors = _errors_for(app, form_class, name, "First line,\r\nsecond line\twith a tab.")
        if any("control character" in e for e in errors):
            missed.append((form_class.__name__, name, "line breaks", errors))
        for value in TEXT_INJECTIONS:
            errors = _errors_for(app, form_class, name, value)
            if not any("contains a control character" in e for e in errors):
                missed.append((form_class.__name__, name, value, errors))
    assert missed == []


def test_the_domain_refuses_control_characters_in_single_line_text(session):
    for value in INJECTIONS:
        with pytest.raises(Invalid, match="Name latin must be a single line"):
            create_park(session, None, name_latin=value, country="KZ")
    assert session.scalar(select(func.count()).select_from(Park)) == 0


def test_the_domain_refuses_a_header_injection_in_a_users_name(session, secretariat, park):
    before = session.scalar(select(func.count()).select_from(OutboxMessage))
    with pytest.raises(Invalid, match="Full name must be a single line"):
        accounts.create_user(
            session,
            secretariat,
            email="new@example.org",
            full_name="New\r\nBcc: everyone@example.org",
            park=park,
            invite=True,
        )
    assert (
        session.scalar(
            select(func.count()).select_from(User).where(User.email == "new@example.org")
        )
        == 0
    )
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == before


def test_the_domain_refuses_control_characters_in_multi_line_text(session, secretariat):
    with pytest.raises(Invalid, match="control character"):
        drafting.create_memorandum(
            session, secretariat, title="Cooperation", place="Astana", texts={"en": "Article 1\x00"}
        )
    memorandum = drafting.create_memorandum(
        session,
        secretariat,
        title="Cooperation",
        place="Astana",
        texts={"en": "## Article 1\r\n\r\n\tText."},
    )
    assert memorandum.id


def test_a_mail_subject_or_recipient_with_a_line_break_is_refused_when_queued(session):
    with pytest.raises(Invalid, match="The subject must be a single line"):
        queue_mail(
            session, "a@example.org", "Hello\r\nBcc: x@example.org", "invitation.txt", language="en"
        )
    with pytest.raises(Invalid, match="The recipient must be a single line"):
        queue_mail(
            session, "a@example.org\r\nBcc: x@example.org", "Hello", "invitation.txt", language="en"
        )
    session.rollback()
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_a_header_injection_through_the_invitation_form_is_refused_and_changes_nothing(
    client, session, secretariat, park
):
    login(client, secretariat)
    form = {
        "email": "new@example.org",
        "full_name": "New Person\r\nBcc: everyone@example.org",
        "park": park.id,
        "submit": "Send the invitation",
    }
    with nothing_changes():
        page = refused(client.post("/secretariat/users/invite", data=form), 200)
    assert "Full name must be a single line without control characters" in page


class RecordingSMTP:
    def __init__(self, sent: list):
        self.sent = sent

    def starttls(self):
        pass

    def send_message(self, message):
        self.sent.append(message)

    def quit(self):
        pass

    def close(self):
        pass


def test_a_message_with_a_header_injection_is_given_up_and_the_rest_is_sent(
    app, session, secretariat, park, monkeypatch
):
    """A jammed outbox: as an older row might hold it (the domain refuses such text now),
    one message cannot be built; send-mail gives it up with the reason and sends the rest."""
    sent = []
    monkeypatch.setattr(smtplib, "SMTP", lambda *a, **k: RecordingSMTP(sent))

    def invite(email):
        accounts.create_user(
            session, secretariat, email=email, full_name="X", park=park, invite=True
        )
        return session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == email))

    injected, recipients, good = (
        invite("a@example.org"),
        invite("b@example.org"),
        invite("c@example.org"),
    )
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == injected.id)
        .values(subject="Hello\r\nBcc: everyone@example.org")
    )
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == recipients.id)
        .values(recipient="b@example.org, everyone@example.org")
    )
    session.commit()
    assert send_pending(session, dict(app.config, MAIL_SERVER="smtp.example.org")) == (1, 2)
    assert [message["To"] for message in sent] == ["c@example.org"]
    session.refresh(injected)
    session.refresh(recipients)
    # Building it again could only fail again: given up at once, with the reason.
    assert injected.gave_up_at is not None
    assert injected.attempts == 1
    assert "cannot be built" in injected.last_error
    assert "single line" in injected.last_error
    assert recipients.gave_up_at is not None
    assert "not one e-mail address" in recipients.last_error
    session.refresh(good)
    assert good.sent_at is not None
