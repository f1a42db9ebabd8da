"""The pages: list, initiative, ballot (every bad input), results, the secretariat's actions."""

import io
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import event, func, insert, select

from association.database import utcnow
from association.extensions import db
from association.parks.models import ParkStatus
from association.parks.service import change_park_status
from association.voting.ballots import cast_ballot
from association.voting.models import Ballot, BallotKind, Initiative, InitiativeStatus, VoteResult
from association.voting.votes import close_vote
from tests.factories import EARLY, csrf_token_from, login
from tests.voting.conftest import ballot_count, result_count


def _vote(client, initiative, choice="for", **extra):
    return client.post(f"/initiatives/{initiative.id}/vote", data={"choice": choice, **extra})


def test_a_delegate_votes_and_sees_the_receipt_and_choice(
    client, session, delegate, open_initiative
):
    login(client, delegate)
    response = _vote(client, open_initiative, "against")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("#your-ballot")
    ballot = session.scalar(select(Ballot))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="your-ballot"' in page
    assert "Your park's ballot is recorded." in page
    assert ballot.receipt_code in page
    assert "Your park's current choice" in page
    assert "<strong>Against</strong>" in page


def test_a_park_id_in_the_form_is_ignored(client, session, make_park, delegate, open_initiative):
    other = make_park("Sabah Lab", country="AZ")
    login(client, delegate)
    assert _vote(client, open_initiative, "for", park_id=other.id, park=other.id).status_code == 303
    assert session.scalars(select(Ballot.park_id)).all() == [delegate.park_id]


def _refused(client, session, initiative, user, choice, status, message):
    login(client, user)
    before = ballot_count(session)
    response = _vote(client, initiative, choice)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    session.expire_all()
    assert ballot_count(session) == before
    return response


def test_a_ballot_before_opens_at_is_refused(
    client, session, secretariat, make_initiative, delegate
):
    from association.voting.initiatives import schedule_initiative

    initiative = schedule_initiative(
        session,
        secretariat,
        make_initiative(),
        utcnow() + timedelta(days=1),
        utcnow() + timedelta(days=3),
    )
    _refused(client, session, initiative, delegate, "for", 409, "Voting has not opened yet")


def test_a_ballot_after_closes_at_is_refused_and_the_vote_closes(
    client, session, delegate, open_initiative
):
    with time_machine.travel(open_initiative.closes_at + timedelta(minutes=1), tick=False):
        _refused(client, session, open_initiative, delegate, "for", 409, "result is final")
    assert session.scalar(select(VoteResult.ballots_cast)) == 0


def test_a_ballot_on_a_draft_is_refused(client, session, make_initiative, delegate):
    _refused(client, session, make_initiative(), delegate, "for", 409, "still a draft")


def test_a_ballot_on_a_closed_vote_is_refused_and_the_tallies_stay(
    client, session, secretariat, delegate, open_initiative
):
    cast_ballot(session, delegate, open_initiative, "for")
    close_vote(session, secretariat, open_initiative, reason=EARLY)
    _refused(client, session, open_initiative, delegate, "against", 409, "result is final")
    session.expire_all()
    assert session.scalar(select(VoteResult.tallies_json)) == '{"for":1,"against":0,"abstain":0}'
    assert session.scalar(select(Ballot.choice)) == "for"


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (ParkStatus.OBSERVER, "observers take part but do not vote"),
        (ParkStatus.SUSPENDED, "suspended"),
    ],
)
def test_a_ballot_from_a_park_that_does_not_vote_is_refused(
    client, session, secretariat, make_park, make_user, open_initiative, status, message
):
    other = make_park("Other Park")
    user = make_user(park=other, delegate=True)
    change_park_status(session, secretariat, other, status, "test")
    _refused(client, session, open_initiative, user, "for", 403, message)


def test_a_ballot_from_a_withdrawn_park_is_refused(
    client, session, secretariat, make_park, make_user, open_initiative
):
    other = make_park("Gone Park")
    user = make_user(park=other, delegate=True)
    login(client, user)
    change_park_status(session, secretariat, other, ParkStatus.WITHDRAWN, "left")
    # A withdrawn park's users lose their session: the ballot never reaches the vote, and the
    # sign-in page they are sent to says why, once.
    response = _vote(client, open_initiative)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You have been signed out: Gone Park has withdrawn from the association." in page
    response = _vote(client, open_initiative)
    assert response.status_code == 302
    assert "signed out" not in client.get("/login").get_data(as_text=True)
    with pytest.raises(Exception, match="withdrawn"):
        cast_ballot(session, user, open_initiative, "for")
    assert ballot_count(session) == 0


def test_a_ballot_from_a_user_who_is_not_a_delegate_is_refused(
    client, session, member, open_initiative
):
    _refused(
        client, session, open_initiative, member, "for", 403, "Only the delegate of Astana Hub"
    )


def test_a_choice_not_on_the_ballot_is_refused(client, session, delegate, open_initiative):
    _refused(client, session, open_initiative, delegate, "maybe", 400, "not on this ballot")
    _refused(client, session, open_initiative, delegate, "", 400, "not on this ballot")


def test_a_change_when_changes_are_not_allowed_is_refused(
    client, session, delegate, make_open_vote
):
    initiative = make_open_vote(changes_allowed=False)
    cast_ballot(session, delegate, initiative, "for")
    _refused(client, session, initiative, delegate, "against", 409, "does not allow changing")
    assert session.scalar(select(Ballot.choice)) == "for"


def test_a_visitor_cannot_vote(client, session, open_initiative):
    response = _vote(client, open_initiative)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert ballot_count(session) == 0


@pytest.mark.csrf
def test_a_ballot_without_csrf_is_refused(client, session, delegate, open_initiative):
    page = client.get("/login").get_data(as_text=True)
    client.post(
        "/login",
        data={
            "email": delegate.email,
            "password": "correct horse battery staple",
            "csrf_token": csrf_token_from(page),
        },
    )
    response = _vote(client, open_initiative)
    assert response.status_code == 400
    assert "expired or was not sent from this site" in response.get_data(as_text=True)
    assert ballot_count(session) == 0
    page = client.get(f"/initiatives/{open_initiative.id}").get_data(as_text=True)
    response = _vote(client, open_initiative, csrf_token=csrf_token_from(page))
    assert response.status_code == 303
    assert ballot_count(session) == 1


def test_the_page_shows_who_voted_but_never_how_while_secret(
    client, session, make_park, make_user, delegate, make_open_vote
):
    other = make_user(park=make_park("Sabah Lab", country="AZ"), delegate=True)
    initiative = make_open_vote(secret=True)
    cast_ballot(session, other, initiative, "against")
    login(client, delegate)
    page = client.get(f"/initiatives/{initiative.id}").get_data(as_text=True)
    assert "1 of 2 parks have voted" in page
    assert "Sabah Lab" in page
    assert "Against</strong>" not in page
    assert "against" not in page.split("Turnout")[1].split("Rules")[0].lower()
    assert "left" in page


def test_after_close_the_page_publishes_outcome_totals_receipts_and_roll_call(
    client, session, secretariat, delegate, open_initiative
):
    ballot = cast_ballot(session, delegate, open_initiative, "for")
    close_vote(session, secretariat, open_initiative, reason=EARLY)
    login(client, delegate)
    page = client.get(f"/initiatives/{open_initiative.id}").get_data(as_text=True)
    assert "Passed" in page
    assert "Roll-call" in page
    assert ballot.receipt_code in page
    assert "1 of 1 park (100%)" in page
    csv_text = client.get(f"/initiatives/{open_initiative.id}/results.csv").get_data(as_text=True)
    assert "outcome,passed" in csv_text
    assert f"Astana Hub,AMT-KZ-0001,For,{ballot.receipt_code}" in csv_text


def test_a_secret_result_lists_receipts_without_choices(
    client, session, secretariat, delegate, make_open_vote
):
    initiative = make_open_vote(secret=True)
    ballot = cast_ballot(session, delegate, initiative, "for")
    close_vote(session, secretariat, initiative, reason=EARLY)
    login(client, delegate)
    csv_text = client.get(f"/initiatives/{initiative.id}/results.csv").get_data(as_text=True)
    assert ballot.receipt_code in csv_text
    assert "Astana Hub" not in csv_text


def test_a_secret_result_shows_a_keyed_seal_and_an_old_plain_digest_not_at_all(
    client, session, secretariat, delegate, make_open_vote
):
    initiative = make_open_vote(secret=True)
    cast_ballot(session, delegate, initiative, "for")
    result = close_vote(session, secretariat, initiative, reason=EARLY)
    login(client, delegate)
    page = client.get(f"/initiatives/{initiative.id}").get_data(as_text=True)
    assert "HMAC-SHA-256" in page
    assert result.digest in page
    assert result.digest_key not in page
    csv_text = client.get(f"/initiatives/{initiative.id}/results.csv").get_data(as_text=True)
    assert f"digest_hmac_sha256,{result.digest}" in csv_text
    assert result.digest_key not in csv_text
    # A secret result closed before digests were keyed: its plain digest would reveal the choices.
    session.execute(VoteResult.__table__.update().values(digest_key=None))
    session.commit()
    page = client.get(f"/initiatives/{initiative.id}").get_data(as_text=True)
    assert result.digest not in page
    assert "Receipt codes of the ballots counted" in page
    assert result.digest not in client.get(f"/initiatives/{initiative.id}/results.csv").get_data(
        as_text=True
    )


def test_an_option_ballots_csv_names_the_winner(
    client, session, secretariat, delegate, make_open_vote
):
    initiative = make_open_vote(ballot_kind=BallotKind.OPTIONS, options=["Tashkent", "Baku"])
    cast_ballot(session, delegate, initiative, "2")
    close_vote(session, secretariat, initiative, reason=EARLY)
    login(client, delegate)
    csv_text = client.get(f"/initiatives/{initiative.id}/results.csv").get_data(as_text=True)
    assert "outcome,passed" in csv_text
    assert "winner,Baku" in csv_text


def test_the_page_closes_a_due_vote_on_first_access(client, session, delegate, open_initiative):
    with time_machine.travel(open_initiative.closes_at + timedelta(minutes=1), tick=False):
        page = client.get(f"/initiatives/{open_initiative.id}").get_data(as_text=True)
    assert "No quorum" in page
    assert result_count(session) == 1


def test_markdown_is_rendered_without_scripts_handlers_or_javascript_links(
    client, make_open_vote, delegate
):
    initiative = make_open_vote(
        body_markdown="## Plan\n\n<script>alert(1)</script> <img src=x onerror=alert(1)>"
        " [click](javascript:alert(1)) [site](https://it-park.uz)"
    )
    login(client, delegate)
    page = client.get(f"/initiatives/{initiative.id}").get_data(as_text=True)
    assert "<h2>Plan</h2>" in page
    assert 'href="https://it-park.uz"' in page
    assert "<script>alert" not in page
    assert "<img" not in page
    assert 'href="javascript' not in page


def test_a_visitor_sees_open_titles_but_not_the_text_or_ballots(
    client, open_initiative, make_initiative
):
    make_initiative("Secret draft")
    listing = client.get("/initiatives").get_data(as_text=True)
    assert open_initiative.title in listing
    assert "Secret draft" not in listing
    page = client.get(f"/initiatives/{open_initiative.id}").get_data(as_text=True)
    assert "for the member parks" in page
    assert "Turnout" not in page


def test_drafts_are_hidden_from_members(client, make_initiative, delegate):
    draft = make_initiative("Draft")
    login(client, delegate)
    assert client.get(f"/initiatives/{draft.id}").status_code == 404


def test_a_list_of_5000_initiatives_is_paginated(client, session, secretariat, delegate):
    now = utcnow()
    session.execute(
        insert(Initiative),
        [
            {
                "title": f"Initiative {n}",
                "summary": "",
                "body_markdown": "",
                "kind": "general",
                "status": "closed",
                "ballot_kind": "yes_no",
                "quorum_numerator": 1,
                "quorum_denominator": 2,
                "majority": "simple",
                "secret": False,
                "changes_allowed": True,
                "created_at": now,
                "updated_at": now,
                "closed_at": now,
                "opens_at": now,
                "closes_at": now,
            }
            for n in range(5000)
        ],
    )
    session.commit()
    login(client, delegate)
    page = client.get("/initiatives?state=closed&page=3").get_data(as_text=True)
    assert "Page 3 of 250" in page
    assert page.count('class="list-group-item list-group-item-action') == 20


def test_the_initiative_page_stays_under_12_queries(
    client, session, make_park, make_user, make_open_vote, delegate, secretariat
):
    voters = [make_user(park=make_park(), delegate=True) for _ in range(49)]
    initiative = make_open_vote()
    for n, user in enumerate(voters + [delegate]):
        cast_ballot(session, user, initiative, ("for", "against", "abstain")[n % 3])
    login(client, delegate)
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        open_page = client.get(f"/initiatives/{initiative.id}")
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert open_page.status_code == 200
    assert "50 of 50 parks have voted" in open_page.get_data(as_text=True)
    assert len(statements) < 12, statements
    close_vote(session, secretariat, initiative, reason=EARLY)
    statements.clear()
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        closed_page = client.get(f"/initiatives/{initiative.id}")
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert "Roll-call" in closed_page.get_data(as_text=True)
    assert len(statements) < 12, statements


def test_the_secretariat_drafts_opens_and_closes_through_the_pages(
    client, session, secretariat, park, delegate
):
    login(client, secretariat)
    response = client.post(
        "/secretariat/initiatives/new",
        data={
            "title": "Venue of the General Assembly 2026",
            "summary": "Where we meet.",
            "body_markdown": "**Vote**",
            "kind": "general",
            "proposer": 0,
            "ballot_kind": "options",
            "options": "Astana\nBaku\nTashkent",
            "quorum": "1/2",
            "majority": "simple",
            "changes_allowed": "y",
        },
    )
    assert response.status_code == 302
    initiative = session.scalar(select(Initiative))
    assert [o.label for o in initiative.options] == ["Astana", "Baku", "Tashkent"]
    closes = (utcnow() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    assert (
        client.post(
            f"/secretariat/initiatives/{initiative.id}/open", data={"closes_at": closes}
        ).status_code
        == 303
    )
    session.expire_all()
    assert initiative.status == InitiativeStatus.OPEN
    cast_ballot(session, delegate, initiative, "2")
    closed = client.post(f"/secretariat/initiatives/{initiative.id}/close", data={"reason": EARLY})
    assert closed.status_code == 303
    page = client.get(f"/initiatives/{initiative.id}").get_data(as_text=True)
    assert "Passed" in page
    assert "Baku" in page


def test_the_close_button_leads_to_a_page_that_says_what_closing_does_and_closes_nothing(
    client, session, secretariat, delegate, open_initiative
):
    cast_ballot(session, delegate, open_initiative, "for")
    login(client, secretariat)
    detail = client.get(f"/initiatives/{open_initiative.id}").get_data(as_text=True)
    assert f'href="/secretariat/initiatives/{open_initiative.id}/close"' in detail
    response = client.get(f"/secretariat/initiatives/{open_initiative.id}/close")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Turnout so far: 1 of 1 park has voted." in page
    assert "It is final" in page
    assert "ends it early" in page
    assert 'name="reason"' in page
    session.expire_all()
    assert open_initiative.status == InitiativeStatus.OPEN


def test_closing_early_without_a_reason_says_so_beside_the_field_and_closes_nothing(
    client, session, secretariat, open_initiative
):
    login(client, secretariat)
    response = client.post(f"/secretariat/initiatives/{open_initiative.id}/close", data={})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "is-invalid" in page
    assert "please give the reason" in page
    session.expire_all()
    assert open_initiative.status == InitiativeStatus.OPEN
    assert result_count(session) == 0


def test_the_reason_for_closing_early_is_shown_with_the_result(
    client, session, secretariat, delegate, open_initiative
):
    login(client, secretariat)
    client.post(
        f"/secretariat/initiatives/{open_initiative.id}/close",
        data={"reason": "Every park has voted."},
    )
    login(client, delegate)
    page = client.get(f"/initiatives/{open_initiative.id}").get_data(as_text=True)
    assert f"Closed early by {secretariat.full_name}" in page
    assert "Reason: Every park has voted." in page


def test_the_close_page_of_a_closed_vote_sends_back_to_the_result(
    client, session, secretariat, open_initiative
):
    close_vote(session, secretariat, open_initiative, reason=EARLY)
    login(client, secretariat)
    response = client.get(f"/secretariat/initiatives/{open_initiative.id}/close")
    assert response.status_code == 303
    assert (
        client.post(
            f"/secretariat/initiatives/{open_initiative.id}/close", data={"reason": EARLY}
        ).status_code
        == 303
    )
    assert result_count(session) == 1


def test_a_drafts_panel_offers_scheduling_and_opening_as_two_separate_forms(
    client, secretariat, make_initiative
):
    initiative = make_initiative()
    login(client, secretariat)
    page = client.get(f"/initiatives/{initiative.id}").get_data(as_text=True)
    schedule = page[page.index('id="schedule-voting"') : page.index('id="open-voting"')]
    opening = page[page.index('id="open-voting"') :]
    assert f'action="/secretariat/initiatives/{initiative.id}/schedule"' in schedule
    assert f'action="/secretariat/initiatives/{initiative.id}/open"' not in schedule
    assert f'action="/secretariat/initiatives/{initiative.id}/open"' in opening
    # Each "Voting closes" label points at its own field.
    assert 'for="schedule-closes-at"' in schedule
    assert 'for="open-closes-at"' in opening
    assert page.count('id="closes_at"') == 0


def test_members_cannot_reach_the_secretariat_pages(client, delegate, open_initiative):
    login(client, delegate)
    assert client.get("/secretariat/initiatives/new").status_code == 403
    assert client.post(f"/secretariat/initiatives/{open_initiative.id}/close").status_code == 403


def test_the_dashboard_tells_a_delegate_the_park_has_not_voted(
    client, session, delegate, open_initiative
):
    login(client, delegate)
    assert "Your park has not voted yet: Joint accelerator programme 2027" in client.get(
        "/dashboard"
    ).get_data(as_text=True)
    cast_ballot(session, delegate, open_initiative, "for")
    assert "Your park has not voted yet" not in client.get("/dashboard").get_data(as_text=True)


def test_pages_render(client, secretariat, open_initiative, make_initiative):
    draft = make_initiative("Draft")
    login(client, secretariat)
    for path in (
        "/initiatives",
        "/initiatives?state=closed&kind=budget",
        "/secretariat/initiatives",
        "/secretariat/initiatives?state=draft",
        f"/initiatives/{draft.id}",
        f"/secretariat/initiatives/{draft.id}/edit",
        f"/initiatives/{open_initiative.id}",
        "/dashboard",
    ):
        assert client.get(path).status_code == 200, path


def test_the_close_due_votes_command(runner, session, open_initiative):
    with time_machine.travel(open_initiative.closes_at + timedelta(minutes=1), tick=False):
        result = runner.invoke(args=["close-due-votes"])
    assert "Closed: 1." in result.output
    assert result_count(session) == 1


def test_a_new_initiative_with_a_refused_attachment_is_not_saved(client, session, secretariat):
    login(client, secretariat)
    response = client.post(
        "/secretariat/initiatives/new",
        data={
            "title": "Joint accelerator programme 2027",
            "kind": "general",
            "proposer": "0",
            "ballot_kind": "yes_no",
            "quorum": "1/2",
            "majority": "simple",
            "changes_allowed": "y",
            "attachments": [(io.BytesIO(b"<html>"), "charter.pdf")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "not really a PDF" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Initiative)) == 0
