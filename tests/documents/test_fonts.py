from __future__ import annotations

from association.documents import fonts
from tests.documents.pdf_helpers import ARABIC, FONT_TEST, embedded_fonts, font_test_pdf, plain_text


def test_this_machine_has_every_font_and_the_fast_subsetter():
    assert fonts.system_warnings() == []


def test_missing_subsetter_and_fonts_are_each_named(monkeypatch):
    monkeypatch.setattr(fonts, "harfbuzz_subset_available", lambda: False)
    monkeypatch.setattr(
        fonts, "installed_families", lambda: {"DejaVu Serif", "DejaVu Sans", "Noto Sans"}
    )
    warnings = fonts.system_warnings()
    assert len(warnings) == 3
    assert "libharfbuzz-subset0" in warnings[0]
    assert any("'Noto Serif'" in warning for warning in warnings)
    assert any("'Noto Naskh Arabic'" in warning for warning in warnings)


def test_without_fontconfig_the_check_says_so(monkeypatch):
    monkeypatch.setattr(fonts, "installed_families", lambda: None)
    assert any("fc-list" in warning for warning in fonts.system_warnings())


def test_every_letter_of_every_working_script_comes_back_out_of_the_pdf(tmp_path):
    text = plain_text(font_test_pdf(), tmp_path)
    # Running text, then the heading: the whole string twice, Arabic included and in reading order.
    assert text.count(FONT_TEST) == 2
    # The table cell (untagged) and the paragraph tagged lang="ar".
    assert text.count(ARABIC) == 4


def test_fonts_are_embedded_and_arabic_never_falls_back_to_dejavu(tmp_path):
    listed = embedded_fonts(font_test_pdf(), tmp_path)
    names = [name for name, _ in listed]
    assert listed
    assert all(embedded for _, embedded in listed)
    assert any("Noto-Naskh-Arabic" in name for name in names)
    assert any("Noto-Serif" in name for name in names)
    assert any("Noto-Sans" in name for name in names)
    assert not any("DejaVu" in name for name in names)
