"""Where meetings meet votes: minutes approved by a vote of the member parks.

A minutes-approval vote is an initiative of kind minutes_approval about one minutes version
(subject_type "Minutes", subject_id its id). While it runs, the vote decides: the secretariat
cannot approve the version by hand, return it to draft or put it to a second vote. When it
closes:
- passed: the minutes are approved (route VOTE, reference "initiative:<id>"), ready to publish;
- rejected: the members did not accept the text, so it goes back to draft to be revised and
  circulated again; the reason (the vote and its totals) is in the audit event;
- no quorum: nothing was decided, and nobody voted the text down: the minutes stay circulated,
  and the secretariat chooses the next step (approve after circulation, a new vote, or a
  revision).
The secretariat is e-mailed in each case.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from babel.dates import format_date
from flask_babel import force_locale, pgettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import select
from sqlalchemy.orm import Session

from association.audit.log import record
from association.content_languages import worded_in_every_language
from association.database import utcnow
from association.domain import Conflict, DomainError, Invalid, state_change
from association.languages import ENGLISH
from association.mail.outbox import queue_mail
from association.meetings.links import totals_words
from association.meetings.minutes import (
    approve_minutes,
    minutes_conflict,
    minutes_vote,
    return_minutes_to_draft,
)
from association.meetings.models import ApprovalRoute, Minutes, MinutesStatus
from association.meetings.policy import require_staff
from association.parks.models import Role, User
from association.site import site_url
from association.voting.initiatives import create_initiative
from association.voting.models import Initiative, InitiativeKind, Outcome, VoteResult
from association.voting.votes import open_vote

MINUTES_VOTE_DAYS = 14
MAX_VOTE_DAYS = 90


def _minutes_title(minutes: Minutes, language: str) -> str:
    title = _("Approval of the minutes of %(title)s", title=minutes.meeting.title_in(language).text)
    if minutes.version > 1:
        title += " " + _("(version %(n)d)", n=minutes.version)
    return title


def _text_digest(minutes: Minutes) -> str:
    # The same digest edit_minutes records: which text the members were asked to approve.
    return hashlib.sha256(
        (minutes.body_markdown + "\n" + minutes.decisions_markdown).encode()
    ).hexdigest()


def _vote_text(minutes: Minutes) -> str:
    meeting = minutes.meeting
    url = site_url(f"/meetings/{meeting.id}/minutes/{minutes.version}")
    lines = [
        _(
            "The member parks are asked to approve the minutes of **%(title)s**, held on %(day)s, "
            "as circulated on %(circulated)s.",
            title=meeting.title,
            day=format_date(meeting.starts_at, "d MMMM y", locale="en"),
            circulated=format_date(minutes.circulated_at, "d MMMM y", locale="en")
            if minutes.circulated_at
            else "—",
        ),
        "",
        "[" + _("Read the minutes, version %(n)d", n=minutes.version) + f"]({url})",
        "",
        _(
            "A vote For approves them; the secretariat then publishes them with their PDF. If the vote is "
            "rejected, the minutes go back to draft to be revised and circulated again."
        ),
    ]
    if minutes.decisions_markdown.strip():
        lines += ["", "## " + _("Decisions recorded"), "", minutes.decisions_markdown]
    lines += ["", _("SHA-256 of the text put to the vote") + f": `{_text_digest(minutes)}`"]
    return "\n".join(lines)


@state_change
def put_minutes_to_vote(
    session: Session, actor: User | None, minutes: Minutes, *, days: int = MINUTES_VOTE_DAYS
) -> Initiative:
    """Open a minutes-approval vote of the member parks on this circulated version.

    The vote decides (see the module's docstring); until it closes, nobody approves the
    version by hand, returns it to draft or opens a second vote on it.
    """
    require_staff(actor)
    if minutes.status != MinutesStatus.CIRCULATED:
        if minutes.status == MinutesStatus.DRAFT:
            raise Conflict(
                _("Minutes are put to a vote once they have been circulated to the members.")
            )
        raise minutes_conflict(minutes, pgettext("cannot be …", "put to a vote"))
    if minutes_vote(session, minutes) is not None:
        raise Conflict(_("The member parks are already voting on these minutes."))
    if not isinstance(days, int) or not 1 <= days <= MAX_VOTE_DAYS:
        raise Invalid(_("A vote lasts between 1 and %(max)d days.", max=MAX_VOTE_DAYS))
    english, translations = worded_in_every_language(
        lambda language: {
            "title": _minutes_title(minutes, language),
            "summary": _(
                "Approve the minutes of %(title)s (version %(n)d), as circulated to the members.",
                title=minutes.meeting.title_in(language).text,
                n=minutes.version,
            ),
        }
    )
    with force_locale(ENGLISH):
        body = _vote_text(minutes)
    initiative = create_initiative(
        session,
        actor,
        kind=InitiativeKind.MINUTES_APPROVAL,
        subject_type="Minutes",
        subject_id=minutes.id,
        title=english["title"],
        summary=english["summary"],
        translations=translations,
        body_markdown=body,
    )
    open_vote(session, actor, initiative, closes_at=utcnow() + timedelta(days=days))
    record(
        session,
        "minutes.put_to_vote",
        actor=actor,
        subject=minutes,
        details={
            "version": minutes.version,
            "initiative_id": initiative.id,
            "days": days,
            "sha256": _text_digest(minutes),
        },
    )
    return initiative


def _tell_secretariat(
    session: Session,
    minutes: Minutes,
    initiative: Initiative,
    outcome: Outcome,
    headline: LazyString,
    next_step: LazyString,
) -> None:
    """E-mail the secretariat the vote's outcome, each in their language (so the words come
    lazily, `_l`)."""
    staff = session.scalars(
        select(User)
        .where(User.role.in_([Role.SECRETARIAT, Role.ADMIN]), User.active.is_(True))
        .order_by(User.id)
    )
    meeting = minutes.meeting
    for user in staff:
        queue_mail(
            session,
            user.email,
            _l("Minutes vote: %(title)s", title=meeting.title),
            "minutes_vote_outcome.txt",
            language=user.language,
            user=user,
            meeting=meeting,
            minutes=minutes,
            initiative=initiative,
            outcome=outcome.value,
            headline=headline,
            next_step=next_step,
            manage_url=site_url(f"/secretariat/meetings/{meeting.id}#minutes"),
            vote_url=site_url(f"/initiatives/{initiative.id}"),
        )


def decide_minutes_by_vote(session: Session, initiative: Initiative, outcome: Outcome) -> None:
    """What a closed minutes-approval vote decides. Never raises for minutes that moved on
    meanwhile (or that it does not name): the vote must still close, and the audit log says
    why nothing followed."""
    minutes = (
        session.get(Minutes, initiative.subject_id)
        if initiative.subject_type == "Minutes"
        else None
    )

    def without_effect(why: str) -> None:
        record(
            session,
            "minutes.vote_without_effect",
            subject=initiative,
            details={
                "outcome": outcome.value,
                "minutes_id": initiative.subject_id,
                "status": minutes.status if minutes is not None else None,
                "why": why,
            },
        )

    if minutes is None:
        without_effect("no such minutes")
        return
    if minutes.status != MinutesStatus.CIRCULATED:
        without_effect("the minutes are no longer circulated")
        return
    # The result was added by the closing just now: from the session, not a stale relationship.
    result = session.get(VoteResult, initiative.id)
    totals = totals_words(result)
    # The same words for the secretariat's e-mails, each in its reader's language.
    mail_totals = LazyString(totals_words, result)
    try:
        if outcome == Outcome.PASSED:
            approve_minutes(
                session,
                None,
                minutes,
                route=ApprovalRoute.VOTE,
                reference=f"initiative:{initiative.id}",
            )
            _tell_secretariat(
                session,
                minutes,
                initiative,
                outcome,
                _l("The member parks approved the minutes (%(totals)s).", totals=mail_totals),
                _l("Publish them: the signed PDF is made on publication."),
            )
        elif outcome == Outcome.REJECTED:
            why = _(
                "The member parks voted against approving these minutes (initiative %(id)d: %(totals)s).",
                id=initiative.id,
                totals=totals,
            )
            return_minutes_to_draft(session, None, minutes, reason=why, initiative=initiative)
            _tell_secretariat(
                session,
                minutes,
                initiative,
                outcome,
                _l(
                    "The member parks voted against approving these minutes (initiative %(id)d: %(totals)s).",
                    id=initiative.id,
                    totals=mail_totals,
                ),
                _l(
                    "The minutes are back in draft: revise them with the members' comments and "
                    "circulate them again."
                ),
            )
        else:
            record(
                session,
                "minutes.vote_without_quorum",
                subject=minutes,
                details={
                    "version": minutes.version,
                    "initiative_id": initiative.id,
                    "totals": totals,
                    "status": "circulated",
                },
            )
            _tell_secretariat(
                session,
                minutes,
                initiative,
                outcome,
                _l(
                    "The vote on the minutes did not reach its quorum (%(totals)s): it decided nothing.",
                    totals=mail_totals,
                ),
                _l(
                    "The minutes stay circulated: approve them after circulation, put them to a new "
                    "vote, or take them back to draft."
                ),
            )
    except DomainError as refused:
        # approve/return check the same state first; should they refuse all the same, the vote still closes.
        without_effect(refused.message)
