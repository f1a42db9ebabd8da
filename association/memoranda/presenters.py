"""How the memoranda pages word things: status labels and the text's Markdown."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from association.markdown import render_markdown
from association.memoranda.models import MemorandumStatus

# Keyed by the status's string value (a MemorandumStatus is one), as templates pass it.
STATUS_LABELS: dict[str, Any] = {
    MemorandumStatus.DRAFT: _l("draft"),
    MemorandumStatus.CIRCULATING: _l("out for signature"),
    MemorandumStatus.DECLINED: _l("declined"),
    MemorandumStatus.SIGNED: _l("signed by all, to be issued"),
    MemorandumStatus.IN_FORCE: _l("in force"),
    MemorandumStatus.TERMINATED: _l("terminated"),
}


def memorandum_status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def memo_markdown(text: str) -> Markup:
    return render_markdown(text)
