"""Forms every area uses, and the base every form is built on."""

from __future__ import annotations

from flask_babel import get_translations
from flask_babel import gettext as _gettext
from flask_wtf import FlaskForm
from wtforms import (
    Field,
    FormField,
    HiddenField,
    PasswordField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.meta import DefaultMeta
from wtforms.validators import StopValidation

from association.content_languages import TRANSLATION_LANGUAGES
from association.domain import DomainError, single_line_problem, text_problem
from association.languages import NAMES


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


class _OurCatalogs:
    """WTForms' own messages ("This field is required.") from our catalogs, which hold them
    for all seven languages; WTForms ships no Azerbaijani, Uzbek or Kyrgyz."""

    def gettext(self, string: str) -> str:
        return _gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        # Not flask_babel.ngettext: WTForms fills its own placeholders (%(min)d) afterwards.
        return get_translations().ungettext(singular, plural, n)


class _Meta(DefaultMeta):
    def get_translations(self, form):
        return _OurCatalogs()

    def bind_field(self, form, unbound_field, options):
        """Every text field gets its check first, whichever form declares it: one place, so a
        new form cannot forget it. Passwords are left alone: they are only ever hashed."""
        field = super().bind_field(form, unbound_field, options)
        if isinstance(field, TextAreaField):
            field.validators = [plain_text, *field.validators]
        elif isinstance(field, StringField) and not isinstance(field, PasswordField):
            field.validators = [single_line, *field.validators]
        return field

    def render_field(self, field: Field, render_kw: dict):
        # Bootstrap-Flask's macros add is-invalid and the message beside the field; this adds
        # what assistive technology reads, and what site.js looks for to move the focus there.
        if field.errors:
            render_kw = {**render_kw, "aria-invalid": "true"}
        return super().render_field(field, render_kw)


class Form(FlaskForm):
    """The base of every form in the application (tests/security/test_control_characters.py
    checks that none is built on FlaskForm directly)."""

    class Meta(_Meta, FlaskForm.Meta):
        pass


class TranslationForm(Form):
    """The fields of one language's translation (a fieldset of a content's form). No token of
    its own: the form it is part of carries it."""

    class Meta:
        csrf = False


class Translations:
    """A form with one optional fieldset per language besides English, `in_<code>` (added by
    add_translations), each labelled with the language's own name."""

    def translation_fields(self) -> list[tuple[str, FormField]]:
        """(code, fieldset) per language, in the switcher's order."""
        return [(code, getattr(self, f"in_{code}")) for code in TRANSLATION_LANGUAGES]

    def translations(self) -> dict[str, dict[str, str]]:
        """What each language's fieldset says, for the domain function (empty: no translation)."""
        return {
            code: {name: value or "" for name, value in fieldset.data.items()}
            for code, fieldset in self.translation_fields()
        }

    @staticmethod
    def filled(translations: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        """The form's keyword arguments that fill each language's fieldset with what is given
        for it (language -> field -> text), for an edit form."""
        return {f"in_{code}": texts for code, texts in translations.items()}


def add_translations(form: type[Form], translation: type[TranslationForm]) -> None:
    """Give `form` (a Translations form) a fieldset of `translation`'s fields per language."""
    for code in TRANSLATION_LANGUAGES:
        setattr(form, f"in_{code}", FormField(translation, label=NAMES[code]))


class ConfirmForm(Form):
    """A button that changes something: the form carries only the CSRF token."""

    submit = SubmitField()


class LanguageForm(Form):
    """The language switcher: one button per language, and the page to return to."""

    language = StringField()
    next = HiddenField()


def show_beside_field(form: FlaskForm, refused: DomainError) -> bool:
    """Put a refusal's message beside the field it names, when the form has that field (the
    form macro then marks it and moves the focus there); False when it names none of them."""
    field = form._fields.get(refused.field) if refused.field else None
    if field is None:
        return False
    field.errors = [*field.errors, refused.message]
    return True
