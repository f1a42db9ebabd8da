"""Forms every area uses, and the base every form is built on."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Field, PasswordField, StringField, SubmitField, TextAreaField
from wtforms.meta import DefaultMeta
from wtforms.validators import StopValidation

from association.domain import single_line_problem, text_problem


def _label(field: Field) -> str:
    return str(field.label.text) if field.label and field.label.text else field.name


def single_line(_form, field: Field) -> None:
    """A one-line field (a name, a title, an address) holds no line break or control character:
    it may end up in an e-mail header, a PDF line or a log line, where a line break starts
    something new. Stops the field's other checks, so `Optional()` cannot wipe the message."""
    if isinstance(field.data, str):
        problem = single_line_problem(field.data, _label(field))
        if problem:
            raise StopValidation(problem)


def plain_text(_form, field: Field) -> None:
    """Multi-line text keeps its line breaks and tabs, but no other control character."""
    if isinstance(field.data, str):
        problem = text_problem(field.data, _label(field))
        if problem:
            raise StopValidation(problem)


class _Meta(DefaultMeta):
    def bind_field(self, form, unbound_field, options):
        """Every text field gets its check first, whichever form declares it: one place, so a
        new form cannot forget it. Passwords are left alone: they are only ever hashed."""
        field = super().bind_field(form, unbound_field, options)
        if isinstance(field, TextAreaField):
            field.validators = [plain_text, *field.validators]
        elif isinstance(field, StringField) and not isinstance(field, PasswordField):
            field.validators = [single_line, *field.validators]
        return field


class Form(FlaskForm):
    """The base of every form in the application (tests/security/test_control_characters.py
    checks that none is built on FlaskForm directly)."""

    class Meta(_Meta, FlaskForm.Meta):
        pass


class ConfirmForm(Form):
    """A button that changes something: the form carries only the CSRF token."""

    submit = SubmitField()
