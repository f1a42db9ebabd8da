"""The residency programme's forms: field validation only (the rules are the domain's)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FieldList,
    FormField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from association.auth.passwords import MIN_PASSWORD_LENGTH
from association.forms import Form, TranslationForm, Translations, add_translations
from association.membership.forms import FULL_URL, website_address
from association.parks.service import country_choices
from association.residency.presenters import STAGES

# Founders on one application, and host parks in order of preference.
MAX_FOUNDERS = 6
MAX_CHOICES = 3
PDF_ONLY = {"accept": "application/pdf,.pdf"}


class RegistrationForm(Form):
    name = StringField(_l("Company name"), validators=[DataRequired(), Length(max=200)])
    home_park = SelectField(
        _l("Home park"),
        coerce=int,
        validators=[DataRequired(message=_l("Choose the park the company is resident at."))],
        description=_l("The member park the company is a resident of: it confirms the account."),
    )
    registration_number = StringField(
        _l("Resident registration number at the home park"),
        validators=[DataRequired(), Length(max=60)],
        description=_l("As in the park's register of residents, e.g. AH-2024-0113."),
    )
    website = StringField(
        _l("Website"),
        validators=[Optional(), website_address, FULL_URL, Length(max=300)],
    )
    sector = StringField(
        _l("Sector"),
        validators=[Optional(), Length(max=120)],
        description=_l("e.g. fintech, agritech, developer tools"),
    )
    description = TextAreaField(
        _l("What the company does"), validators=[Optional(), Length(max=5000)]
    )
    founder_name = StringField(_l("Your full name"), validators=[DataRequired(), Length(max=200)])
    founder_email = EmailField(
        _l("Your e-mail"),
        validators=[DataRequired(), Email(), Length(max=320)],
        description=_l("You sign in with it; the programme's messages come here."),
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=500)],
        description=_l(
            "At least %(count)d characters. A phrase of several words is easy to remember and hard to guess.",
            count=MIN_PASSWORD_LENGTH,
        ),
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
    )
    submit = SubmitField(_l("Register the startup"))


class ListedForm(Form):
    listed = BooleanField(_l("Name the startup on the public programme page while in residency"))
    submit = SubmitField(_l("Save"))


# --- the application ----------------------------------------------------------------------


class FounderForm(TranslationForm):
    """One founder: a fieldset of the application form (no token of its own)."""

    full_name = StringField(_l("Full name, as in the passport"), validators=[Length(max=200)])
    # No Optional(): it would stop the checks below, which say what a half-filled row lacks.
    nationality = SelectField(_l("Nationality"), validate_choice=False)
    date_of_birth = DateField(_l("Date of birth"), validators=[Optional()])
    role = StringField(
        _l("Role"), validators=[Optional(), Length(max=120)], description=_l("e.g. CEO, CTO")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.nationality.choices = [("", "—"), *country_choices()]

    def validate_full_name(self, field):
        given = self.nationality.data or self.date_of_birth.data or (self.role.data or "").strip()
        if given and not (field.data or "").strip():
            raise ValidationError(_l("Give the founder's full name, or leave the row empty."))

    def validate_nationality(self, field):
        if field.data and field.data not in dict(self.nationality.choices):
            raise ValidationError(_l("Choose a country from the list."))
        if (self.full_name.data or "").strip() and not field.data:
            raise ValidationError(_l("Choose the founder's nationality (for the visa letter)."))


class ChoiceForm(TranslationForm):
    """One host park in the order of preference, and what the startup wants from it."""

    offer = SelectField(_l("Host park"), coerce=int, validators=[Optional()])
    wishes = TextAreaField(
        _l("What you want from this host"), validators=[Optional(), Length(max=3000)]
    )


class ApplicationForm(Form):
    product = TextAreaField(
        _l("The product"),
        validators=[Optional(), Length(max=5000)],
        description=_l("What it is, for whom, and what you would build during the residency."),
    )
    stage = SelectField(_l("Stage"), choices=[("", "—"), *STAGES], validators=[Optional()])
    sector = StringField(_l("Sector"), validators=[Optional(), Length(max=120)])
    starts_on = DateField(_l("Start of the residency"), validators=[Optional()])
    ends_on = DateField(_l("End of the residency"), validators=[Optional()])
    founders = FieldList(FormField(FounderForm), min_entries=3, max_entries=MAX_FOUNDERS)
    choices = FieldList(FormField(ChoiceForm), min_entries=MAX_CHOICES, max_entries=MAX_CHOICES)
    pitch_deck = FileField(_l("Pitch deck (PDF)"), render_kw=PDF_ONLY)
    company_registration = FileField(
        _l("Company registration (PDF)"),
        render_kw=PDF_ONLY,
        description=_l("The company's registration certificate, or an extract of the register."),
    )
    save = SubmitField(_l("Save the draft"))

    def set_offers(self, offers: list[tuple[int, str]]) -> None:
        for number, entry in enumerate(self.choices, start=1):
            entry.form.offer.choices = [(0, _l("— no host —")), *offers]
            entry.form.offer.label.text = _l("Preference %(n)d", n=number)

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data <= self.starts_on.data:
            raise ValidationError(_l("The end must come after the start."))

    def founders_given(self) -> list[dict]:
        return [
            {
                "full_name": entry.form.full_name.data.strip(),
                "nationality": entry.form.nationality.data,
                "date_of_birth": entry.form.date_of_birth.data,
                "role": (entry.form.role.data or "").strip(),
            }
            for entry in self.founders
            if (entry.form.full_name.data or "").strip()
        ]

    def choices_given(self) -> list[tuple[int, str]]:
        """(offer id, wishes) in the order given, skipping rows left at "no host"."""
        return [
            (entry.form.offer.data, (entry.form.wishes.data or "").strip())
            for entry in self.choices
            if entry.form.offer.data
        ]


class SubmitApplicationForm(Form):
    submit = SubmitField(_l("Submit to the home park"))


class WithdrawForm(Form):
    confirm = BooleanField(_l("Yes, withdraw this application"), validators=[DataRequired()])
    submit = SubmitField(_l("Withdraw the application"))


class AnswerForm(Form):
    answer = TextAreaField(_l("Your answer"), validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("Send the answer"))


class FinalReportForm(Form):
    text = TextAreaField(
        _l("Final report"),
        validators=[DataRequired(), Length(max=10_000)],
        description=_l(
            "What you did during the residency, and what the host park could do better."
        ),
    )
    submit = SubmitField(_l("Send the report"))


# --- the programme coordinator's forms ----------------------------------------------------


class ReasonForm(Form):
    """Declining a startup or an endorsement: the reason is required, the startup reads it."""

    reason = TextAreaField(
        _l("Reason (the startup reads it)"), validators=[DataRequired(), Length(max=5000)]
    )
    submit = SubmitField(lazy_pgettext("residency", "Decline"))


class QuestionForm(Form):
    question = TextAreaField(
        _l("Question to the startup"), validators=[DataRequired(), Length(max=5000)]
    )
    submit = SubmitField(_l("Ask"))


DECISIONS = [
    ("accept", _l("Accept: offer a place")),
    ("waitlist", _l("Put on the waiting list")),
    ("reject", _l("Reject")),
]


class DecisionForm(Form):
    # No decision is preselected: accepting is not a default to slip through.
    decision = SelectField(
        _l("Decision"),
        choices=[("", _l("— choose —")), *DECISIONS],
        validators=[DataRequired(message=_l("Choose a decision."))],
    )
    reason = TextAreaField(
        _l("Reason (the startup reads it)"),
        # No Optional(): it would stop validate_reason, which asks for it on a rejection.
        validators=[Length(max=5000)],
        description=_l("Required to reject."),
    )
    submit = SubmitField(_l("Decide"))

    def validate_reason(self, field):
        if self.decision.data == "reject" and not (field.data or "").strip():
            raise ValidationError(_l("Say why the application is rejected: the startup reads it."))


class ExtendForm(Form):
    ends_on = DateField(_l("New end date"), validators=[InputRequired()])
    submit = SubmitField(_l("Extend"))


class CheckOutForm(Form):
    on = DateField(_l("Checked out on"), validators=[InputRequired()])
    submit = SubmitField(_l("Check out"))


class CutShortForm(Form):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("Cut the residency short"))


# --- the secretariat's forms and the host offer -------------------------------------------


class CallForm(Form):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("e.g. Digital Nomad 2027, spring"),
    )
    applications_open = DateField(_l("Applications open on"), validators=[InputRequired()])
    applications_close = DateField(_l("Applications close on"), validators=[InputRequired()])
    earliest_start = DateField(_l("Earliest start of a residency"), validators=[InputRequired()])
    latest_start = DateField(_l("Latest start of a residency"), validators=[InputRequired()])
    min_months = IntegerField(
        _l("Shortest residency, in months"),
        default=1,
        validators=[InputRequired(), NumberRange(min=1, max=24)],
    )
    max_months = IntegerField(
        _l("Longest residency, in months"),
        default=6,
        validators=[InputRequired(), NumberRange(min=1, max=24)],
    )
    rules = TextAreaField(
        _l("The call's rules"),
        validators=[Optional(), Length(max=20_000)],
        description=_l("Markdown: shown on the public programme page."),
    )
    submit = SubmitField(_l("Save the call"))

    def validate_applications_close(self, field):
        if field.data and self.applications_open.data and field.data < self.applications_open.data:
            raise ValidationError(_l("Applications cannot close before they open."))

    def validate_latest_start(self, field):
        if field.data and self.earliest_start.data and field.data < self.earliest_start.data:
            raise ValidationError(_l("The latest start cannot come before the earliest."))

    def validate_max_months(self, field):
        if field.data and self.min_months.data and field.data < self.min_months.data:
            raise ValidationError(_l("The longest residency cannot be shorter than the shortest."))

    def values(self) -> dict:
        names = (
            "title",
            "applications_open",
            "applications_close",
            "earliest_start",
            "latest_start",
            "min_months",
            "max_months",
            "rules",
        )
        return {name: getattr(self, name).data for name in names}


class OfferTranslationForm(TranslationForm):
    description = TextAreaField(
        _l("What the park offers"), validators=[Optional(), Length(max=5000)]
    )
    conditions = TextAreaField(
        _l("The park's conditions"), validators=[Optional(), Length(max=5000)]
    )


class HostOfferForm(Translations, Form):
    park = SelectField(_l("Host park"), coerce=int, validators=[DataRequired()])
    places = IntegerField(_l("Places"), validators=[InputRequired(), NumberRange(min=0, max=1000)])
    workspace = BooleanField(_l("Workspace"))
    visa_support_letter = BooleanField(_l("Visa support letter"))
    mentoring = BooleanField(_l("Mentoring"))
    accommodation_help = BooleanField(_l("Help with accommodation"))
    tax_regime = StringField(
        _l("Tax regime, in a sentence"),
        validators=[Optional(), Length(max=300)],
        description=_l("e.g. Residents pay no corporate income tax until 2028."),
    )
    sectors = TextAreaField(
        _l("Sectors wanted"),
        validators=[Optional(), Length(max=2000)],
        description=_l("One per line; leave empty for any sector."),
    )
    description = TextAreaField(
        _l("What the park offers (English)"), validators=[DataRequired(), Length(max=5000)]
    )
    conditions = TextAreaField(
        _l("The park's conditions (English)"), validators=[Optional(), Length(max=5000)]
    )
    contact_name = StringField(_l("Contact: name"), validators=[DataRequired(), Length(max=200)])
    contact_email = EmailField(
        _l("Contact: e-mail"), validators=[DataRequired(), Email(), Length(max=320)]
    )
    contact_phone = StringField(_l("Contact: phone"), validators=[Optional(), Length(max=40)])
    submit = SubmitField(_l("Save the offer"))

    FIELDS = (
        "places",
        "workspace",
        "visa_support_letter",
        "mentoring",
        "accommodation_help",
        "tax_regime",
        "sectors",
        "description",
        "conditions",
        "contact_name",
        "contact_email",
        "contact_phone",
    )

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in self.FIELDS}


add_translations(HostOfferForm, OfferTranslationForm)


def host_offer_form(offer=None, park_choices: list[tuple[int, str]] | None = None) -> HostOfferForm:
    """The offer's form, filled from `offer` when given (else from the request). A new offer
    chooses its park from `park_choices`; an offer once made stays its park's (no field)."""
    if offer is not None:
        texts = {
            t.language: {"description": t.description, "conditions": t.conditions}
            for t in offer.translations
        }
        form = HostOfferForm(obj=offer, **HostOfferForm.filled(texts))
    else:
        form = HostOfferForm()
    if offer is not None or park_choices is None:
        del form.park
    else:
        form.park.choices = park_choices
    return form
