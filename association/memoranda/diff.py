"""A readable word-level comparison of two texts, for reading side by side.

Words, spaces and punctuation are compared as tokens with difflib; the old side marks
what was removed with <del>, the new side what was added with <ins>. Everything else is
escaped, so the texts cannot inject markup (no JavaScript is needed to read it).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class SideBySide:
    old: Markup
    new: Markup
    changed: bool
    added_words: int
    removed_words: int


def tokens(text: str) -> list[str]:
    return _TOKEN.findall((text or "").replace("\r\n", "\n"))


def _words(pieces: list[str]) -> int:
    return sum(1 for piece in pieces if not piece.isspace())


def compare(old_text: str, new_text: str) -> SideBySide:
    """The two texts as escaped HTML with their differences marked, word by word."""
    old, new = tokens(old_text), tokens(new_text)
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    left: list[str] = []
    right: list[str] = []
    added = removed = 0
    for operation, a1, a2, b1, b2 in matcher.get_opcodes():
        before, after = "".join(old[a1:a2]), "".join(new[b1:b2])
        if operation == "equal":
            left.append(str(escape(before)))
            right.append(str(escape(after)))
            continue
        if a2 > a1:
            left.append(f"<del>{escape(before)}</del>")
            removed += _words(old[a1:a2])
        if b2 > b1:
            right.append(f"<ins>{escape(after)}</ins>")
            added += _words(new[b1:b2])
    return SideBySide(
        Markup("".join(left)), Markup("".join(right)), added + removed > 0, added, removed
    )
