"""What an agenda item links to, as the meeting's pages and the minutes PDF show it: an
initiative (with its frozen result once closed) or a memorandum, for a whole agenda in few
queries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from association.content_languages import InLanguage, in_language, languages_given
from association.languages import ENGLISH
from association.meetings.models import AgendaItem
from association.memoranda.models import Memorandum
from association.voting.models import Initiative, VoteResult
from association.voting.rules import ABSTAIN, AGAINST, FOR


@dataclass(frozen=True)
class LinkedMemorandum:
    """What an agenda item shows of the memorandum it is about."""

    memorandum_id: int
    title: str
    status: str
    registry_number: str | None
    public: bool

    kind = "memorandum"


def linked_memoranda(session: Session, items: Sequence[AgendaItem]) -> dict[int, LinkedMemorandum]:
    """Agenda item id -> the memorandum it links to (one query for the whole agenda)."""
    wanted = {
        item.id: item.linked_id
        for item in items
        if item.linked_type == "memorandum" and item.linked_id
    }
    if not wanted:
        return {}
    found = {
        m.id: m
        for m in session.scalars(select(Memorandum).where(Memorandum.id.in_(set(wanted.values()))))
    }
    return {
        item_id: LinkedMemorandum(m.id, m.title, str(m.status), m.registry_number, bool(m.public))
        for item_id, memorandum_id in wanted.items()
        if (m := found.get(memorandum_id)) is not None
    }


def totals_words(result: VoteResult | None, labels: dict[str, str] | None = None) -> str:
    if result is None:
        return ""
    tallies = result.tallies
    labels = labels or {FOR: _("For"), AGAINST: _("Against"), ABSTAIN: _("Abstain")}
    counts = ", ".join(f"{labels.get(choice, choice)} {n}" for choice, n in tallies.items())
    return ngettext(
        "%(counts)s; %(cast)d of %(num)d park voted",
        "%(counts)s; %(cast)d of %(num)d parks voted",
        result.electorate_size,
        counts=counts,
        cast=result.ballots_cast,
    )


OUTCOME_WORDS = {"passed": _l("Passed"), "rejected": _l("Rejected"), "no_quorum": _l("No quorum")}


@dataclass(frozen=True)
class LinkedVote:
    """An initiative as an agenda item or a minutes page shows it: its title, where it stands,
    and once closed its frozen outcome and totals."""

    initiative_id: int
    title: str  # in English (the minutes' PDF is)
    status: str
    outcome: str | None = None  # passed / rejected / no_quorum, once closed
    totals: str = ""  # "For 6, Against 0, Abstain 0; 6 of 6 parks voted"
    closed_at: datetime | None = None
    # The title in each language it is given in, English first.
    titles: dict[str, str] = dataclass_field(default_factory=dict)

    kind = "initiative"

    def text_in(self, field: str, language: str | None) -> InLanguage:
        """The title (the one field it has) as a reader of `language` is shown it."""
        return in_language(self.titles or {ENGLISH: self.title}, language)

    @property
    def languages(self) -> list[str]:
        return languages_given(self.titles or {ENGLISH: self.title})

    @property
    def public(self) -> bool:
        """Whether members may see it (drafts are the secretariat's)."""
        return self.status in ("scheduled", "open", "closed")

    @property
    def outcome_words(self) -> str:
        return str(OUTCOME_WORDS.get(self.outcome, self.outcome)) if self.outcome else ""


def _linked_vote(initiative: Initiative) -> LinkedVote:
    result = initiative.result
    titles = initiative.texts("title")
    if result is None:
        return LinkedVote(initiative.id, initiative.title, str(initiative.status), titles=titles)
    labels = None
    if initiative.options:
        labels = {str(option.position): option.label for option in initiative.options}
        labels[ABSTAIN] = _("Abstain")
    return LinkedVote(
        initiative.id,
        initiative.title,
        str(initiative.status),
        str(result.outcome),
        totals_words(result, labels),
        result.closed_at,
        titles,
    )


def load_initiatives(session: Session, ids: Iterable[int | None]) -> dict[int, LinkedVote]:
    """The initiatives with these ids, with their results and options, in one query."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    found = (
        session.scalars(
            select(Initiative)
            .where(Initiative.id.in_(wanted))
            .options(joinedload(Initiative.result), joinedload(Initiative.options))
        )
        .unique()
        .all()
    )
    return {initiative.id: _linked_vote(initiative) for initiative in found}


def linked_votes(session: Session, items: Sequence[AgendaItem]) -> dict[int, LinkedVote]:
    """Agenda item id -> the initiative it links to (one query for the whole agenda)."""
    wanted = {
        item.id: item.linked_id
        for item in items
        if item.linked_type == "initiative" and item.linked_id
    }
    found = load_initiatives(session, wanted.values())
    return {
        item_id: found[initiative_id]
        for item_id, initiative_id in wanted.items()
        if initiative_id in found
    }


def agenda_links(
    session: Session, items: Sequence[AgendaItem]
) -> dict[int, LinkedVote | LinkedMemorandum]:
    """Agenda item id -> the initiative (LinkedVote) or memorandum (LinkedMemorandum) it is about."""
    return {**linked_votes(session, items), **linked_memoranda(session, items)}
