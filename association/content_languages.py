"""Content in several languages: an initiative's title and summary, a meeting's title.

The English text is the content's own column and is required; each other language may add an
optional translation (one row per language, in a table of the area's). A reader is shown their
own language when it is given, else English. A translation keeps the rules the English text
keeps (one line, no control character, the same length), so that a check passed in English
cannot be dodged in Kazakh.

Memoranda keep each language's text as equally authentic (association.memoranda.texts); here
English stays the reference and the other languages are a courtesy to their readers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, MutableSequence, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel.speaklater import LazyString

from association.domain import Invalid, single_line_problem, text_problem
from association.languages import ENGLISH, LANGUAGES, NAMES

# The languages a translation can be given in, in the switcher's order.
TRANSLATION_LANGUAGES: tuple[str, ...] = tuple(code for code, _name in LANGUAGES if code != ENGLISH)


@dataclass(frozen=True)
class InLanguage:
    """A text as a reader is shown it, and the language it is written in (for `lang`)."""

    text: str
    language: str

    def __str__(self) -> str:
        return self.text


class Translated(Protocol):
    """Content whose texts are given in English and maybe in other languages."""

    def text_in(self, field: str, language: str | None) -> InLanguage: ...

    @property
    def languages(self) -> list[str]: ...


def worded_in_every_language(
    wording: Callable[[str], dict[str, str]],
) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """What the platform writes itself (an admission vote's title and summary), worded by
    `wording(language)` under each language's catalog: the English for the content's own
    columns, and each language that words it otherwise as a translation. Stored content is
    never worded in whatever language the acting person's page happened to be in."""
    with force_locale(ENGLISH):
        english = wording(ENGLISH)
    translations = {}
    for language in TRANSLATION_LANGUAGES:
        with force_locale(language):
            worded = wording(language)
        if worded != english:
            translations[language] = worded
    return english, translations


def texts_of(english: str, translations: Iterable[Any], field: str) -> dict[str, str]:
    """`field` in English (the content's own column) and in each translation that gives it."""
    texts = {ENGLISH: english}
    for translation in translations:
        text = getattr(translation, field)
        if text:
            texts[translation.language] = text
    return texts


def in_language(texts: Mapping[str, str], language: str | None) -> InLanguage:
    """The text in `language` when it is given there, else in English (always given)."""
    if language and texts.get(language):
        return InLanguage(texts[language], language)
    return InLanguage(texts[ENGLISH], ENGLISH)


def languages_given(texts: Mapping[str, str]) -> list[str]:
    """The languages a text is given in, English first and the others in the switcher's order."""
    return [code for code, _name in LANGUAGES if texts.get(code)]


# --- the rules a translation keeps ----------------------------------------------------------


@dataclass(frozen=True)
class TranslatedField:
    """One text of the content that a translation may give, and the rules the English keeps."""

    name: str  # the column, on the content and on its translation: "title"
    label: LazyString  # as a form labels it: "Title"
    max_length: int | None = None
    single_line: bool = True
    # Without it, the translation says nothing: a summary needs the title in its language.
    required: bool = False


def _label(field: TranslatedField, language: str) -> str:
    return _("%(field)s (%(language)s)", field=field.label, language=NAMES[language])


def check_translations(
    given: Mapping[str, Mapping[str, str | None]], fields: Sequence[TranslatedField]
) -> dict[str, dict[str, str]]:
    """Each language's texts trimmed, every field present ("" where not given); a language
    whose texts are all empty maps to {} (its translation is to be removed).

    Refused (Invalid): a language that is not one of TRANSLATION_LANGUAGES (English is the
    content's own text, not a translation), a field the content does not translate, a text too
    long or holding a line break or control character where the English may not, and a
    translation that leaves out its required field (a summary without its title)."""
    known = {field.name: field for field in fields}
    checked: dict[str, dict[str, str]] = {}
    for language, texts in given.items():
        if language not in TRANSLATION_LANGUAGES:
            raise Invalid(
                _(
                    "%(code)s is not a language a translation can be given in: choose one of "
                    "%(languages)s.",
                    code=language or "—",
                    languages=", ".join(TRANSLATION_LANGUAGES),
                )
            )
        unknown = set(texts) - set(known)
        if unknown:
            raise Invalid(
                _(
                    "These fields cannot be changed here: %(fields)s",
                    fields=", ".join(sorted(unknown)),
                )
            )
        cleaned = {name: _check_text(known[name], language, texts.get(name)) for name in known}
        if not any(cleaned.values()):
            checked[language] = {}
            continue
        for field in fields:
            if field.required and not cleaned[field.name]:
                raise Invalid(
                    _(
                        "%(field)s is missing: give it too, or leave that language empty.",
                        field=_label(field, language),
                    )
                )
        checked[language] = cleaned
    return checked


def _check_text(field: TranslatedField, language: str, text: str | None) -> str:
    text = (text or "").strip()
    if field.single_line:
        problem = single_line_problem(text, _label(field, language))
    else:
        text = text.replace("\r\n", "\n")
        problem = text_problem(text, _label(field, language))
    if problem:
        raise Invalid(problem)
    if field.max_length is not None and len(text) > field.max_length:
        raise Invalid(
            _(
                "%(field)s is too long: at most %(length)d characters.",
                field=_label(field, language),
                length=field.max_length,
            )
        )
    return text


class _Row(Protocol):
    language: str


Row = TypeVar("Row", bound=_Row)


def set_translations(
    rows: MutableSequence[Row], checked: Mapping[str, Mapping[str, str]], make: Callable[..., Row]
) -> dict[str, str]:
    """Bring a content's translations (`rows`, its relationship) to what check_translations()
    returned: a language given with texts is added or changed, one given empty is removed, and
    one not given stays as it is. Returns what happened to each language ("added", "changed",
    "removed"), for the audit event; {} when nothing changed."""
    by_language = {row.language: row for row in rows}
    changes: dict[str, str] = {}
    for language, texts in checked.items():
        row = by_language.get(language)
        if not texts:
            if row is not None:
                rows.remove(row)
                changes[language] = "removed"
        elif row is None:
            rows.append(make(language=language, **texts))
            changes[language] = "added"
        elif any(getattr(row, name) != text for name, text in texts.items()):
            for name, text in texts.items():
                setattr(row, name, text)
            changes[language] = "changed"
    return dict(sorted(changes.items()))
