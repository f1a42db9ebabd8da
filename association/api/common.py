"""What several resources share: a park named in a list, and the problem answers."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, overload

from pydantic import BaseModel, BeforeValidator, Field

from association.parks.models import Park


class ParkRef(BaseModel):
    id: int
    name: str = Field(description="The park's name in Latin letters")
    membership_number: str | None


@overload
def park_ref(park: Park) -> ParkRef: ...
@overload
def park_ref(park: None) -> None: ...
@overload
def park_ref(park: Park | None) -> ParkRef | None: ...
def park_ref(park: Park | None) -> ParkRef | None:
    if park is None:
        return None
    return ParkRef(id=park.id, name=park.name_latin, membership_number=park.membership_number)


class ProblemField(BaseModel):
    field: str | None
    detail: str


class Problem(BaseModel):
    """An RFC 9457 problem: `detail` is the sentence the page would show."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[ProblemField] | None = None


# What any operation may answer: a request malformed (400), a token refused (401), a right or scope missing (403), input
# the models refuse (422), too many requests (429).
EVERY_OPERATION = (400, 401, 403, 422, 429)


def problem_responses(*statuses: int) -> dict[str, Any]:
    """spectree's `Response(...)` arguments: these problem statuses and those of every operation."""
    return {f"HTTP_{status}": Problem for status in sorted({*statuses, *EVERY_OPERATION})}


def _iso_day(value: object) -> object:
    # pydantic would take 0 or 20261203 as a day (a Unix time); a query names a day as
    # YYYY-MM-DD, as the document says.
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("a day is written YYYY-MM-DD")
    if not isinstance(value, str | date):
        raise ValueError("a day is written YYYY-MM-DD")
    return value


Day = Annotated[date, BeforeValidator(_iso_day)]
