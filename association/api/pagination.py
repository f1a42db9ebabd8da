"""Cursor pages of a list: keyset on the id, so a page never repeats or skips a row when
others are added meanwhile, with the next page's address in a `Link` header (RFC 8288)."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from flask import request, url_for
from flask_babel import gettext as _
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute, Session

from association.domain import Invalid

MAX_LIMIT = 200


class PageQuery(BaseModel):
    """The query of every list: where to go on from, and how many at most."""

    # An unknown parameter is refused (422) rather than ignored: a misspelt filter would
    # otherwise answer with every row.
    model_config = ConfigDict(extra="forbid")
    cursor: str | None = Field(None, max_length=64, description="From a previous page's Link")
    lang: str | None = Field(
        None, max_length=8, description="The answer's words in en, ru, kk, tr, az, uz or ky"
    )
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description="At most this many (1 to 200)")


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    next_cursor: str | None


def _encode(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def _decode(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _colon, number = text.partition(":")
        if kind != "id" or not number.isdigit() or len(number) > 18:
            raise ValueError(text)
        return int(number)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise Invalid(
            _("This cursor is not one the API gave; start again from the first page."),
            field="cursor",
        ) from None


def keyset_page(
    session: Session,
    statement: Select,
    key: InstrumentedAttribute,
    query: PageQuery,
    *,
    newest_first: bool = True,
) -> Page:
    """One page of `statement`'s rows (models whose `key` is their id), ordered by `key`."""
    if query.cursor:
        after = _decode(query.cursor)
        statement = statement.where(key < after if newest_first else key > after)
    statement = statement.order_by(key.desc() if newest_first else key.asc())
    rows = list(session.scalars(statement.limit(query.limit + 1)).unique())
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    return Page(rows, _encode(getattr(rows[-1], key.key)) if more and rows else None)


def link_header(page: Page) -> dict[str, str]:
    """`Link: <next page>; rel="next"`, the same query otherwise, when there is a next page."""
    if page.next_cursor is None:
        return {}
    arguments = {**request.args.to_dict(), "cursor": page.next_cursor}
    assert request.endpoint is not None
    address = url_for(request.endpoint, **(request.view_args or {}), **arguments, _external=True)
    return {"Link": f'<{address}>; rel="next"'}
