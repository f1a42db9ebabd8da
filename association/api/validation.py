"""Why the models refused a field, in our words: pydantic's reasons are English only, and a
422 problem is a translated sentence that lists them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext


def _one_of(expected: Any) -> str:
    # pydantic writes the choices as "'a', 'b' or 'c'": the English "or" is left out.
    return str(expected).replace(" or ", ", ")


def _whole_number(ctx: Mapping[str, Any]) -> str:
    return _("This must be a whole number.")


def _text(ctx: Mapping[str, Any]) -> str:
    return _("This must be text.")


def _true_or_false(ctx: Mapping[str, Any]) -> str:
    return _("This must be true or false.")


def _day(ctx: Mapping[str, Any]) -> str:
    return _("This must be a day written YYYY-MM-DD.")


def _object(ctx: Mapping[str, Any]) -> str:
    return _("This must be a JSON object.")


REASONS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "missing": lambda ctx: _("This field is required."),
    "extra_forbidden": lambda ctx: _("This field is not accepted here."),
    "int_parsing": _whole_number,
    "int_type": _whole_number,
    "int_from_float": _whole_number,
    "string_type": _text,
    "string_too_long": lambda ctx: ngettext(
        "This may be at most %(num)d character long.",
        "This may be at most %(num)d characters long.",
        int(ctx["max_length"]),
    ),
    "string_too_short": lambda ctx: ngettext(
        "This must be at least %(num)d character long.",
        "This must be at least %(num)d characters long.",
        int(ctx["min_length"]),
    ),
    "string_pattern_mismatch": lambda ctx: _(
        "This is not in the expected form (%(pattern)s).", pattern=ctx["pattern"]
    ),
    "literal_error": lambda ctx: _(
        "This must be one of: %(choices)s.", choices=_one_of(ctx["expected"])
    ),
    "enum": lambda ctx: _("This must be one of: %(choices)s.", choices=_one_of(ctx["expected"])),
    "greater_than_equal": lambda ctx: _("This must be at least %(limit)s.", limit=ctx["ge"]),
    "less_than_equal": lambda ctx: _("This must be at most %(limit)s.", limit=ctx["le"]),
    "greater_than": lambda ctx: _("This must be more than %(limit)s.", limit=ctx["gt"]),
    "less_than": lambda ctx: _("This must be less than %(limit)s.", limit=ctx["lt"]),
    "bool_parsing": _true_or_false,
    "bool_type": _true_or_false,
    "day_format": _day,  # association.api.common.Day
    "date_parsing": _day,
    "date_from_datetime_parsing": _day,
    "date_type": _day,
    "model_type": _object,
    "model_attributes_type": _object,
    "dict_type": _object,
    "list_type": lambda ctx: _("This must be a list."),
}


def reason(error: Mapping[str, Any]) -> str:
    """The sentence for one of pydantic's errors: ours for the common types, pydantic's own
    text for the rest (or when its context lacks what ours needs)."""
    word = REASONS.get(str(error.get("type", "")))
    if word is not None:
        try:
            return word(error.get("ctx") or {})
        except KeyError:
            pass
    return str(error.get("msg", ""))
