"""Forms every area uses."""

from flask_wtf import FlaskForm
from wtforms import SubmitField


class ConfirmForm(FlaskForm):
    """A button that changes something: the form carries only the CSRF token."""

    submit = SubmitField()
