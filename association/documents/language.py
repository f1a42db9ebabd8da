"""The language of a document's fixed text (headings, labels, the verification box).

What people wrote (a memorandum's texts, minutes' Markdown, a park's names) stays as written;
the words around it come from our catalogs, in the language the document is issued in,
whoever clicks: each area renders its document inside written_in(). A document is rendered
once, so a later change of that language reaches only documents issued after it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, tzinfo

from babel.dates import format_date
from flask_babel import force_locale
from flask_babel import gettext as _

from association.domain import Invalid
from association.languages import CODES, ENGLISH, NAMES, offered


def check_document_language(code: str | None, *, field: str = "document_language") -> str:
    """`code` when documents can be written in it; Invalid (naming the field) otherwise."""
    if offered(code) is None:
        raise Invalid(
            _(
                "%(code)s is not a language our documents are written in: choose one of %(languages)s.",
                code=(code or "—")[:20],
                languages=", ".join(sorted(CODES)),
            ),
            field=field,
        )
    return str(code)


def language_name(code: str) -> str:
    """The language in its own name (Қазақша, Türkçe), as the switcher and the forms list it."""
    return NAMES.get(code, code)


@contextmanager
def written_in(language: str) -> Iterator[None]:
    """Within it, _() and the templates speak `language` (the catalogs' words), whoever clicked."""
    with force_locale(language):
        yield


def document_date(
    value: date | datetime | None, language: str, *, zone: tzinfo | None = None
) -> str:
    """A date as a document prints it: "3 December 2026" in English, the locale's long form
    otherwise (2026 ж. 3 желтоқсан, 3 Aralık 2026); "—" for none."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = value.astimezone(zone) if zone is not None else value
        value = value.date()
    if language == ENGLISH:
        return format_date(value, "d MMMM y", locale=ENGLISH)
    return format_date(value, "long", locale=language)


def document_day_and_time(value: datetime, language: str, *, zone: tzinfo) -> str:
    """Weekday, date and time in `zone`: "Monday 9 March 2026, 10:30" in English, the locale's
    full date and its hours otherwise."""
    local = value.astimezone(zone)
    if language == ENGLISH:
        day = format_date(local.date(), "EEEE d MMMM y", locale=ENGLISH)
    else:
        day = format_date(local.date(), "full", locale=language)
    return f"{day}, {local:%H:%M}"


_PAGE_FIELDS = re.compile(r"%\((n|total)\)d")


def page_counter_css(text: str) -> str:
    """A translated "Page %(n)d of %(total)d" as the value of a CSS `content:` property, the
    numbers as the page counters, in the order the language puts them."""
    parts = []
    for index, piece in enumerate(_PAGE_FIELDS.split(text)):
        if index % 2:
            parts.append("counter(page)" if piece == "n" else "counter(pages)")
        elif piece:
            parts.append(css_string(piece))
    return " ".join(parts)


def css_string(text: str) -> str:
    """`text` as a CSS string, for a `content:` property."""
    # Quotes, backslashes and line ends escaped: the text comes from a catalog, not from CSS.
    escaped = "".join(f"\\{ord(char):x} " if char in '"\\\n\r<>' else char for char in text)
    return f'"{escaped}"'
