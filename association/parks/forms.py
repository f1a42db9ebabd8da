from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import URL, DataRequired, Email, Length, Optional, ValidationError

from association.forms import Form
from association.languages import LANGUAGES
from association.parks.models import ParkStatus
from association.parks.presenters import ROLE_WORDS
from association.parks.service import country_choices

STATUS_LABELS = {
    ParkStatus.MEMBER: _l("Member (votes)"),
    ParkStatus.OBSERVER: _l("Observer (takes part, does not vote)"),
    ParkStatus.SUSPENDED: _l("Suspended (does not vote)"),
    ParkStatus.WITHDRAWN: _l("Withdrawn (no access)"),
}


def http_only(form, field):
    if field.data and not field.data.lower().startswith(("http://", "https://")):
        raise ValidationError(_l("A website address starts with http:// or https://."))


class ParkForm(Form):
    name_latin = StringField(
        _l("Name in Latin script"), validators=[DataRequired(), Length(max=200)]
    )
    name_native = StringField(
        _l("Name in native script"),
        validators=[Optional(), Length(max=200)],
        description=_l("As the park writes it, e.g. Астана Хаб."),
    )
    country = SelectField(_l("Country"), validators=[DataRequired()])
    city = StringField(_l("City"), validators=[Optional(), Length(max=120)])
    website = StringField(
        _l("Website"), validators=[Optional(), URL(require_tld=True), http_only, Length(max=300)]
    )
    language = SelectField(
        _l("Language"),
        choices=LANGUAGES,
        description=_l(
            "Its users' e-mails and its certificate are in this language, until a user chooses "
            "another for themselves."
        ),
    )
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices()


class NewParkForm(ParkForm):
    status = SelectField(
        _l("Status"), choices=[(s.value, label) for s, label in STATUS_LABELS.items()]
    )
    member_since = DateField(
        _l("Member since"), validators=[Optional()], description=_l("Leave empty for today.")
    )
    language = SelectField(
        _l("Language"),
        choices=[("", _l("The language of its country")), *LANGUAGES],
        default="",
        description=ParkForm.language.kwargs["description"],
    )
    submit = SubmitField(_l("Create park"))


class ParkStatusForm(Form):
    status = SelectField(
        _l("New status"), choices=[(s.value, label) for s, label in STATUS_LABELS.items()]
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(), Length(max=2000)],
        description=_l("Kept in the park's history."),
    )
    submit = SubmitField(_l("Change status"))


class InviteUserForm(Form):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    title = StringField(
        _l("Title"),
        validators=[Optional(), Length(max=200)],
        description=_l("e.g. Chief Executive Officer"),
    )
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=320)])
    park = SelectField(_l("Park"), coerce=int)
    delegate = BooleanField(_l("Delegate: casts the park's vote"))
    signatory = BooleanField(_l("Signatory: signs memoranda for the park"))
    submit = SubmitField(_l("Send invitation"))


class DutiesForm(Form):
    delegate = BooleanField(_l("Delegate: casts the park's vote"))
    signatory = BooleanField(_l("Signatory: signs memoranda for the park"))
    integration_manager = BooleanField(
        _l("Integration manager: registers the park's webhook endpoints")
    )
    programme_coordinator = BooleanField(
        _l("Programme coordinator: confirms the park's startups and reviews residency applications")
    )
    submit = SubmitField(_l("Save duties"))


class RoleForm(Form):
    role = SelectField(_l("Role"), choices=[(r.value, label) for r, label in ROLE_WORDS.items()])
    park = SelectField(_l("Park (for a member representative)"), coerce=int)
    end_duties = BooleanField(_l("Yes, end these duties with the change of role"))
    submit = SubmitField(_l("Change role"))
