"""The voting area's words: choices, rules, times and outcomes as pages, e-mails and messages
say them. Nothing here reads the database or changes anything."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import format_datetime, get_timezone, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Row

from association.voting.models import BallotKind, Initiative, InitiativeStatus, Majority, VoteResult
from association.voting.rules import ABSTAIN, AGAINST, FOR

if TYPE_CHECKING:
    pass

OUTCOME_LABELS = {"passed": _l("Passed"), "rejected": _l("Rejected"), "no_quorum": _l("No quorum")}

# An initiative's status inside a sentence ("... is voting open: ...").
INITIATIVE_STATUS_LABELS = {
    InitiativeStatus.DRAFT: _l("draft"),
    InitiativeStatus.SCHEDULED: _l("scheduled"),
    InitiativeStatus.OPEN: _l("voting open"),
    InitiativeStatus.CLOSED: _l("closed"),
    InitiativeStatus.CANCELLED: _l("cancelled"),
}


def when(value: datetime) -> str:
    """A time for a page or a refusal: the reader's zone, named."""
    return f"{format_datetime(value, 'medium')} ({get_timezone()})"


def choice_labels(initiative: Initiative) -> dict[str, str]:
    if initiative.ballot_kind == BallotKind.OPTIONS:
        labels = {str(option.position): option.label for option in initiative.options}
        labels[ABSTAIN] = _("Abstain")
        return labels
    return {FOR: _("For"), AGAINST: _("Against"), ABSTAIN: _("Abstain")}


def winner_label(initiative: Initiative, result: VoteResult) -> str | None:
    """The winning option of an option ballot, in the ballot's own words; None when nothing
    won (a yes/no ballot, a tie, no quorum)."""
    if result.winner is None:
        return None
    return choice_labels(initiative).get(result.winner, result.winner)


def fraction_words(numerator: int, denominator: int) -> str:
    words = {
        (1, 2): _("one half"),
        (2, 3): _("two-thirds"),
        (3, 4): _("three-quarters"),
        (1, 3): _("one third"),
        (1, 1): _("all"),
        (0, 1): _("none"),
    }
    return words.get((numerator, denominator), f"{numerator}/{denominator}")


def rules_in_words(initiative: Initiative, electorate_size: int | None) -> list[tuple[str, str]]:
    """The frozen rules as the page states them: (rule, plain words)."""
    items = []
    if electorate_size is None:
        items.append(
            (
                _("Electorate"),
                _(
                    "The parks with status member at the moment voting opens; one park, "
                    "one vote, cast by its delegate."
                ),
            )
        )
    else:
        items.append(
            (
                _("Electorate"),
                ngettext(
                    "The %(num)d park that was a member when voting opened; one park, one vote, cast by its delegate.",
                    "The %(num)d parks that were members when voting opened; one park, one vote, cast by its delegate.",
                    electorate_size,
                ),
            )
        )
    if initiative.quorum_numerator == 0:
        items.append((_("Quorum"), _("None: the result stands whatever the turnout.")))
    else:
        words = _(
            "At least %(share)s of the electorate must cast a ballot; abstentions count toward it.",
            share=fraction_words(initiative.quorum_numerator, initiative.quorum_denominator),
        )
        if electorate_size:
            needed = math.ceil(initiative.quorum * electorate_size)
            words += " " + ngettext("Here: %(num)d ballot.", "Here: %(num)d ballots.", needed)
        items.append((_("Quorum"), words))
    if initiative.ballot_kind == BallotKind.OPTIONS:
        items.append(
            (
                _("Majority"),
                _(
                    "The option with the most votes wins; a tie for first place decides "
                    "nothing (the initiative is rejected)."
                ),
            )
        )
    else:
        majority = {
            Majority.SIMPLE: _("Simple: passed if there are more ballots For than Against."),
            Majority.ABSOLUTE: _(
                "Absolute: passed if more than half of all ballots cast (abstentions included) "
                "are For."
            ),
            Majority.TWO_THIRDS: _(
                "Two-thirds: passed if at least two-thirds of the ballots For or Against are "
                "For; abstentions do not count."
            ),
            Majority.THREE_QUARTERS: _(
                "Three-quarters: passed if at least three-quarters of the ballots For or "
                "Against are For; abstentions do not count."
            ),
            Majority.CONSENSUS: _(
                "Consensus: passed if the quorum is met, at least one park votes For and no "
                "park votes Against."
            ),
        }[Majority(initiative.majority)]
        items.append((_("Majority"), majority))
    items.append(
        (
            _("Secrecy"),
            _("Secret ballot: only the totals are ever published, never how a park voted.")
            if initiative.secret
            else _("Roll-call: each park's choice is published when voting closes."),
        )
    )
    items.append(
        (
            _("Changing a ballot"),
            _("A park may change its vote until voting closes; its latest choice counts.")
            if initiative.changes_allowed
            else _("A ballot cannot be changed once cast."),
        )
    )
    return items


def time_left(until: datetime, now: datetime) -> str:
    seconds = max(0, int((until - now).total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return _("%(days)d d %(hours)d h", days=days, hours=hours)
    if hours:
        return _("%(hours)d h %(minutes)d min", hours=hours, minutes=minutes)
    return _("%(minutes)d min", minutes=max(minutes, 1) if seconds else 0)


def _csv_cell(value: object) -> str:
    # A cell starting like a formula would run in a spreadsheet: keep it text.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def results_csv(initiative: Initiative, result: VoteResult, ballots: Iterable[Row]) -> str:
    """The frozen result as a spreadsheet reads it: the outcome, the tallies, then the receipts
    (a secret vote) or each park's choice (a roll-call); `ballots` as queries.result_ballots reads them."""
    labels = choice_labels(initiative)
    rows: list[tuple[object, ...]] = [
        ("initiative", initiative.id, initiative.title),
        ("outcome", result.outcome),
        ("reason", result.reason),
        ("electorate", result.electorate_size),
        ("ballots_cast", result.ballots_cast),
        ("turnout_percent", f"{float(result.turnout) * 100:.1f}"),
        ("closed_at_utc", result.closed_at.isoformat()),
        *([("winner", labels.get(result.winner, result.winner))] if result.winner else []),
        *(
            [("digest_hmac_sha256" if result.digest_key else "digest_sha256", result.digest)]
            if result.digest_published
            else []
        ),
        (),
        ("choice", "votes"),
        *[(labels.get(choice, choice), n) for choice, n in result.tallies.items()],
        (),
    ]
    if initiative.secret:
        rows += [("receipt",)] + [(b.receipt_code,) for b in ballots]
    else:
        rows += [("park", "membership_number", "choice", "receipt")] + [
            (b.name_latin, b.membership_number, labels.get(b.choice, b.choice), b.receipt_code)
            for b in ballots
        ]
    buffer = io.StringIO()
    out = csv.writer(buffer)
    for row in rows:
        out.writerow([_csv_cell(cell) for cell in row])
    return buffer.getvalue()
