"""The message catalogs: what the code marks for translation, and the seven languages' files.

`python -m association.catalogs update` extracts every marked string (Python, templates,
e-mails, and WTForms' own validation messages, which our forms ask our catalogs for) and
merges it into each language's `.po`; `compile` writes the `.mo` files the application reads
(`make install` runs it; `.mo` files are never committed). tests/test_catalogs.py fails when
a catalog falls behind the code.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import wtforms
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = Path(__file__).resolve().parent / "translations"
# English is the source language: its catalog is the messages themselves.
TRANSLATED = ("ru", "kk", "tr", "az", "uz", "ky")
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    # The same English word in two meanings ("Open" a tab, "Open" a button) gets a context.
    "pgettext": ((1, "c"), 2),
    "lazy_pgettext": ((1, "c"), 2),
}
_METHODS = [
    ("association/**.py", "python"),
    ("templates/**.html", "jinja2"),
    ("templates/**.txt", "jinja2"),
]
_JINJA = {"extensions": "jinja2.ext.do", "trimmed": "true"}


def extract() -> Catalog:
    """Every message the code marks, with WTForms' built-in messages added."""
    catalog = Catalog(project="association", charset="utf-8")
    options = {pattern: _JINJA for pattern, method in _METHODS if method == "jinja2"}
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), _METHODS, options, KEYWORDS, strip_comment_tags=True
    ):
        if filename.startswith(("association/translations", ".venv")):
            continue
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    with open(Path(wtforms.__file__).parent / "locale" / "wtforms.pot", "rb") as pot:
        for validation in read_po(pot):
            if validation.id:
                catalog.add(validation.id, None, [("wtforms", 0)])
    return catalog


def po_path(language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"


def read_catalog(language: str) -> Catalog:
    with open(po_path(language), "rb") as po:
        return read_po(po, locale=language)


_PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[sdr]")


def _placeholders(text: str) -> list[str]:
    """A named placeholder may stand any number of times; `%s` as many times as in English."""
    found = _PLACEHOLDER.findall(text)
    return sorted({p for p in found if "(" in p}) + sorted(p for p in found if "(" not in p)


def problems(language: str, template: Catalog | None = None) -> list[str]:
    """What keeps a catalog from being complete: a message the code marks that it lacks, one
    empty or fuzzy, one whose placeholders differ from the English, one it holds that the code
    no longer marks."""
    template = template or extract()
    catalog = read_catalog(language)
    found: list[str] = []
    for message in template:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        entry = catalog.get(message.id, context=message.context)
        if entry is None:
            found.append(f"{language}: missing: {key!r}")
            continue
        if entry.fuzzy:
            found.append(f"{language}: fuzzy: {key!r}")
        ids: tuple[str, ...] = (
            tuple(message.id) if isinstance(message.id, tuple) else (str(message.id),)
        )
        texts: tuple[str, ...] = (
            tuple(entry.string) if isinstance(entry.string, tuple | list) else (entry.string or "",)
        )
        if not all(texts) or (isinstance(message.id, tuple) and len(texts) != catalog.num_plurals):
            found.append(f"{language}: empty: {key!r}")
            continue
        wanted = _placeholders(ids[-1])
        for text in texts:
            # One plural form may leave the number out ("one minute"), never another name.
            have = _placeholders(text)
            if have != wanted and not (len(ids) > 1 and set(have) < set(wanted)):
                found.append(f"{language}: placeholders {have} instead of {wanted}: {key!r}")
    known = {(m.id, m.context) for m in template if m.id}
    found.extend(
        f"{language}: not marked in the code any more: {m.id!r}"
        for m in catalog
        if m.id and (m.id, m.context) not in known
    )
    return found


def update() -> None:
    """Merge what the code marks now into every language's catalog (new messages come in
    empty, changed ones fuzzy, removed ones are dropped)."""
    template = extract()
    for language in TRANSLATED:
        path = po_path(language)
        if path.exists():
            catalog = read_catalog(language)
            catalog.update(template, no_fuzzy_matching=False)
            catalog.obsolete.clear()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=language, project="association", charset="utf-8")
            catalog.update(template)
        with open(path, "wb") as po:
            write_po(po, catalog, width=100, sort_output=False, omit_header=False)


def compile_all(languages: list[str] | tuple[str, ...] = TRANSLATED) -> None:
    """Write each catalog's `.mo`, leaving out fuzzy entries (they fall back to English)."""
    for language in languages:
        path = po_path(language)
        if not path.exists():
            continue
        catalog = read_catalog(language)
        # Written aside, then moved into place: a running server (or a parallel test worker)
        # never reads half a file.
        partial = path.with_suffix(f".mo.{os.getpid()}")
        with open(partial, "wb") as mo:
            write_mo(mo, catalog, use_fuzzy=False)
        os.replace(partial, path.with_suffix(".mo"))


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "update":
        update()
    elif command == "compile":
        compile_all(sys.argv[2:] or TRANSLATED)
    elif command == "check":
        template = extract()
        for language in sys.argv[2:] or TRANSLATED:
            print("\n".join(problems(language, template)) or f"{language}: complete")
    elif command == "pot":
        write_po(sys.stdout.buffer, extract(), width=100, sort_output=False)
    else:
        sys.exit(
            "usage: python -m association.catalogs update|compile [LANG...]|check [LANG...]|pot"
        )
