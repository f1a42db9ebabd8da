"""Forms every area uses."""

from flask_wtf import FlaskForm
from wtforms import Field, SubmitField
from wtforms.meta import DefaultMeta

from association.domain import DomainError


def _render_marking_errors(meta: DefaultMeta, field: Field, render_kw: dict):
    # Bootstrap-Flask's macros add is-invalid and the message beside the field; this adds
    # what assistive technology reads, and what site.js looks for to move the focus there.
    if field.errors:
        render_kw = {**render_kw, "aria-invalid": "true"}
    return DefaultMeta.render_field(meta, field, render_kw)


# Every form here is a FlaskForm, rendered through Bootstrap-Flask's macros or by hand:
# marking invalid fields where every field is rendered reaches all of them at once.
FlaskForm.Meta.render_field = _render_marking_errors


class ConfirmForm(FlaskForm):
    """A button that changes something: the form carries only the CSRF token."""

    submit = SubmitField()


def show_beside_field(form: FlaskForm, refused: DomainError) -> bool:
    """Put a refusal's message beside the field it names, when the form has that field (the
    form macro then marks it and moves the focus there); False when it names none of them."""
    field = form._fields.get(refused.field) if refused.field else None
    if field is None:
        return False
    field.errors = [*field.errors, refused.message]
    return True
