"""The fonts every issued document is set in, and a start-up check that they are there.

The stacks are the ones that carried every test string on our machines (see
/work/shared/PDF.md): Kazakh, Kyrgyz and Russian Cyrillic, Turkish, Azerbaijani and
Uzbek Latin (with oʻ gʻ), and Arabic. Noto Naskh Arabic sits in the main stacks so that
untagged Arabic (a park's name in a table cell) does not fall back to DejaVu, which
has no Arabic in its serif face.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import shutil
import subprocess

BODY_STACK = "'Noto Serif', 'Noto Naskh Arabic', 'DejaVu Serif', serif"
HEADING_STACK = "'Noto Sans', 'Noto Naskh Arabic', 'DejaVu Sans', sans-serif"
ARABIC_STACK = "'Noto Naskh Arabic', 'Noto Sans Arabic'"

# Given to every PDF template (pdf/base.html puts it first in its <style>), so that a
# document kind's own CSS can never forget a script.
FONT_CSS = f"""
html {{ font-family: {BODY_STACK}; }}
h1, h2, h3, h4, h5, h6, table, th, td, caption, .sans {{ font-family: {HEADING_STACK}; }}
[lang=ar], [lang|=ar] {{ font-family: {ARABIC_STACK}; direction: rtl; unicode-bidi: embed; }}
"""

# The families fontconfig must find; the packages are what Debian calls them.
REQUIRED_FAMILIES = {
    "Noto Serif": "fonts-noto-core",
    "Noto Sans": "fonts-noto-core",
    "Noto Naskh Arabic": "fonts-noto-core",
}

_HARFBUZZ_SUBSET_NAMES = (
    "libharfbuzz-subset.so.0",
    "libharfbuzz-subset.0.dylib",
    "libharfbuzz-subset-0.dll",
)


def harfbuzz_subset_available() -> bool:
    """True when the HarfBuzz subsetter can be loaded, as WeasyPrint will try to."""
    candidates = [ctypes.util.find_library("harfbuzz-subset"), *_HARFBUZZ_SUBSET_NAMES]
    for name in candidates:
        if not name:
            continue
        try:
            ctypes.CDLL(name)
        except OSError:
            continue
        return True
    return False


def installed_families() -> set[str] | None:
    """The font families fontconfig knows, or None when fc-list is not installed."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        listing = subprocess.run(
            [fc_list, ":", "family"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    families: set[str] = set()
    for line in listing.splitlines():
        # A font may list several names ("Noto Sans Anatolian Hieroglyphs,Noto Sans AnatoHiero").
        families.update(name.strip() for name in line.split(",") if name.strip())
    return families


def system_warnings() -> list[str]:
    """One message per missing piece that makes documents slow or loses letters; empty when all is well.

    The application logs these loudly at start-up: nothing here stops it from running,
    but without them certificates render 7-15x slower or print empty boxes for ә, ğ or Arabic.
    """
    warnings: list[str] = []
    if not harfbuzz_subset_available():
        warnings.append(
            "libharfbuzz-subset is not installed (Debian: apt-get install libharfbuzz-subset0): "
            "WeasyPrint falls back to fontTools subsetting, and documents render 2-15x slower."
        )
    families = installed_families()
    if families is None:
        warnings.append(
            "fc-list (fontconfig) was not found, so the document fonts could not be checked: "
            "install fontconfig and fonts-noto-core."
        )
        return warnings
    for family, package in REQUIRED_FAMILIES.items():
        if family not in families:
            warnings.append(
                f"The font '{family}' is not installed (Debian: apt-get install {package}): "
                "issued documents will fall back to other fonts and may lose letters "
                "(ә ғ қ ң ө ұ ү һ і, ə ğ ı ş, Arabic)."
            )
    if "DejaVu Serif" not in families or "DejaVu Sans" not in families:
        warnings.append(
            "DejaVu fonts are not installed (Debian: apt-get install fonts-dejavu-core): "
            "they are the fallback for letters the Noto fonts lack."
        )
    return warnings
