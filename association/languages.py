"""The seven languages of the interface, e-mails and documents, and who reads which.

A person's language is their own choice, else their park's default, else English. A park's
default follows its country where the interface speaks that country's language.
"""

from __future__ import annotations

# In their own names, as the switcher lists them.
LANGUAGES = [
    ("en", "English"),
    ("kk", "Қазақша"),
    ("tr", "Türkçe"),
    ("az", "Azərbaycanca"),
    ("uz", "Oʻzbekcha"),
    ("ky", "Кыргызча"),
    ("ru", "Русский"),
]
CODES = frozenset(code for code, _name in LANGUAGES)
NAMES = dict(LANGUAGES)
ENGLISH = "en"

# Turkmenistan and Tajikistan: Russian is the language of their parks' business with the
# association until the interface speaks Turkmen or Tajik.
_COUNTRY_LANGUAGES = {
    "KZ": "kk",
    "TR": "tr",
    "AZ": "az",
    "UZ": "uz",
    "KG": "ky",
    "RU": "ru",
    "TM": "ru",
    "TJ": "ru",
}


def offered(code: str | None) -> str | None:
    """`code` when the interface speaks it, else None (an unknown code is no error)."""
    return code if code in CODES else None


def reading_language(code: str | None) -> str:
    """The language a message to a reader of `code` is written in: `code` when the interface
    speaks it, else English (an unknown or empty code is no error)."""
    return offered(code) or ENGLISH


def for_country(country: str) -> str:
    """A park's default language, from its country (ISO 3166-1 alpha-2)."""
    return _COUNTRY_LANGUAGES.get(country.upper(), ENGLISH)
