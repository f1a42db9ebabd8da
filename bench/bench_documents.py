"""How fast the document engine is on this machine: render, seal, check, and memory.

Run from the repository root:  .venv/bin/python bench/bench_documents.py
Prints median timings (warm process) for a 1-page certificate-like document and a
10-page memorandum-like one, with the process's shared FontConfiguration and with a
fresh one per render, then the seal and the check, then the resident memory before and
after 100 renders each way. Compare with /work/shared/PDF.md.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import jinja2  # noqa: E402

from association.documents import render  # noqa: E402
from association.documents.fonts import system_warnings  # noqa: E402
from association.documents.seal import load_signer, seal_pdf  # noqa: E402
from association.documents.service import pdf_context  # noqa: E402
from association.documents.verify import check_pdf  # noqa: E402

VERIFY_URL = "https://technoparks.example/verify/7K3M-QX9D-2HBT-W4NC"
PARKS = [
    ("Astana Hub", "Астана Хаб", "KZ"),
    ("Sabah Lab", "Səbah Lab", "AZ"),
    ("High Technology Park", "Жогорку технологиялар паркы", "KG"),
    ("Bilişim Vadisi", "Bilişim Vadisi", "TR"),
    ("Bilkent Cyberpark", "Bilkent Cyberpark", "TR"),
    ("IT Park Uzbekistan", "IT Park Oʻzbekiston", "UZ"),
]
WORDS = (
    "the parties shall cooperate in the development of technology parks innovation ecosystems "
    "venture financing exchange of residents programmes joint events acceleration export "
    "of digital services training of specialists and the support of startups across member states"
).split()

CERTIFICATE = """{% extends "pdf/base.html" %}
{% block title %}Membership certificate{% endblock %}
{% block content %}
<h1>Certificate of membership</h1>
<p class="subtitle">Association of Modern Technoparks of the Organization of Turkic States</p>
<hr class="rule">
<p>This certifies that</p>
<h2>Astana Hub · Астана Хаб</h2>
<dl class="facts"><dt>Membership number</dt><dd>AMT-KZ-0001</dd><dt>Country</dt><dd>Kazakhstan</dd>
<dt>Category</dt><dd>Member</dd><dt>Member since</dt><dd>28 September 2022</dd></dl>
<p>is a member of the association, with the rights and duties its charter gives.</p>
{% endblock %}"""

MEMORANDUM = """{% extends "pdf/base.html" %}
{% block title %}Memorandum for cooperation{% endblock %}
{% block content %}
<h1>Memorandum for cooperation</h1>
<p class="subtitle">AMT/MOU/2022/0001 · Astana, 28 September 2022</p>
<table><thead><tr><th>Party</th><th>Name in native script</th><th>Country</th></tr></thead><tbody>
{% for latin, native, country in parks %}<tr><td>{{ latin }}</td><td>{{ native }}</td><td>{{ country }}</td></tr>{% endfor %}
</tbody></table>
{% for article in articles %}<h2>Article {{ loop.index }}</h2>{% for paragraph in article %}<p>{{ paragraph }}</p>{% endfor %}{% endfor %}
{% endblock %}"""


def _templates() -> jinja2.Environment:
    templates = jinja2.Environment(
        loader=jinja2.FileSystemLoader(ROOT / "templates"),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
    )
    # pdf/base.html's fixed text goes through _(): outside the app it stays English.
    templates.install_null_translations(newstyle=True)
    return templates


def certificate_html() -> str:
    return _templates().from_string(CERTIFICATE).render(**pdf_context(verify_url=VERIFY_URL))


def memorandum_html(words: int = 4100) -> str:
    chance = random.Random(2022)
    paragraphs = [
        " ".join(chance.choice(WORDS) for _ in range(90)).capitalize() + "."
        for _ in range(words // 90)
    ]
    articles = [paragraphs[i : i + 4] for i in range(0, len(paragraphs), 4)]
    return (
        _templates()
        .from_string(MEMORANDUM)
        .render(**pdf_context(verify_url=VERIFY_URL, parks=PARKS, articles=articles))
    )


def median_ms(action: Callable[[], object], runs: int) -> float:
    action()  # warm
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pages(pdf: bytes) -> int:
    from io import BytesIO

    from pypdf import PdfReader

    return len(PdfReader(BytesIO(pdf)).pages)


def main() -> None:
    from weasyprint.text.fonts import FontConfiguration

    for warning in system_warnings():
        print(f"WARNING: {warning}")
    certificate, memorandum = certificate_html(), memorandum_html()
    print(
        f"certificate: {pages(render.render_pdf(certificate))} page(s); memorandum: {pages(render.render_pdf(memorandum))} page(s)"
    )

    print("\nrender (median ms)            shared FontConfiguration   fresh one per render   ratio")
    for name, html, runs in (
        ("certificate, 1 page", certificate, 30),
        ("memorandum, 10 pages", memorandum, 7),
    ):
        shared = median_ms(lambda html=html: render.render_pdf(html), runs)
        fresh = median_ms(
            lambda html=html: render.render_pdf(html, font_config=FontConfiguration()), runs
        )
        print(
            f"  {name:<27} {shared:>10.1f}               {fresh:>10.1f}          {fresh / shared:>5.2f}"
        )

    with tempfile.TemporaryDirectory() as instance:
        signer = load_signer({}, Path(instance))
        unsigned = render.render_pdf(certificate)
        sealed = seal_pdf(unsigned, signer)
        altered = bytearray(sealed)
        altered[len(unsigned) // 2] ^= 1
        print("\nseal and check (median ms)")
        print(
            f"  seal_pdf, certificate         {median_ms(lambda: seal_pdf(unsigned, signer), 30):>8.1f}"
        )
        print(
            f"  check_pdf, sealed             {median_ms(lambda: check_pdf(sealed, signer.signing_cert), 30):>8.1f}"
        )
        print(
            f"  check_pdf, one byte changed   {median_ms(lambda: check_pdf(bytes(altered), signer.signing_cert), 30):>8.1f}"
        )
        print(
            f"  check_pdf, unsigned           {median_ms(lambda: check_pdf(unsigned, signer.signing_cert), 30):>8.1f}"
        )
        big = seal_pdf(render.render_pdf(memorandum), signer)
        print(
            f"  check_pdf, 10-page memorandum {median_ms(lambda: check_pdf(big, signer.signing_cert), 10):>8.1f}"
        )

    print("\nresident memory, 100 certificate renders (MB)   before    after")
    before = rss_mb()
    for _ in range(100):
        render.render_pdf(certificate)
    after = rss_mb()
    print(f"  shared FontConfiguration                    {before:>8.0f} {after:>8.0f}")
    before = rss_mb()
    for _ in range(100):
        render.render_pdf(certificate, font_config=FontConfiguration())
    after = rss_mb()
    print(f"  fresh FontConfiguration each time           {before:>8.0f} {after:>8.0f}")


if __name__ == "__main__":
    main()
