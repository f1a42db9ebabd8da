"""What several resources share: a park named in a list, a day in a query, and the problem
answers."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, overload

from pydantic import BaseModel, BeforeValidator, Field
from pydantic_core import PydanticCustomError

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


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _written_as_a_day(value: Any) -> Any:
    # pydantic also reads a number ("0", "1700000000") as a Unix time: a client's slip would
    # quietly ask for a day in 1970. The document says YYYY-MM-DD, and so does this.
    if isinstance(value, str) and not _DAY.fullmatch(value):
        # Its own type, so that the problem says it in the reader's language (validation.py).
        raise PydanticCustomError("day_format", "a day is written YYYY-MM-DD")
    return value


Day = Annotated[date, BeforeValidator(_written_as_a_day)]
"""A day in a query (format: date): YYYY-MM-DD and nothing else."""
