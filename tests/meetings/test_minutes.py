"""The minutes' life: draft -> circulated -> approved -> published, corrections, and every refusal."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from association.domain import Conflict, Invalid, NotAllowed
from association.mail.models import OutboxMessage
from association.meetings.minutes import (
    approve_minutes,
    circulate_minutes,
    comment_on_minutes,
    correct_minutes,
    current_published,
    edit_minutes,
    open_minutes,
    publish_minutes,
    return_minutes_to_draft,
    start_minutes,
)
from association.meetings.models import ApprovalRoute, Minutes, MinutesStatus

BODY = "# Minutes\n\nThe Assembly met and decided."
DECISIONS = "1. The budget is adopted."


@pytest.fixture
def held(make_meeting):
    return make_meeting(held=True)


@pytest.fixture
def draft(session, secretariat, held):
    return start_minutes(session, secretariat, held, body=BODY, decisions=DECISIONS)


@pytest.fixture
def circulated(session, secretariat, draft):
    return circulate_minutes(session, secretariat, draft)


@pytest.fixture
def approved(session, secretariat, circulated):
    return approve_minutes(session, secretariat, circulated)


@pytest.fixture
def published(session, secretariat, approved):
    return publish_minutes(session, secretariat, approved)


def _status(session, minutes) -> str:
    session.expire_all()
    return session.get(Minutes, minutes.id).status


# --- each state, reached ---------------------------------------------------------------


def test_minutes_start_as_a_draft_of_a_held_meeting(draft):
    assert draft.status == MinutesStatus.DRAFT
    assert draft.version == 1
    assert draft.body_markdown == BODY


def test_minutes_of_a_meeting_not_held_are_refused(session, secretariat, make_meeting):
    with pytest.raises(Conflict, match="held"):
        start_minutes(session, secretariat, make_meeting())


def test_a_second_first_draft_is_refused(session, secretariat, held, draft):
    with pytest.raises(Conflict):
        start_minutes(session, secretariat, held)


def test_circulating_tells_the_members(session, delegate, circulated):
    assert circulated.status == MinutesStatus.CIRCULATED
    assert circulated.circulated_at is not None
    last = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert last.recipient == delegate.email
    assert "/minutes/1" in last.body


def test_approval_by_the_secretariat_records_who(approved, secretariat):
    assert approved.status == MinutesStatus.APPROVED
    assert approved.approved_by == ApprovalRoute.SECRETARIAT
    assert approved.approval_reference == secretariat.email


def test_approval_by_vote_records_the_vote(session, circulated):
    approve_minutes(session, None, circulated, route=ApprovalRoute.VOTE, reference="initiative:12")
    assert circulated.approved_by == ApprovalRoute.VOTE
    assert circulated.approval_reference == "initiative:12"


def test_publishing_sets_the_time(published):
    assert published.status == MinutesStatus.PUBLISHED
    assert published.published_at is not None
    assert published.is_current


def test_circulated_minutes_can_go_back_to_draft(session, secretariat, circulated):
    return_minutes_to_draft(session, secretariat, circulated)
    assert circulated.status == MinutesStatus.DRAFT


# --- each refused transition -------------------------------------------------------------

REFUSED = {
    # state: transitions that must be refused from it
    "draft": ["approve", "publish", "return", "correct"],
    "circulated": ["edit", "circulate", "publish", "correct"],
    "approved": ["edit", "circulate", "approve", "return", "correct"],
    "published": ["edit", "circulate", "approve", "return", "publish"],
}


def _attempt(session, secretariat, minutes, transition):
    return {
        "edit": lambda: edit_minutes(session, secretariat, minutes, body="changed", decisions=""),
        "circulate": lambda: circulate_minutes(session, secretariat, minutes),
        "approve": lambda: approve_minutes(session, secretariat, minutes),
        "return": lambda: return_minutes_to_draft(session, secretariat, minutes),
        "publish": lambda: publish_minutes(session, secretariat, minutes),
        "correct": lambda: correct_minutes(session, secretariat, minutes),
    }[transition]()


@pytest.mark.parametrize(("state", "transition"), [(s, t) for s, ts in REFUSED.items() for t in ts])
def test_a_transition_out_of_order_is_refused_and_changes_nothing(
    request, session, secretariat, state, transition
):
    minutes = request.getfixturevalue(
        {
            "draft": "draft",
            "circulated": "circulated",
            "approved": "approved",
            "published": "published",
        }[state]
    )
    body = minutes.body_markdown
    with pytest.raises(Conflict):
        _attempt(session, secretariat, minutes, transition)
    assert _status(session, minutes) == state
    assert session.get(Minutes, minutes.id).body_markdown == body


def test_editing_published_minutes_says_to_start_a_correction(session, secretariat, published):
    with pytest.raises(Conflict, match="read-only.*correction"):
        edit_minutes(session, secretariat, published, body="rewritten", decisions="")
    session.expire_all()
    assert session.get(Minutes, published.id).body_markdown == BODY


def test_empty_minutes_are_not_circulated(session, secretariat, held):
    minutes = start_minutes(session, secretariat, held)
    with pytest.raises(Invalid, match="empty"):
        circulate_minutes(session, secretariat, minutes)


def test_a_member_cannot_approve(session, delegate, circulated):
    with pytest.raises(NotAllowed):
        approve_minutes(session, delegate, circulated)
    assert _status(session, circulated) == "circulated"


def test_an_approval_by_vote_without_its_reference_is_refused(session, circulated):
    with pytest.raises(Invalid):
        approve_minutes(session, None, circulated, route=ApprovalRoute.VOTE)


# --- corrections -------------------------------------------------------------------------


def test_a_correction_is_a_new_draft_version_and_the_old_stays_current_until_it_is_published(
    session, secretariat, published
):
    correction = correct_minutes(session, secretariat, published)
    assert (correction.version, correction.status, correction.supersedes_id) == (
        2,
        MinutesStatus.DRAFT,
        published.id,
    )
    assert correction.body_markdown == published.body_markdown
    assert published.is_current
    with pytest.raises(Conflict, match="already in progress"):
        correct_minutes(session, secretariat, published)
    edit_minutes(
        session, secretariat, correction, body=BODY + "\n\nCorrected.", decisions=DECISIONS
    )
    for step in (circulate_minutes, approve_minutes, publish_minutes):
        step(session, secretariat, correction)
    session.expire_all()
    old, new = session.get(Minutes, published.id), session.get(Minutes, correction.id)
    assert old.status == MinutesStatus.PUBLISHED
    assert old.superseded_at is not None
    assert not old.is_current
    assert new.is_current
    assert old.body_markdown == BODY
    assert current_published(old.meeting).id == new.id


def test_a_superseded_version_cannot_be_corrected(session, secretariat, published):
    correction = correct_minutes(session, secretariat, published)
    for step in (circulate_minutes, approve_minutes, publish_minutes):
        step(session, secretariat, correction)
    with pytest.raises(Conflict, match="current"):
        correct_minutes(session, secretariat, published)


# --- comments and reading ----------------------------------------------------------------


def test_members_comment_while_circulated_only(session, delegate, draft, secretariat):
    with pytest.raises(Conflict):
        comment_on_minutes(session, delegate, draft, "Too early")
    circulate_minutes(session, secretariat, draft)
    comment = comment_on_minutes(session, delegate, draft, "Item 2: the date was 29 September.")
    assert comment.park_id == delegate.park_id
    approve_minutes(session, secretariat, draft)
    with pytest.raises(Conflict):
        comment_on_minutes(session, delegate, draft, "Too late")


def test_reading_is_recorded_once(session, delegate, circulated):
    from association.meetings.models import MinutesRead

    open_minutes(session, delegate, circulated)
    open_minutes(session, delegate, circulated)
    assert len(session.scalars(select(MinutesRead)).all()) == 1


def test_opening_minutes_is_all_or_nothing_when_closing_a_due_vote_is_refused(
    session, delegate, circulated, secretariat, monkeypatch
):
    from datetime import timedelta

    from association.database import utcnow
    from association.meetings import minutes as minutes_module
    from association.meetings.models import MinutesRead
    from association.meetings.votes import put_minutes_to_vote
    from association.voting.models import Initiative

    vote = put_minutes_to_vote(session, secretariat, circulated, days=1)
    vote.closes_at = utcnow() - timedelta(minutes=1)
    session.commit()

    def refuse(*args, **kwargs):
        raise Conflict("refused")

    monkeypatch.setattr(minutes_module, "settle", refuse)
    with pytest.raises(Conflict):
        open_minutes(session, delegate, circulated)
    session.expire_all()
    assert session.scalars(select(MinutesRead)).all() == []
    assert session.get(Initiative, vote.id).status == "open"


# --- safe Markdown -----------------------------------------------------------------------

UNSAFE = """# Minutes
<script>alert('x')</script>
<iframe src="https://evil.example"></iframe>
<img src=x onerror="alert(1)">
[agenda](javascript:alert(1)) and [the site](https://technoparks.example)
"""


def test_unsafe_markdown_is_removed_from_the_stored_and_the_rendered_text(
    session, secretariat, draft
):
    from association.markdown import render_markdown

    edit_minutes(session, secretariat, draft, body=UNSAFE, decisions="<script>x</script>1. Adopted")
    session.expire_all()
    stored = session.get(Minutes, draft.id)
    rendered = str(render_markdown(stored.body_markdown)) + str(
        render_markdown(stored.decisions_markdown)
    )
    for text in (stored.body_markdown + stored.decisions_markdown, rendered):
        lowered = text.lower()
        for bad in ("<script", "iframe", "onerror", "javascript:"):
            assert bad not in lowered
    assert "https://technoparks.example" in rendered
    assert "<h1>Minutes</h1>" in rendered
