"""HTML to PDF, with WeasyPrint: one font configuration per process, nothing fetched from the network.

WeasyPrint is imported on the first render, not at start-up: the import costs about
0.4 s, and most requests never make a PDF.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from association.config import PROJECT_ROOT

if TYPE_CHECKING:
    from weasyprint.text.fonts import FontConfiguration

# The only places a document may take files from (logos, the seal's image): our own code.
# Anything else (http:, a file elsewhere on the disk) is refused, so that text written
# by a person (a memorandum's Markdown) can never make the server fetch an address.
ALLOWED_FILE_ROOTS: tuple[Path, ...] = (
    PROJECT_ROOT / "association" / "static",
    PROJECT_ROOT / "templates" / "pdf",
)

_font_configuration: FontConfiguration | None = None
# Held for the whole render: Pango and the shared font configuration are not meant to be
# used by two threads at once, and WeasyPrint holds the GIL for most of a render anyway.
_render_lock = threading.Lock()


def font_configuration() -> FontConfiguration:
    """The process's one FontConfiguration, made on first use.

    A new one per render leaks (74 MB grew to 193 MB over 200 renders) and costs a
    third of a certificate's render time.
    """
    global _font_configuration
    if _font_configuration is None:
        with _render_lock:
            if _font_configuration is None:
                from weasyprint.text.fonts import FontConfiguration

                _font_configuration = FontConfiguration()
    return _font_configuration


@functools.cache
def _local_only_fetcher_class():
    from weasyprint.urls import URLFetcher

    class LocalOnlyFetcher(URLFetcher):
        """data: URLs, and files under ALLOWED_FILE_ROOTS; every other address is refused."""

        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                from urllib.parse import unquote, urlsplit

                path = Path(unquote(urlsplit(url).path)).resolve()
                if any(path.is_relative_to(root.resolve()) for root in ALLOWED_FILE_ROOTS):
                    return super().fetch(url, headers)
            # WeasyPrint logs this and leaves the resource out; the document still renders.
            raise ValueError(f"documents may not load {url[:200]!r}")

    return LocalOnlyFetcher


def _url_fetcher():
    return _local_only_fetcher_class()(allowed_protocols={"data", "file"}, allow_redirects=False)


def render_pdf(
    html: str, base_url: str | None = None, *, font_config: FontConfiguration | None = None
) -> bytes:
    """The PDF of one HTML document, as bytes.

    The same HTML gives the same bytes (no creation date, a fixed file identifier), so
    a document's SHA-256 depends only on what it says until it is sealed. Relative
    addresses resolve against base_url (default: templates/pdf/); nothing outside our
    own static files and data: URLs is ever loaded. font_config is for the benchmark
    only: everyone else uses the process's shared one.
    """
    from weasyprint import HTML

    if base_url is None:
        base_url = (PROJECT_ROOT / "templates" / "pdf").as_uri() + "/"
    fonts = font_config or font_configuration()
    document = HTML(string=html, base_url=base_url, url_fetcher=_url_fetcher())
    with _render_lock:
        return document.write_pdf(font_config=fonts, pdf_identifier=_identifier(html))


def _identifier(html: str) -> bytes:
    # WeasyPrint would otherwise derive the /ID from the metadata; tying it to the whole
    # HTML keeps two different documents with the same title from sharing an identifier.
    return hashlib.md5(html.encode(), usedforsecurity=False).hexdigest().encode()
