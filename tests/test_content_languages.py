"""Content in several languages: which text a reader is shown, and the rules a translation
keeps whatever the content (the areas' tests check them through their domain functions)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask_babel import lazy_gettext as _l

from association.content_languages import (
    TRANSLATION_LANGUAGES,
    TranslatedField,
    check_translations,
    in_language,
    languages_given,
    set_translations,
)
from association.domain import Invalid

FIELDS = (
    TranslatedField("title", _l("Title"), max_length=10, required=True),
    TranslatedField("summary", _l("Summary"), single_line=False),
)


@dataclass
class Row:
    language: str
    title: str = ""
    summary: str = ""


def test_english_is_the_content_itself_and_never_a_translation():
    assert "en" not in TRANSLATION_LANGUAGES
    assert TRANSLATION_LANGUAGES == ("kk", "tr", "az", "uz", "ky", "ru")


def test_a_reader_sees_their_language_when_given_else_english():
    texts = {"en": "Budget", "kk": "Бюджет", "tr": ""}
    assert in_language(texts, "kk").text == "Бюджет"
    assert in_language(texts, "kk").language == "kk"
    assert in_language(texts, "tr").language == "en"  # given empty: not given
    assert in_language(texts, "ru").text == "Budget"
    assert in_language(texts, None).language == "en"
    assert languages_given({"ru": "Бюджет", "en": "Budget", "kk": "Бюджет"}) == ["en", "kk", "ru"]


def test_check_trims_fills_every_field_and_marks_an_empty_language_for_removal(app):
    assert check_translations(
        {"kk": {"title": "  Бюджет "}, "tr": {"title": "", "summary": "  "}}, FIELDS
    ) == {"kk": {"title": "Бюджет", "summary": ""}, "tr": {}}


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"en": {"title": "Budget"}}, "en is not a language a translation can be given in"),
        ({"fr": {"title": "Budget"}}, "fr is not a language"),
        ({"kk": {"title": "ә" * 11}}, r"Title \(Қазақша\) is too long: at most 10 characters"),
        ({"kk": {"title": "Бюд\nжет"}}, r"Title \(Қазақша\) must be a single line"),
        ({"kk": {"title": "Бюджет", "summary": "\x1b"}}, r"Summary \(Қазақша\) contains"),
        ({"kk": {"summary": "Қысқаша"}}, r"Title \(Қазақша\) is missing"),
        ({"kk": {"title": "Бюджет", "place": "Астана"}}, "cannot be changed here: place"),
    ],
)
def test_check_refuses_what_the_english_text_may_not_hold(app, given, message):
    with pytest.raises(Invalid, match=message):
        check_translations(given, FIELDS)


def test_set_adds_changes_removes_and_leaves_alone():
    rows = [Row("kk", "Бюджет"), Row("tr", "Bütçe"), Row("ru", "Бюджет")]
    changes = set_translations(
        rows,
        {
            "kk": {"title": "Бюджет", "summary": "Қысқаша"},
            "tr": {},
            "az": {"title": "Büdcə", "summary": ""},
            "uz": {},  # not there: nothing to remove
        },
        Row,
    )
    assert changes == {"az": "added", "kk": "changed", "tr": "removed"}
    assert [(row.language, row.title, row.summary) for row in rows] == [
        ("kk", "Бюджет", "Қысқаша"),
        ("ru", "Бюджет", ""),
        ("az", "Büdcə", ""),
    ]
    assert set_translations(rows, {"ru": {"title": "Бюджет", "summary": ""}}, Row) == {}
