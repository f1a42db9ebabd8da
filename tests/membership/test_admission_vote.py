"""An admission put to a vote of the member parks: the vote's outcome decides the application."""

from datetime import timedelta

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from association.audit.models import AuditEvent
from association.database import utcnow
from association.domain import Conflict
from association.membership import admission, applications
from association.membership.models import ApplicationStatus
from association.parks.models import Park, ParkStatus
from association.parks.presenters import park_status_word
from association.parks.service import change_park_status
from association.voting.ballots import cast_ballot
from association.voting.models import InitiativeKind, InitiativeStatus
from association.voting.votes import close_vote
from tests.factories import EARLY, login


@pytest.fixture
def electorate(make_park, make_user):
    """Three member parks, each with a delegate."""
    delegates = []
    for name in ("Astana Hub", "Sabah Lab", "IT Park Uzbekistan"):
        park = make_park(name, country="KZ")
        delegates.append(make_user(park=park, delegate=True))
    return delegates


def test_putting_to_vote_opens_an_admission_initiative_about_the_application(
    session, secretariat, electorate, make_application
):
    application = make_application(ApplicationStatus.UNDER_REVIEW)
    initiative = admission.put_to_vote(session, secretariat, application, days=10)
    assert initiative.kind == InitiativeKind.ADMISSION
    assert initiative.status == InitiativeStatus.OPEN
    assert (initiative.subject_type, initiative.subject_id) == ("Application", application.id)
    assert "Technopark of Tajikistan" in initiative.title
    assert initiative.closes_at - utcnow() > timedelta(days=9)
    assert admission.admission_vote(session, application).id == initiative.id


def test_a_passed_vote_approves_the_application(session, secretariat, electorate, make_application):
    application = make_application(ApplicationStatus.UNDER_REVIEW)
    initiative = admission.put_to_vote(session, secretariat, application)
    for delegate in electorate:
        cast_ballot(session, delegate, initiative, "for")
    close_vote(session, secretariat, initiative, reason=EARLY)
    session.expire_all()
    assert application.status == ApplicationStatus.APPROVED
    park = session.scalar(select(Park).where(Park.name_latin == "Technopark of Tajikistan"))
    assert park.status == ParkStatus.MEMBER
    assert park.membership_number.startswith("AMT-TJ-")
    assert admission.admission_vote(session, application) is None


def test_a_passed_vote_links_the_candidates_existing_record(
    session, secretariat, electorate, make_park, make_application
):
    candidate = make_park("Technopark of Tajikistan", country="TJ", status=ParkStatus.OBSERVER)
    application = make_application(ApplicationStatus.UNDER_REVIEW)
    initiative = admission.put_to_vote(session, secretariat, application)
    for delegate in electorate:
        cast_ballot(session, delegate, initiative, "for")
    close_vote(session, secretariat, initiative, reason=EARLY)
    session.expire_all()
    assert application.park_id == candidate.id
    assert candidate.status == ParkStatus.MEMBER


def test_an_application_in_a_members_name_cannot_be_put_to_vote(
    session, secretariat, electorate, make_application
):
    application = make_application(
        ApplicationStatus.UNDER_REVIEW, name_latin="Astana Hub", country="KZ"
    )
    with pytest.raises(Conflict, match="Astana Hub \\(KZ\\) is already a member"):
        admission.put_to_vote(session, secretariat, application)
    assert admission.admission_vote(session, application) is None


def test_a_passed_vote_admits_no_park_that_became_a_member_meanwhile(
    session, secretariat, electorate, make_park, make_application
):
    candidate = make_park("Technopark of Tajikistan", country="TJ", status=ParkStatus.OBSERVER)
    application = make_application(
        ApplicationStatus.UNDER_REVIEW, contact_email="someone@elsewhere.example"
    )
    initiative = admission.put_to_vote(session, secretariat, application)
    for delegate in electorate:
        cast_ballot(session, delegate, initiative, "for")
    change_park_status(
        session, secretariat, candidate, ParkStatus.MEMBER, "admitted at the General Assembly"
    )
    close_vote(session, secretariat, initiative, reason=EARLY)
    session.expire_all()
    assert initiative.status == InitiativeStatus.CLOSED
    assert application.status == ApplicationStatus.UNDER_REVIEW
    assert not candidate.users
    event = session.scalar(
        select(AuditEvent).where(AuditEvent.action == "application.vote_without_effect")
    )
    assert "is already a member" in event.details


@pytest.mark.parametrize(
    ("choices", "why"), [(["against", "against", "for"], "voted against"), (["for"], "quorum")]
)
def test_a_failed_vote_rejects_the_application_with_the_reason(
    session, secretariat, electorate, make_application, choices, why
):
    application = make_application(ApplicationStatus.UNDER_REVIEW)
    initiative = admission.put_to_vote(session, secretariat, application)
    for delegate, choice in zip(electorate, choices, strict=False):
        cast_ballot(session, delegate, initiative, choice)
    close_vote(session, secretariat, initiative, reason=EARLY)
    session.expire_all()
    assert application.status == ApplicationStatus.REJECTED
    assert why in application.decision_reason


def test_no_decision_by_hand_while_the_members_vote(
    session, secretariat, electorate, make_application
):
    application = make_application(ApplicationStatus.UNDER_REVIEW)
    admission.put_to_vote(session, secretariat, application)
    with pytest.raises(Conflict, match="voting"):
        admission.approve_application(session, secretariat, application, "member")
    with pytest.raises(Conflict, match="voting"):
        admission.reject_application(session, secretariat, application, "changed our mind")
    with pytest.raises(Conflict, match="already voting"):
        admission.put_to_vote(session, secretariat, application)
    session.expire_all()
    assert application.status == ApplicationStatus.UNDER_REVIEW


def test_a_submitted_application_cannot_be_put_to_vote_before_review(
    session, secretariat, electorate, make_application
):
    application = make_application(ApplicationStatus.SUBMITTED)
    with pytest.raises(Conflict):
        admission.put_to_vote(session, secretariat, application)


def test_a_vote_on_a_withdrawn_application_still_closes_and_changes_nothing(
    session, secretariat, electorate, make_application
):
    application = make_application(ApplicationStatus.UNDER_REVIEW)
    initiative = admission.put_to_vote(session, secretariat, application)
    cast_ballot(session, electorate[0], initiative, "for")
    applications.withdraw_application(session, application)
    close_vote(session, secretariat, initiative, reason=EARLY)
    session.expire_all()
    assert initiative.status == InitiativeStatus.CLOSED
    assert application.status == ApplicationStatus.WITHDRAWN


def test_put_to_vote_through_the_page(
    client, session, secretariat, electorate, make_tracked_application
):
    submitted = make_tracked_application(ApplicationStatus.UNDER_REVIEW)
    application = submitted.application
    login(client, secretariat)
    page = client.get(f"/secretariat/applications/{application.id}").get_data(as_text=True)
    assert "Put to a vote of the members" in page
    response = client.post(f"/secretariat/applications/{application.id}/vote", data={"days": "7"})
    assert response.status_code == 302
    assert "/initiatives/" in response.headers["Location"]
    page = client.get(f"/secretariat/applications/{application.id}").get_data(as_text=True)
    assert "The members are voting" in page
    assert "Put to a vote of the members" not in page
    assert (
        client.post(
            f"/secretariat/applications/{application.id}/approve",
            data={"category": "member", "park": 0},
        ).status_code
        == 409
    )
    tracking = client.get(f"/apply/{submitted.tracking_code}").get_data(as_text=True)
    assert "The member parks are voting on the admission" in tracking


def test_put_to_vote_with_a_bad_period_shows_the_error(
    client, secretariat, electorate, make_application
):
    application = make_application(ApplicationStatus.UNDER_REVIEW)
    login(client, secretariat)
    response = client.post(f"/secretariat/applications/{application.id}/vote", data={"days": "400"})
    assert response.status_code == 400
    assert b"between 1 and 90" in response.data


def test_the_admission_vote_is_worded_in_english_and_in_every_language_the_catalogs_speak(
    app, session, secretariat, electorate, make_application
):
    application = make_application(ApplicationStatus.UNDER_REVIEW)
    # Put to the vote from a Turkish page: what is stored is worded for every reader.
    with app.test_request_context("/?lang=tr"):
        initiative = admission.put_to_vote(session, secretariat, application)
    assert initiative.title.startswith("Admission of Technopark of Tajikistan")
    assert "## Motivation" in initiative.body_markdown
    for language in ("kk", "tr", "ru"):
        with force_locale(language):
            expected = _(
                "Admission of %(park)s (%(country)s) as %(category)s",
                park=application.name_latin,
                country=application.country,
                category=park_status_word(application.category_requested),
            )
        shown = initiative.title_in(language)
        assert (shown.language, shown.text) == (language, expected)
