from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
)

from association.forms import Form
from association.parks.forms import http_only
from association.parks.service import country_choices


def website_address(form, field):
    # One message for a wrong address: http_only says what is wrong, and URL's generic
    # "Invalid URL." would repeat it below.
    try:
        http_only(form, field)
    except ValueError as wrong:
        raise StopValidation(str(wrong.args[0])) from None


FULL_URL = URL(
    require_tld=True,
    message=_l("Please give the website's full address, e.g. https://technopark.tj."),
)

CATEGORY_CHOICES = [
    ("member", _l("Member: takes part and votes")),
    ("observer", _l("Observer: takes part, does not vote")),
]


class ApplicationForm(Form):
    name_latin = StringField(
        _l("Park's name in Latin script"), validators=[DataRequired(), Length(max=200)]
    )
    name_native = StringField(
        _l("Park's name in its native script"),
        validators=[Optional(), Length(max=200)],
        description=_l("As the park writes it, e.g. Астана Хаб or حديقة فلسطين التكنولوجية."),
    )
    legal_entity = StringField(
        _l("Legal entity"),
        validators=[DataRequired(), Length(max=300)],
        description=_l("The registered name of the organisation that runs the park."),
    )
    country = SelectField(_l("Country"), validators=[DataRequired()])
    city = StringField(_l("City"), validators=[DataRequired(), Length(max=120)])
    website = StringField(
        _l("Website"),
        validators=[Optional(), website_address, FULL_URL, Length(max=300)],
        description=_l("e.g. https://technopark.tj"),
    )
    year_founded = IntegerField(
        _l("Year founded"), validators=[InputRequired(), NumberRange(min=1800)]
    )
    resident_companies = IntegerField(
        _l("Number of resident companies"),
        validators=[InputRequired(), NumberRange(min=0, max=1_000_000)],
    )
    contact_name = StringField(
        _l("Contact person: full name"), validators=[DataRequired(), Length(max=200)]
    )
    contact_title = StringField(
        _l("Contact person: title"),
        validators=[Optional(), Length(max=200)],
        description=_l("e.g. Director of International Relations"),
    )
    contact_email = EmailField(
        _l("Contact person: e-mail"),
        validators=[DataRequired(), Email(), Length(max=320)],
        description=_l("We send the tracking link and our decision here."),
    )
    contact_phone = StringField(
        _l("Contact person: phone"), validators=[Optional(), Length(max=40)]
    )
    category_requested = RadioField(
        _l("Category applied for"), choices=CATEGORY_CHOICES, default="member"
    )
    motivation = TextAreaField(
        _l("Motivation"),
        validators=[DataRequired(), Length(max=10_000)],
        description=_l("Why the park wishes to join, and what it brings to the association."),
    )
    documents = MultipleFileField(
        _l("Supporting documents (PDF)"),
        description=_l(
            "Up to 5 PDF files of at most 10 MB each: e.g. the registration "
            "certificate, the park's statute, an annual report."
        ),
        render_kw={"accept": "application/pdf,.pdf"},
    )
    submit = SubmitField(_l("Submit the application"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices()
        self.year_founded.validators[1].max = date.today().year


class AnswerForm(Form):
    answer = TextAreaField(_l("Your answer"), validators=[DataRequired(), Length(max=10_000)])
    documents = MultipleFileField(
        _l("Add documents (PDF)"),
        render_kw={"accept": "application/pdf,.pdf"},
        description=_l("At most 5 documents in all, 10 MB each."),
    )
    submit = SubmitField(_l("Send the answer"))


class ConfirmForm(Form):
    submit = SubmitField(_l("Confirm my e-mail address and send the application"))


class WithdrawForm(Form):
    confirm = BooleanField(_l("Yes, withdraw this application"), validators=[DataRequired()])
    submit = SubmitField(_l("Withdraw the application"))


class RequestInformationForm(Form):
    question = TextAreaField(
        _l("What should the applicant send or explain?"),
        validators=[DataRequired(), Length(max=10_000)],
    )
    submit = SubmitField(_l("Request information"))


class ApproveForm(Form):
    category = RadioField(_l("Admit as"), choices=CATEGORY_CHOICES, default="member")
    park = SelectField(
        _l("Park record"),
        coerce=int,
        description=_l("A park already on record (e.g. an observer) is linked instead of created."),
    )
    reason = TextAreaField(
        _l("Note for the applicant (optional)"), validators=[Optional(), Length(max=5000)]
    )
    submit = SubmitField(_l("Approve and admit"))


class RejectForm(Form):
    reason = TextAreaField(
        _l("Reason (the applicant reads it)"), validators=[DataRequired(), Length(max=5000)]
    )
    submit = SubmitField(_l("Reject"))


class PutToVoteForm(Form):
    days = IntegerField(
        _l("Voting period in days"),
        default=14,
        validators=[DataRequired(), NumberRange(1, 90)],
        description=_l(
            "The member parks' delegates vote; the outcome approves or rejects the "
            "application as applied for."
        ),
    )
    submit = SubmitField(_l("Put to a vote"))


class ProfileForm(Form):
    description = TextAreaField(
        _l("About the park"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Shown on the park's public page."),
    )
    website = StringField(
        _l("Website"),
        validators=[Optional(), website_address, FULL_URL, Length(max=300)],
    )
    logo = FileField(
        _l("Logo"),
        description=_l("PNG or JPEG, at most 1 MB and 2000 pixels either way."),
        render_kw={"accept": "image/png,image/jpeg"},
    )
    remove_logo = BooleanField(_l("Remove the current logo"))
    submit = SubmitField(_l("Save the profile"))
