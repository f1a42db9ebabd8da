from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from association.forms import Form
from association.languages import ENGLISH, LANGUAGES
from association.memoranda.models import TEXT_LANGUAGES
from association.parks.service import country_choices


class MemorandumForm(Form):
    """Title, place and the text in each language; saving makes a new revision."""

    title = StringField(
        _l("Title"),
        validators=[DataRequired(), Length(max=300)],
        description=_l("In English: the register lists it, and it heads the English text."),
    )
    place = StringField(
        _l("Place of signature"),
        validators=[Optional(), Length(max=200)],
        description=_l("e.g. Astana"),
    )
    note = StringField(
        _l("What changed"),
        validators=[Optional(), Length(max=500)],
        description=_l("One line, kept with the revision."),
    )
    base_number = HiddenField()
    text_en = TextAreaField("English", validators=[Optional()])
    text_kk = TextAreaField("Қазақша", validators=[Optional()])
    text_tr = TextAreaField("Türkçe", validators=[Optional()])
    text_az = TextAreaField("Azərbaycanca", validators=[Optional()])
    text_uz = TextAreaField("Oʻzbekcha", validators=[Optional()])
    text_ky = TextAreaField("Кыргызча", validators=[Optional()])
    text_ru = TextAreaField("Русский", validators=[Optional()])
    # Each other language's own title, heading its text (empty: headed by the English title);
    # the page shows each beside its text, under the language's name.
    title_kk = StringField(
        _l("Title (%(language)s)", language="Қазақша"), validators=[Optional(), Length(max=300)]
    )
    title_tr = StringField(
        _l("Title (%(language)s)", language="Türkçe"), validators=[Optional(), Length(max=300)]
    )
    title_az = StringField(
        _l("Title (%(language)s)", language="Azərbaycanca"),
        validators=[Optional(), Length(max=300)],
    )
    title_uz = StringField(
        _l("Title (%(language)s)", language="Oʻzbekcha"), validators=[Optional(), Length(max=300)]
    )
    title_ky = StringField(
        _l("Title (%(language)s)", language="Кыргызча"), validators=[Optional(), Length(max=300)]
    )
    title_ru = StringField(
        _l("Title (%(language)s)", language="Русский"), validators=[Optional(), Length(max=300)]
    )
    public = BooleanField(_l("Public once issued (everyone may read it and download the PDF)"))
    document_language = SelectField(
        _l("Language of the PDF"),
        choices=LANGUAGES,
        default=ENGLISH,
        description=_l(
            "The issued PDF's cover, headings, signature page and audit trail are in this "
            "language; the texts above stay as written, each in its own language."
        ),
    )
    submit = SubmitField(_l("Save as a new revision"))

    def texts(self) -> dict[str, str]:
        return {code: getattr(self, f"text_{code}").data or "" for code in TEXT_LANGUAGES}

    def titles(self) -> dict[str, str]:
        return {code: field.data or "" for code, field in self.title_fields().items()}

    def title_fields(self) -> dict:
        """Language code to its title field; English is headed by the title itself."""
        return {code: getattr(self, f"title_{code}") for code in TEXT_LANGUAGES if code != "en"}

    def text_fields(self):
        return [getattr(self, f"text_{code}") for code in TEXT_LANGUAGES]

    def language_fields(self):
        """(language code, its title field or None for English, its text field) in order."""
        titles = self.title_fields()
        return [(code, titles.get(code), getattr(self, f"text_{code}")) for code in TEXT_LANGUAGES]


class MemberPartyForm(Form):
    park = SelectField(_l("Member park"), coerce=int)
    submit = SubmitField(_l("Add the park"))


class OutsidePartyForm(Form):
    name = StringField(_l("Organisation"), validators=[DataRequired(), Length(max=300)])
    country = SelectField(_l("Country"), validators=[DataRequired()])
    signatory_name = StringField(
        _l("Signatory's full name"), validators=[DataRequired(), Length(max=200)]
    )
    signatory_title = StringField(_l("Signatory's title"), validators=[Optional(), Length(max=200)])
    signatory_email = EmailField(
        _l("Signatory's e-mail"),
        validators=[DataRequired(), Email(), Length(max=320)],
        description=_l("The single-use signing link and the confirmation code go here."),
    )
    submit = SubmitField(_l("Add the organisation"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices()


class SignForm(Form):
    circulation = HiddenField()
    party = HiddenField()
    full_name = StringField(_l("Your full name"), validators=[DataRequired(), Length(max=200)])
    title = StringField(_l("Your title"), validators=[DataRequired(), Length(max=200)])
    consent = BooleanField(
        _l(
            "I have read the text above and sign it for my organisation with this electronic "
            "signature, which has the same effect as my handwritten signature."
        )
    )
    password = PasswordField(
        _l("Your password, to confirm"), validators=[DataRequired(), Length(max=500)]
    )
    submit = SubmitField(_l("Sign"))


class DeclineForm(Form):
    circulation = HiddenField()
    party = HiddenField()
    reason = TextAreaField(
        _l("Reason for declining"),
        validators=[DataRequired(), Length(max=5000)],
        description=_l("The secretariat and the other parties will read it."),
    )
    submit = SubmitField(_l("Decline"))


class OutsideSignForm(Form):
    full_name = StringField(_l("Your full name"), validators=[DataRequired(), Length(max=200)])
    title = StringField(_l("Your title"), validators=[DataRequired(), Length(max=200)])
    consent = BooleanField(
        _l(
            "I have read the text above and sign it for my organisation with this electronic "
            "signature, which has the same effect as my handwritten signature."
        )
    )
    code = StringField(
        _l("Confirmation code from the e-mail"), validators=[DataRequired(), Length(max=12)]
    )
    submit = SubmitField(_l("Sign"))


class OutsideDeclineForm(Form):
    code = StringField(
        _l("Confirmation code from the e-mail"), validators=[DataRequired(), Length(max=12)]
    )
    reason = TextAreaField(
        _l("Reason for declining"), validators=[DataRequired(), Length(max=5000)]
    )
    submit = SubmitField(_l("Decline"))


class TerminateForm(Form):
    on = DateField(_l("Date of termination"), validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("Terminate"))


class CompareForm(Form):
    class Meta:
        csrf = False

    a = IntegerField(_l("Revision"), validators=[DataRequired()])
    b = IntegerField(_l("with revision"), validators=[DataRequired()])
