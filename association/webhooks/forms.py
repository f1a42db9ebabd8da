from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from association.forms import Form
from association.webhooks.models import EVENTS
from association.webhooks.presenters import EVENT_SENTENCES


class CheckboxesField(SelectMultipleField):
    """Several choices, one checkbox each (each with its sentence)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form) -> None:
        # The domain function names unknown events itself (the message says which).
        pass


class EndpointForm(Form):
    url = StringField(
        _l("Web address"),
        validators=[DataRequired(), Length(max=2000)],
        description=_l(
            "A public https:// address of your platform. Each event is POSTed there as JSON, "
            "signed per the Standard Webhooks specification."
        ),
    )
    events = CheckboxesField(_l("Events"))
    # The secretariat only: whose endpoint (0: the association's own, which receives what staff read).
    park = SelectField(_l("Park"), coerce=int, default=0)
    submit = SubmitField(_l("Add endpoint"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Worded when the page is, in the reader's language.
        self.events.choices = [(name, f"{name}: {EVENT_SENTENCES[name]}") for name in EVENTS]


class RemoveEndpointForm(Form):
    confirm = BooleanField(
        _l("Yes, remove this endpoint and its deliveries"), validators=[DataRequired()]
    )
    submit = SubmitField(_l("Remove"))
