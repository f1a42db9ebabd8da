"""The catalogs never fall behind the code: every message the code marks is in each language's
catalog, translated, not fuzzy, with the English placeholders, and nothing stale is left."""

from __future__ import annotations

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from association import catalogs


@pytest.fixture(scope="module")
def template():
    return catalogs.extract()


@pytest.mark.parametrize("language", catalogs.TRANSLATED)
def test_each_catalog_is_complete(template, language):
    problems = catalogs.problems(language, template)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:100])


def test_the_code_marks_wtforms_own_messages_and_plurals(template):
    assert template.get("This field is required.") is not None
    plural = template.get(("%(num)d event", "%(num)d events"))
    assert plural is not None


def test_a_wrong_placeholder_a_fuzzy_and_a_missing_message_are_each_found(tmp_path, monkeypatch):
    template = Catalog(locale="en")
    template.add("Hello %(park)s")
    template.add("Open")
    template.add("Close")
    template.add(("%(num)d park", "%(num)d parks"))
    broken = Catalog(locale="ru")
    broken.add("Hello %(park)s", "Здравствуйте, %(name)s")
    broken.add("Open", "Открыть", flags=["fuzzy"])
    broken.add(("%(num)d park", "%(num)d parks"), ("%(num)d технопарк", "", ""))
    broken.add("Gone", "Нет")
    folder = tmp_path / "ru" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with open(folder / "messages.po", "wb") as po:
        write_po(po, broken)
    monkeypatch.setattr(catalogs, "TRANSLATIONS", tmp_path)
    found = "\n".join(catalogs.problems("ru", template))
    assert "placeholders ['%(name)s'] instead of ['%(park)s']" in found
    assert "fuzzy: 'Open'" in found
    assert "missing: 'Close'" in found
    assert "empty: '%(num)d park'" in found
    assert "not marked in the code any more: 'Gone'" in found
