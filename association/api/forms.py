"""The form of the account's API tokens page (revoking is a ConfirmForm button)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from wtforms import IntegerField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from association.api.models import Scope
from association.forms import Form

SCOPE_CHOICES = [
    (Scope.READ.value, _l("read: see through the API what your account sees on the pages")),
    (
        Scope.VOTE.value,
        _l("vote: cast your park's ballots through the API, under the same rules as on the pages"),
    ),
]


class TokenForm(Form):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=100)],
        description=_l("What the token is for, so that you recognise it later (e.g. Park portal)."),
    )
    scopes = SelectMultipleField(
        _l("Scopes"),
        choices=SCOPE_CHOICES,
        default=[Scope.READ.value],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    days = IntegerField(_l("Days until it expires"), validators=[InputRequired()])
    submit = SubmitField(_l("Create the token"))

    def __init__(self, *args, may_vote: bool = False, max_days: int = 365, **kwargs):
        super().__init__(*args, **kwargs)
        # The vote scope is offered only to those who may cast ballots.
        self.scopes.choices = SCOPE_CHOICES if may_vote else SCOPE_CHOICES[:1]
        self.days.render_kw = {"min": 1, "max": max_days}
        self.days.description = ngettext(
            "A token lasts at least one day and at most %(num)d day.",
            "A token lasts at least one day and at most %(num)d days.",
            max_days,
        )
