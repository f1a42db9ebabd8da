"""QR codes for the verification address printed on every issued document."""

from __future__ import annotations

from markupsafe import Markup


def qr_svg(url: str) -> Markup:
    """Inline SVG markup of a QR code for url, ready to place in an HTML template.

    No XML declaration and no width or height: the template's CSS gives it its size
    (the viewBox keeps it square). Error correction level M survives a crease or a
    stamp over a corner of a printed certificate; a two-module quiet border keeps
    scanners locking on even when a template sets it close to text. Returned as
    Markup, so Jinja does not escape it.
    """
    import segno

    code = segno.make(url, error="m", micro=False, boost_error=False)
    svg = code.svg_inline(omitsize=True, border=2, svgclass="qr", lineclass=None, dark="#000")
    return Markup(svg)
