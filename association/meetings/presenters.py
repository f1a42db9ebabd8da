"""How the meetings pages word what the queries read: times in a zone, and the choices of
what an agenda item links to."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime as babel_format_datetime
from flask_babel import get_locale
from flask_babel import gettext as _

from association.meetings.forms import LINK_LABELS
from association.meetings.models import AgendaItem
from association.meetings.queries import LinkTargets
from association.voting.presenters import INITIATIVE_STATUS_LABELS


def time_in_zone(value: datetime | None, zone: str, format: str = "medium") -> str:
    """A UTC time in a named zone (the meeting's own), with the zone named (template filter in_zone)."""
    if value is None:
        return ""
    return f"{babel_format_datetime(value, format, tzinfo=ZoneInfo(zone), locale=get_locale())} ({zone})"


def wall_clock(value: datetime, zone: str) -> datetime:
    """A UTC time as the naive wall-clock time in `zone` that a form's field shows."""
    return value.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def link_choices(targets: LinkTargets, item: AgendaItem | None) -> list[tuple[str, str]]:
    """The agenda item form's choices of link ("initiative:<id>", "memorandum:<id>"); an item's
    current link stays on offer whatever became of what it names."""
    choices = [("", str(_("Nothing")))]
    choices += [
        (
            f"initiative:{row.id}",
            f"{row.title} ({INITIATIVE_STATUS_LABELS.get(row.status, row.status)})",
        )
        for row in targets.initiatives
    ]
    choices += [
        (
            f"memorandum:{row.id}",
            _("Memorandum")
            + f": {row.title}"
            + (f" ({row.registry_number})" if row.registry_number else ""),
        )
        for row in targets.memoranda
    ]
    if item is not None and item.linked_type:
        current = f"{item.linked_type}:{item.linked_id}"
        if current not in {value for value, _label in choices}:
            choices.append(
                (
                    current,
                    f"{LINK_LABELS.get(item.linked_type, item.linked_type)} #{item.linked_id}",
                )
            )
    return choices
