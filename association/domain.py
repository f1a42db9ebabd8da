"""What every domain function shares: its errors, and the transaction it runs in.

Domain functions (each area's rules.py / service.py) take a session and the acting
user, check the rules, change models, write the audit event and the outbox in the
same transaction. Views, the command line and tests all call them, so none of them
can skip a rule.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Concatenate, ParamSpec, TypeVar

from flask_babel import gettext as _
from sqlalchemy import String, Text, event, inspect
from sqlalchemy.orm import Mapper, Session


@dataclass(frozen=True)
class Refusal:
    """An audit event to keep although the action was refused (a failed login, a late ballot)."""

    action: str
    actor: object | None = None  # the User, when known
    subject: object | None = None  # the model the action was about
    details: dict = field(default_factory=dict)


class DomainError(Exception):
    """A refused action; the message is shown to the user as it is."""

    status = 400

    def __init__(self, message: str, *, audit: Refusal | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.audit = audit
        # The input the refusal is about (a form field's name), so a page can show the
        # message beside that field rather than at the top.
        self.field = field


class Invalid(DomainError):
    """The input breaks a rule (a choice not on the ballot, a date in the past)."""

    status = 400


class NotAllowed(DomainError):
    """The user may not do this."""

    status = 403


class NotAuthenticated(DomainError):
    """The request carries no valid credentials (an API token unknown, revoked or expired, or
    its account no longer allowed in): the caller must authenticate anew, not ask for rights."""

    status = 401


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    """The object's state does not allow this now (approving a rejected application)."""

    status = 409


def primary_key(model) -> int:
    """A model's id without loading it: inside a state change everything loaded before the
    lock is expired, and reading `model.id` would fetch the whole row again."""
    return inspect(model).identity[0]


# Control characters (C0, DEL, C1) and the Unicode line and paragraph separators. In a
# single-line field they would end an e-mail header or a log line early (header injection);
# in multi-line text only the tab and the line breaks are ordinary.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def single_line_problem(value: str, label: str) -> str | None:
    """Why `value` cannot be a single line of text (a name, a title, a subject), or None."""
    if _CONTROL.search(value):
        return _(
            "%(field)s must be a single line without control characters (no line breaks or tabs).",
            field=label,
        )
    return None


def text_problem(value: str, label: str) -> str | None:
    """Why `value` cannot be multi-line text (a reason, a memorandum's text), or None."""
    if _CONTROL_IN_TEXT.search(value):
        return _(
            "%(field)s contains a control character; only ordinary text and line breaks can be kept.",
            field=label,
        )
    return None


def require_single_line(value: str, label: str) -> str:
    """`value` itself, or Invalid when it is not a single line: for text that is not stored
    in a column of its own (an e-mail subject, a file name) before it is used."""
    problem = single_line_problem(value, label)
    if problem:
        raise Invalid(problem)
    return value


@event.listens_for(Session, "before_flush")
def _refuse_bad_text(session: Session, _flush_context, _instances) -> None:
    """Text longer than its column, or with control characters where they do not belong, is
    refused plainly, whoever the caller: the forms check it, but the command line and tests
    call domain functions directly, and PostgreSQL would answer with an error (SQLite would
    even keep the text). A String column is one line; a Text column may hold line breaks."""
    for model, is_new in itertools.chain(
        ((m, True) for m in session.new), ((m, False) for m in session.dirty)
    ):
        state = inspect(model)
        for key, length, check in _text_columns(state.mapper):
            value = state.dict.get(key)
            # Of a changed model, only the changed text: older rows are not refused for what they hold.
            if not isinstance(value, str) or not (is_new or state.attrs[key].history.has_changes()):
                continue
            label = key.replace("_", " ").capitalize()
            if length and len(value) > length:
                raise Invalid(
                    _(
                        "%(field)s is too long: at most %(length)d characters.",
                        field=label,
                        length=length,
                    )
                )
            problem = check(value, label) if check else None
            if problem:
                raise Invalid(problem)


_TextCheck = Callable[[str, str], str | None]


@functools.cache
def _text_columns(mapper: Mapper) -> tuple[tuple[str, int | None, _TextCheck | None], ...]:
    """(key, length, check) of each text column. A String column marked
    `info={"as_received": True}` (a browser's user agent) keeps whatever the browser sent."""
    columns: list[tuple[str, int | None, _TextCheck | None]] = []
    for attribute in mapper.column_attrs:
        for column in attribute.columns[:1]:
            if isinstance(column.type, Text):  # before String: Text is a String
                columns.append((attribute.key, None, text_problem))
            elif isinstance(column.type, String):
                check = None if column.info.get("as_received") else single_line_problem
                columns.append((attribute.key, column.type.length, check))
    return tuple(columns)


P = ParamSpec("P")
R = TypeVar("R")


def state_change(fn: Callable[Concatenate[Session, P], R]) -> Callable[Concatenate[Session, P], R]:
    """Run a domain function as one serialised transaction: all of it is committed, or none.

    The first statement takes the association-wide change lock (the audit chain's head
    row), so the checks the function makes see every committed change and no other
    change interleaves until this one commits: check-then-act is safe on SQLite and
    PostgreSQL alike. A state change called from inside another joins its transaction.
    The session must be the first argument.
    """

    @functools.wraps(fn)
    def run(session: Session, *args: P.args, **kwargs: P.kwargs) -> R:
        if session.info.get("in_state_change"):
            return fn(session, *args, **kwargs)
        from association.audit.log import lock_chain

        session.info["in_state_change"] = True
        try:
            lock_chain(session)
            result = fn(session, *args, **kwargs)
            session.commit()
            return result
        except DomainError as error:
            session.rollback()
            if error.audit is not None:
                _keep_refusal(session, error.audit)
            raise
        except BaseException:
            session.rollback()
            raise
        finally:
            session.info.pop("in_state_change", None)

    return run


def _keep_refusal(session: Session, refusal: Refusal) -> None:
    from association.audit.log import lock_chain, record

    try:
        lock_chain(session)
        record(
            session,
            refusal.action,
            actor=refusal.actor,
            subject=refusal.subject,
            details=refusal.details,
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
