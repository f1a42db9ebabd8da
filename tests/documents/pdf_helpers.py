"""Plain helpers for the document engine's tests: no Flask app, no database."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import jinja2

from association.config import PROJECT_ROOT
from association.documents.render import render_pdf
from association.documents.service import pdf_context

FONT_TEST = (
    "Астана Хаб: ә ғ қ ң ө ұ ү һ і; Bilişim Vadisi: ə ğ ı ş ç ö ü; IT Park Oʻzbekiston gʻ; "
    "Жогорку технологиялар паркы; Русский; حديقة التكنولوجيا"
)
ARABIC = "حديقة التكنولوجيا"

# A document as an area would write one: a child of pdf/base.html with the test string
# in running text, a heading, an untagged table cell and a paragraph tagged Arabic.
FONT_TEST_TEMPLATE = """{% extends "pdf/base.html" %}
{% block title %}Font test{% endblock %}
{% block content %}
<h1>Font test</h1>
<p class="subtitle">Every script the association writes in</p>
<p>{{ text }}</p>
<h2>{{ text }}</h2>
<table>
  <thead><tr><th>Park</th><th>Native name</th></tr></thead>
  <tbody><tr><td>Palestine Techno Park</td><td>{{ arabic }}</td></tr></tbody>
</table>
<p lang="ar">{{ arabic }}</p>
{% endblock %}"""

_BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")

pdf_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(PROJECT_ROOT / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    extensions=["jinja2.ext.i18n"],
)
# pdf/base.html's fixed text goes through _(): here, outside the app, it stays English.
pdf_templates.install_null_translations(newstyle=True)


def font_test_html(verify_url: str | None = None) -> str:
    return pdf_templates.from_string(FONT_TEST_TEMPLATE).render(
        **pdf_context(verify_url=verify_url, text=FONT_TEST, arabic=ARABIC)
    )


def font_test_pdf(verify_url: str | None = None) -> bytes:
    return render_pdf(font_test_html(verify_url))


def poppler(tool: str, pdf: bytes, tmp_path: Path, *args: str) -> str:
    """Run a poppler tool (pdftotext, pdffonts) on pdf and return what it printed."""
    if shutil.which(tool) is None:
        raise RuntimeError(f"{tool} is missing: apt-get install poppler-utils")
    source = tmp_path / "document.pdf"
    source.write_bytes(pdf)
    output = [] if tool != "pdftotext" else ["-"]
    completed = subprocess.run(
        [tool, *args, str(source), *output], capture_output=True, text=True, check=True
    )
    return completed.stdout


def plain_text(pdf: bytes, tmp_path: Path) -> str:
    """pdftotext in its default mode (-raw reverses Arabic word order), white space and bidi marks folded."""
    text = _BIDI_MARKS.sub("", poppler("pdftotext", pdf, tmp_path))
    return " ".join(text.split())


def embedded_fonts(pdf: bytes, tmp_path: Path) -> list[tuple[str, bool]]:
    """(font name, embedded?) for every font pdffonts lists."""
    lines = poppler("pdffonts", pdf, tmp_path).splitlines()[2:]
    fonts = []
    for line in lines:
        columns = line.split()
        # name, type words..., encoding, emb, sub, uni, object, generation
        fonts.append((columns[0], columns[-5] == "yes"))
    return fonts
