"""Markdown as the association writes it (initiatives, minutes, memoranda), rendered safely.

markdown-it-py renders CommonMark (with tables and strikethrough) without raw HTML; nh3 then
keeps only an allow-list of tags and attributes, so no script, iframe, event handler or
javascript: link survives whatever the text contains. clean_markdown_source() removes
the same things from the text itself, for areas that keep what is stored safe as well
(minutes: what is kept, shown in the editor and copied into a correction).
"""

from __future__ import annotations

import html
import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_markdown = MarkdownIt(
    "commonmark", {"html": False, "linkify": False, "typographer": False}
).enable(["table", "strikethrough"])

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}


def render_markdown(text: str | None) -> Markup:
    """HTML safe to put in a page, from Markdown written by anyone."""
    html = _markdown.render(text or "")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)


# Elements whose content is dangerous or meaningless as text: removed with what they hold.
_CONTAINERS = re.compile(
    r"<\s*(script|style|iframe|object|embed|noscript|template|svg|math)\b.*?(<\s*/\s*\1\s*>|\Z)",
    re.IGNORECASE | re.DOTALL,
)
_COMMENT = re.compile(r"<!--.*?(-->|\Z)", re.DOTALL)
# An HTML tag: a letter right after "<" (so "a < b" and <https://autolinks> stay).
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
# Link targets: inline [text](target), reference definitions [label]: target, autolinks <target>.
_LINK_TARGET = re.compile(
    r"(?P<lead>\]\(\s*<?|^[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?|<)(?P<target>(?:[^\s()<>]|\([^\s()<>]*\))+)",
    re.MULTILINE,
)
_BAD_SCHEME = re.compile(r"^(javascript|vbscript|data|file):", re.IGNORECASE)
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


def _is_bad_target(target: str) -> bool:
    decoded = html.unescape(target.replace("\\", ""))
    return bool(_BAD_SCHEME.match(_INVISIBLE.sub("", decoded)))


def clean_markdown_source(text: str | None) -> str:
    """The Markdown with raw HTML, scripts and script links removed; everything else kept as written."""
    text = (text or "").replace("\r\n", "\n")
    previous = None
    while previous != text:  # "<scr<script></script>ipt>" must not reassemble into a tag
        previous = text
        text = _CONTAINERS.sub("", text)
        text = _COMMENT.sub("", text)
        text = _TAG.sub("", text)
    text = _LINK_TARGET.sub(
        lambda m: (
            m.group("lead") + ("#" if _is_bad_target(m.group("target")) else m.group("target"))
        ),
        text,
    )
    # Left over in plain text ("javascript:alert(1)" written out) it is harmless, but say it cannot work.
    return re.sub(r"(?i)\b(java|vb)script\s*:", r"\1script-removed ", text).strip()
