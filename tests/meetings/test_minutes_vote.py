"""Minutes put to a vote of the member parks, and agenda items linked to initiatives."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import event, select

from association.audit.models import AuditEvent
from association.database import utcnow
from association.domain import Conflict, Invalid, NotAllowed
from association.extensions import db
from association.mail.models import OutboxMessage
from association.meetings import votes
from association.meetings.agenda import add_agenda_item, update_agenda_item
from association.meetings.minutes import (
    approve_minutes,
    circulate_minutes,
    minutes_vote,
    publish_minutes,
    return_minutes_to_draft,
    start_minutes,
)
from association.meetings.models import AgendaItem, ApprovalRoute, Minutes, MinutesStatus
from association.voting.ballots import cast_ballot
from association.voting.initiatives import cancel_initiative, create_initiative
from association.voting.models import InitiativeKind, InitiativeStatus
from association.voting.votes import close_vote
from tests.factories import EARLY, login
from tests.meetings.conftest import attend


@pytest.fixture
def circulated(session, secretariat, make_meeting, founders):
    meeting = make_meeting("Board meeting of March", held=True)
    attend(session, secretariat, meeting, founders, present=3)
    minutes = start_minutes(
        session,
        secretariat,
        meeting,
        body="# Record\n\nThe Board met.",
        decisions="1. The Board adopts the work plan.",
    )
    circulate_minutes(session, secretariat, minutes)
    return minutes


def _delegates(founders):
    return [next(user for user in park.users if user.is_delegate) for park in founders[:4]]


def _events(session, action):
    return [
        json.loads(e.details)
        for e in session.scalars(select(AuditEvent).where(AuditEvent.action == action))
    ]


def _vote(session, initiative, founders, choices):
    for delegate, choice in zip(_delegates(founders), choices, strict=False):
        cast_ballot(session, delegate, initiative, choice)


# --- the domain -------------------------------------------------------------------------


def test_putting_minutes_to_vote_opens_a_minutes_approval_initiative_about_them(
    session, secretariat, circulated
):
    initiative = votes.put_minutes_to_vote(session, secretariat, circulated, days=10)
    assert initiative.kind == InitiativeKind.MINUTES_APPROVAL
    assert initiative.status == InitiativeStatus.OPEN
    assert (initiative.subject_type, initiative.subject_id) == ("Minutes", circulated.id)
    assert "Board meeting of March" in initiative.title
    assert "The Board adopts the work plan." in initiative.body_markdown
    assert timedelta(days=9) < initiative.closes_at - utcnow() <= timedelta(days=10)
    assert minutes_vote(session, circulated).id == initiative.id
    assert _events(session, "minutes.put_to_vote")[0]["initiative_id"] == initiative.id


def test_the_default_period_is_fourteen_days(session, secretariat, circulated):
    initiative = votes.put_minutes_to_vote(session, secretariat, circulated)
    assert timedelta(days=13) < initiative.closes_at - utcnow() <= timedelta(days=14)


def test_a_passed_vote_approves_the_minutes_by_vote(session, secretariat, circulated, founders):
    initiative = votes.put_minutes_to_vote(session, secretariat, circulated)
    _vote(session, initiative, founders, ["for", "for", "for", "abstain"])
    close_vote(session, secretariat, initiative, reason=EARLY)
    session.expire_all()
    minutes = session.get(Minutes, circulated.id)
    assert minutes.status == MinutesStatus.APPROVED
    assert minutes.approved_by == ApprovalRoute.VOTE
    assert minutes.approval_reference == f"initiative:{initiative.id}"
    assert minutes_vote(session, minutes) is None
    mail = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.recipient == secretariat.email)
        .order_by(OutboxMessage.id.desc())
    ).first()
    assert "approved the minutes" in mail.body
    assert "Publish them" in mail.body


def test_minutes_approved_by_vote_are_published_with_the_vote_in_the_pdf(
    session, secretariat, circulated, founders, tmp_path
):
    from association.documents.models import StoredDocument
    from tests.documents.pdf_helpers import plain_text

    initiative = votes.put_minutes_to_vote(session, secretariat, circulated)
    _vote(session, initiative, founders, ["for", "for", "for", "against"])
    close_vote(session, secretariat, initiative, reason=EARLY)
    publish_minutes(session, secretariat, session.get(Minutes, circulated.id))
    document = session.get(StoredDocument, session.get(Minutes, circulated.id).document_id)
    text = " ".join(plain_text(document.content, tmp_path).split())
    assert f"by a vote of the member parks (initiative {initiative.id})" in text
    assert "The approval vote: For 3, Against 1, Abstain 0; 4 of 4 parks voted." in text


def test_a_rejected_vote_returns_the_minutes_to_draft_with_the_reason(
    session, secretariat, circulated, founders
):
    initiative = votes.put_minutes_to_vote(session, secretariat, circulated)
    _vote(session, initiative, founders, ["against", "against", "against", "for"])
    close_vote(session, secretariat, initiative, reason=EARLY)
    session.expire_all()
    assert session.get(Minutes, circulated.id).status == MinutesStatus.DRAFT
    returned = _events(session, "minutes.returned_to_draft")[-1]
    assert returned["by"] == "vote"
    assert returned["initiative_id"] == initiative.id
    assert "voted against approving these minutes" in returned["reason"]
    assert "Against 3" in returned["reason"]
    mail = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.recipient == secretariat.email)
        .order_by(OutboxMessage.id.desc())
    ).first()
    assert "back in draft" in mail.body


def test_a_vote_without_quorum_leaves_the_minutes_circulated_for_the_secretariat(
    session, secretariat, circulated, founders
):
    initiative = votes.put_minutes_to_vote(session, secretariat, circulated)
    _vote(session, initiative, founders, ["for"])
    close_vote(session, secretariat, initiative, reason=EARLY)
    session.expire_all()
    minutes = session.get(Minutes, circulated.id)
    assert minutes.status == MinutesStatus.CIRCULATED
    assert _events(session, "minutes.vote_without_quorum")[0]["initiative_id"] == initiative.id
    # The vote is over: the secretariat chooses again (here: it approves after circulation).
    approve_minutes(session, secretariat, minutes)
    assert minutes.status == MinutesStatus.APPROVED
    assert minutes.approved_by == ApprovalRoute.SECRETARIAT


def test_nothing_by_hand_while_the_members_vote(session, secretariat, circulated):
    votes.put_minutes_to_vote(session, secretariat, circulated)
    with pytest.raises(Conflict, match="voting on these minutes"):
        approve_minutes(session, secretariat, circulated)
    with pytest.raises(Conflict, match="voting on these minutes"):
        return_minutes_to_draft(session, secretariat, circulated)
    with pytest.raises(Conflict, match="already voting"):
        votes.put_minutes_to_vote(session, secretariat, circulated)
    session.expire_all()
    assert session.get(Minutes, circulated.id).status == MinutesStatus.CIRCULATED
    assert len(_events(session, "minutes.put_to_vote")) == 1


@pytest.mark.parametrize("days", [0, -3, 91, 400])
def test_a_period_outside_one_to_ninety_days_is_refused(session, secretariat, circulated, days):
    with pytest.raises(Invalid, match="between 1 and 90"):
        votes.put_minutes_to_vote(session, secretariat, circulated, days=days)
    assert minutes_vote(session, circulated) is None


def test_draft_minutes_cannot_be_put_to_vote(session, secretariat, make_meeting, founders):
    meeting = make_meeting(held=True)
    minutes = start_minutes(session, secretariat, meeting, body="Text")
    with pytest.raises(Conflict, match="once they have been circulated"):
        votes.put_minutes_to_vote(session, secretariat, minutes)


def test_published_minutes_cannot_be_put_to_vote(session, secretariat, circulated):
    approve_minutes(session, secretariat, circulated)
    publish_minutes(session, secretariat, circulated)
    with pytest.raises(Conflict, match="read-only"):
        votes.put_minutes_to_vote(session, secretariat, circulated)


def test_a_member_cannot_put_minutes_to_vote(session, circulated, founders):
    with pytest.raises(NotAllowed):
        votes.put_minutes_to_vote(session, _delegates(founders)[0], circulated)


def test_a_vote_about_minutes_that_moved_on_still_closes_and_changes_nothing(
    session, secretariat, circulated, founders
):
    from association.voting.votes import open_vote

    approve_minutes(session, secretariat, circulated)
    # A minutes-approval initiative drafted by hand about minutes already approved (or about nothing).
    stale = create_initiative(
        session,
        secretariat,
        title="Approve them again",
        kind=InitiativeKind.MINUTES_APPROVAL,
        subject_type="Minutes",
        subject_id=circulated.id,
    )
    orphan = create_initiative(
        session, secretariat, title="About nothing", kind=InitiativeKind.MINUTES_APPROVAL
    )
    for initiative in (stale, orphan):
        open_vote(session, secretariat, initiative, closes_at=utcnow() + timedelta(days=1))
        _vote(session, initiative, founders, ["against"] * 4)
        close_vote(session, secretariat, initiative, reason=EARLY)
    session.expire_all()
    assert {i.status for i in (stale, orphan)} == {InitiativeStatus.CLOSED}
    assert session.get(Minutes, circulated.id).status == MinutesStatus.APPROVED
    without = _events(session, "minutes.vote_without_effect")
    assert [e["minutes_id"] for e in without] == [circulated.id, None]
    assert without[0]["status"] == "approved"


# --- agenda links (domain) ---------------------------------------------------------------


def test_an_agenda_item_cannot_link_to_an_initiative_that_does_not_exist(
    session, secretariat, make_meeting
):
    meeting = make_meeting()
    with pytest.raises(Invalid, match="no initiative number 999"):
        add_agenda_item(
            session, secretariat, meeting, title="X", linked_type="initiative", linked_id=999
        )
    assert session.scalar(select(AgendaItem.id)) is None


def test_an_agenda_item_cannot_link_to_a_cancelled_initiative(session, secretariat, make_meeting):
    meeting = make_meeting()
    draft = create_initiative(session, secretariat, title="Dropped idea")
    cancel_initiative(session, secretariat, draft)
    with pytest.raises(Invalid, match="cancelled"):
        add_agenda_item(
            session, secretariat, meeting, title="X", linked_type="initiative", linked_id=draft.id
        )


def test_a_link_to_a_memorandum_that_does_not_exist_is_refused(session, secretariat, make_meeting):
    meeting = make_meeting()
    with pytest.raises(Invalid, match="no memorandum number 99"):
        add_agenda_item(
            session, secretariat, meeting, title="X", linked_type="memorandum", linked_id=99
        )
    assert meeting.agenda == []


def test_an_agenda_item_links_to_a_memorandum_on_the_page(
    client, session, secretariat, delegate, make_meeting
):
    from association.memoranda.drafting import create_memorandum

    meeting = make_meeting()
    memorandum = create_memorandum(
        session,
        secretariat,
        title="Memorandum on resident exchange",
        texts={"en": "The parties exchange residents."},
    )
    add_agenda_item(
        session,
        secretariat,
        meeting,
        title="Resident exchange",
        linked_type="memorandum",
        linked_id=memorandum.id,
    )
    login(client, secretariat)
    page = client.get(f"/secretariat/meetings/{meeting.id}").get_data(as_text=True)
    assert "Memorandum on resident exchange" in page
    assert f"/memoranda/{memorandum.id}" in page
    client.post("/logout")
    login(client, delegate)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "a memorandum in preparation" in page
    assert "Memorandum on resident exchange" not in page


def test_an_items_unchanged_link_survives_the_initiative_being_cancelled(
    session, secretariat, make_meeting
):
    meeting = make_meeting()
    draft = create_initiative(session, secretariat, title="Idea")
    item = add_agenda_item(
        session, secretariat, meeting, title="X", linked_type="initiative", linked_id=draft.id
    )
    cancel_initiative(session, secretariat, draft)
    update_agenda_item(
        session, secretariat, item, title="X renamed", linked_type="initiative", linked_id=draft.id
    )
    assert (item.title, item.linked_id) == ("X renamed", draft.id)


# --- the pages -----------------------------------------------------------------------------


def test_put_to_vote_through_the_page(client, session, secretariat, circulated, founders):
    login(client, secretariat)
    manage = f"/secretariat/meetings/{circulated.meeting_id}"
    page = client.get(manage).get_data(as_text=True)
    assert "Put to a vote of the members" in page
    assert "Approve (secretariat)" in page
    response = client.post(f"/secretariat/minutes/{circulated.id}/vote", data={"days": "7"})
    assert response.status_code == 302
    assert "/initiatives/" in response.headers["Location"]
    page = client.get(manage).get_data(as_text=True)
    assert "The member parks are voting on these minutes." in page
    assert "Approve (secretariat)" not in page
    assert "Back to draft" not in page
    for action in ("approve", "return", "vote"):
        refused = client.post(f"/secretariat/minutes/{circulated.id}/{action}", data={"days": "7"})
        assert refused.status_code == 409, action
        assert "voting on these minutes" in refused.get_data(as_text=True)


def test_members_see_that_the_minutes_are_being_voted_on(
    client, session, secretariat, circulated, founders
):
    initiative = votes.put_minutes_to_vote(session, secretariat, circulated)
    login(client, _delegates(founders)[0])
    for page in (
        f"/meetings/{circulated.meeting_id}",
        f"/meetings/{circulated.meeting_id}/minutes/1",
    ):
        text = client.get(page).get_data(as_text=True)
        assert "The member parks are voting on these minutes." in text
        assert f'href="/initiatives/{initiative.id}"' in text


def test_put_to_vote_with_a_bad_period_shows_the_error(client, session, secretariat, circulated):
    login(client, secretariat)
    response = client.post(f"/secretariat/minutes/{circulated.id}/vote", data={"days": "400"})
    assert response.status_code == 400
    assert b"between 1 and 90" in response.data
    assert minutes_vote(session, circulated) is None


def test_a_member_cannot_put_minutes_to_vote_through_the_page(
    client, session, circulated, founders
):
    login(client, _delegates(founders)[0])
    assert (
        client.post(f"/secretariat/minutes/{circulated.id}/vote", data={"days": "7"}).status_code
        == 403
    )
    assert minutes_vote(session, circulated) is None


def test_a_vote_past_its_closing_time_closes_when_the_meeting_page_is_opened(
    client, session, secretariat, circulated, founders
):
    initiative = votes.put_minutes_to_vote(session, secretariat, circulated, days=2)
    _vote(session, initiative, founders, ["for", "for", "for"])
    with time_machine.travel(utcnow() + timedelta(days=3), tick=False):
        login(client, _delegates(founders)[1])
        page = client.get(f"/meetings/{circulated.meeting_id}").get_data(as_text=True)
    assert "The member parks are voting" not in page
    assert "Approved by a vote of the member parks" in page
    session.expire_all()
    assert session.get(Minutes, circulated.id).status == MinutesStatus.APPROVED


def test_the_agenda_form_offers_the_initiatives_newest_first_without_cancelled_ones(
    client, session, secretariat, make_meeting
):
    meeting = make_meeting()
    older = create_initiative(session, secretariat, title="Older question")
    dropped = create_initiative(session, secretariat, title="Dropped question")
    cancel_initiative(session, secretariat, dropped)
    newer = create_initiative(session, secretariat, title="Newer question")
    login(client, secretariat)
    page = client.get(f"/secretariat/meetings/{meeting.id}").get_data(as_text=True)
    assert "Newer question (draft)" in page
    assert "Older question (draft)" in page
    assert page.index("Newer question") < page.index("Older question")
    assert "Dropped question" not in page
    response = client.post(
        f"/secretariat/meetings/{meeting.id}/agenda",
        data={"title": "The older question", "link": f"initiative:{older.id}"},
    )
    assert response.status_code == 302
    item = session.scalar(select(AgendaItem).where(AgendaItem.title == "The older question"))
    assert (item.linked_type, item.linked_id) == ("initiative", older.id)
    assert newer.id != older.id


@pytest.mark.parametrize("link", ["initiative:999", "initiative:abc", "park:1", "memorandum:1"])
def test_a_link_that_is_not_on_offer_is_refused_and_nothing_is_added(
    client, session, secretariat, make_meeting, link
):
    meeting = make_meeting()
    login(client, secretariat)
    response = client.post(
        f"/secretariat/meetings/{meeting.id}/agenda",
        data={"title": "Sneaky", "link": link},
        follow_redirects=True,
    )
    assert "Not a valid choice" in response.get_data(as_text=True) or response.status_code == 400
    assert session.scalar(select(AgendaItem.id)) is None


def test_the_meeting_page_shows_a_linked_vote_with_its_outcome_and_totals(
    client, session, secretariat, make_meeting, founders, make_vote, delegate
):
    budget = make_vote("Budget of the association for 2031", ["for", "for", "against", "abstain"])
    accelerator = make_vote("Joint accelerator programme")
    meeting = make_meeting()
    add_agenda_item(
        session, secretariat, meeting, title="Budget", linked_type="initiative", linked_id=budget.id
    )
    add_agenda_item(
        session,
        secretariat,
        meeting,
        title="Accelerator",
        linked_type="initiative",
        linked_id=accelerator.id,
    )
    login(client, delegate)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f'<a href="/initiatives/{budget.id}">Budget of the association for 2031</a>' in page
    assert "Passed" in page
    assert "For 2, Against 1, Abstain 1; 4 of 5 parks voted" in page
    assert f'<a href="/initiatives/{accelerator.id}">Joint accelerator programme</a>' in page
    assert "voting open" in page


def test_members_do_not_see_the_title_of_a_draft_initiative_on_the_agenda(
    client, session, secretariat, make_meeting, delegate
):
    draft = create_initiative(session, secretariat, title="Secret budget draft")
    meeting = make_meeting()
    add_agenda_item(
        session, secretariat, meeting, title="Budget", linked_type="initiative", linked_id=draft.id
    )
    login(client, delegate)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Secret budget draft" not in page
    assert "an initiative in preparation" in page


def test_the_meeting_page_loads_the_linked_initiatives_in_one_query(
    client, session, secretariat, make_meeting, founders, make_vote, delegate
):
    meeting = make_meeting()
    login(client, delegate)

    def queries() -> int:
        statements = []

        def count(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get(f"/meetings/{meeting.id}").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    first = make_vote("Question 1", ["for"] * 4)
    add_agenda_item(
        session, secretariat, meeting, title="Item 1", linked_type="initiative", linked_id=first.id
    )
    with_one = queries()
    for n in range(2, 7):
        initiative = make_vote(f"Question {n}", ["for", "against"] if n % 2 else None)
        add_agenda_item(
            session,
            secretariat,
            meeting,
            title=f"Item {n}",
            linked_type="initiative",
            linked_id=initiative.id,
        )
    assert queries() == with_one
