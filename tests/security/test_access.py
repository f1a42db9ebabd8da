"""One park (Astana Hub) reaching for what belongs to another (Sabah Lab): refused, nothing changed."""

from __future__ import annotations

import re

from sqlalchemy import select

from association.membership import documents
from association.membership.uploads import Upload
from association.memoranda import circulation as memoranda_circulation
from association.memoranda import drafting as memoranda_drafting
from association.voting.models import Ballot
from tests.factories import PASSWORD, login
from tests.membership.conftest import application_input, submit_confirmed
from tests.security.conftest import nothing_changes, pdf_bytes, refused


def test_another_parks_certificate_is_refused(client, session, secretariat, delegate, other_park):
    documents.reissue_certificate(session, secretariat, other_park)
    login(client, delegate)
    with nothing_changes():
        response = client.get(f"/members/{other_park.slug}/certificate.pdf")
        refused(response, 403, "You do not have access to this")
    assert response.mimetype == "text/html"


def test_another_parks_certificate_is_not_for_visitors(client, session, secretariat, other_park):
    documents.reissue_certificate(session, secretariat, other_park)
    with nothing_changes():
        response = client.get(f"/members/{other_park.slug}/certificate.pdf")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_a_memorandum_the_park_is_not_party_to_is_hidden(
    client, session, delegate, foreign_memorandum
):
    login(client, delegate)
    with nothing_changes():
        refused(
            client.get(f"/memoranda/{foreign_memorandum.id}"), 403, "You do not have access to this"
        )
        pdf = client.get(f"/memoranda/{foreign_memorandum.id}.pdf")
        refused(pdf, 403, "You do not have access to this")
        assert b"%PDF" not in pdf.data
        register = client.get("/memoranda").get_data(as_text=True)
    assert "Sabah and Bishkek" not in register


def test_a_visitor_learns_nothing_of_a_non_public_memorandum(client, session, foreign_memorandum):
    with nothing_changes():
        refused(
            client.get(f"/memoranda/{foreign_memorandum.id}"),
            404,
            "There is nothing at this address",
        )
        refused(client.get(f"/memoranda/{foreign_memorandum.id}.pdf"), 404)
        refused(client.get(f"/memoranda/{foreign_memorandum.id}/revisions/1/compare/1"), 404)


def test_signing_for_another_parks_party_is_refused(
    client, session, secretariat, make_user, park, other_park, other_delegate
):
    signatory = make_user(park=park, signatory=True, full_name="Yerlan Nurpeisov", title="CEO")
    memorandum = memoranda_drafting.create_memorandum(
        session,
        secretariat,
        title="Astana and Sabah",
        place="Astana",
        texts={"en": "## Article 1\n\nThe Parties cooperate."},
    )
    memoranda_drafting.add_member_party(session, secretariat, memorandum, park)
    theirs = memoranda_drafting.add_member_party(session, secretariat, memorandum, other_park)
    circulation = memoranda_circulation.circulate(session, secretariat, memorandum)
    login(client, signatory)
    with nothing_changes(audited=True):
        response = client.post(
            f"/memoranda/{memorandum.id}/sign",
            data={
                "sign-party": theirs.id,
                "sign-circulation": circulation.id,
                "sign-full_name": "Yerlan Nurpeisov",
                "sign-title": "CEO",
                "sign-consent": "y",
                "sign-password": PASSWORD,
                "sign-submit": "Sign",
            },
        )
        refused(response, 403, "You cannot sign for Sabah Lab: you do not represent it.")
    session.refresh(circulation)
    assert circulation.signature_of(theirs) is None


def test_signing_a_memorandum_the_park_is_not_party_to_is_refused(
    client, session, make_user, park, foreign_memorandum
):
    signatory = make_user(park=park, signatory=True, full_name="Yerlan Nurpeisov", title="CEO")
    party = foreign_memorandum.parties[0]
    login(client, signatory)
    with nothing_changes(audited=True):
        response = client.post(
            f"/memoranda/{foreign_memorandum.id}/sign",
            data={
                "sign-party": party.id,
                "sign-circulation": foreign_memorandum.current_circulation.id,
                "sign-full_name": "Yerlan Nurpeisov",
                "sign-title": "CEO",
                "sign-consent": "y",
                "sign-password": PASSWORD,
                "sign-submit": "Sign",
            },
        )
        refused(
            response, 403, "Not signed", "You cannot sign for Sabah Lab: you do not represent it."
        )


def test_a_ballot_with_another_parks_id_counts_for_the_users_own_park(
    client, session, park, delegate, other_park, open_initiative
):
    login(client, delegate)
    response = client.post(
        f"/initiatives/{open_initiative.id}/vote",
        data={
            "choice": "for",
            "park": other_park.id,
            "park_id": other_park.id,
            "user_id": other_park.id,
        },
    )
    assert response.status_code == 303
    ballots = session.scalars(
        select(Ballot).where(Ballot.initiative_id == open_initiative.id)
    ).all()
    assert [ballot.park_id for ballot in ballots] == [park.id]


def test_a_ballot_by_a_member_who_is_not_a_delegate_is_refused(
    client, session, member, other_park, open_initiative
):
    login(client, member)
    with nothing_changes(audited=True):
        response = client.post(
            f"/initiatives/{open_initiative.id}/vote",
            data={"choice": "for", "park_id": other_park.id},
        )
        refused(response, 403, "Only the delegate of Astana Hub casts its vote.")


def test_editing_another_parks_profile_is_refused(
    client, session, delegate, other_park, other_delegate
):
    login(client, delegate)
    with nothing_changes():
        refused(
            client.get(f"/members/{other_park.slug}/edit"), 403, "You do not have access to this"
        )
        refused(
            client.post(
                f"/members/{other_park.slug}/edit",
                data={"description": "Defaced", "website": "https://evil.example"},
            ),
            403,
            "You do not have access to this",
        )
    assert "Defaced" not in client.get(f"/members/{other_park.slug}").get_data(as_text=True)


def test_applications_cannot_be_read_by_guessing_ids_or_codes(client, session, member):
    submitted = submit_confirmed(session, application_input(), [Upload("statute.pdf", pdf_bytes())])
    application = submitted.application

    login(client, member)
    with nothing_changes():
        for application_id in (application.id, application.id + 1, 0):
            refused(client.get(f"/secretariat/applications/{application_id}"), 403)
            refused(client.get(f"/secretariat/applications/{application_id}/documents/1"), 403)
    client.post("/logout")
    with nothing_changes():
        code = submitted.tracking_code
        for guess in (
            str(application.id),
            application.tracking_code_hash,  # what a copy of the database holds
            code[:-1] + ("A" if code[-1] != "A" else "B"),
            "1' OR '1'='1",
            "x" * 500,
        ):
            page = refused(client.get(f"/apply/{guess}"), 404)
            assert application.contact_email not in page
            assert application.name_latin not in page


def test_another_users_calendar_feed_cannot_be_read_or_revoked(
    client, session, app, delegate, other_delegate
):
    from association.meetings.calendar import issue_calendar_token

    theirs = issue_calendar_token(session, other_delegate)
    login(client, delegate)
    with nothing_changes():
        for guess in (
            "x",
            theirs[:-1] + ("A" if theirs[-1] != "A" else "B"),
            theirs.upper(),
            "%00",
            "' OR 1=1 --",
        ):
            refused(client.get(f"/calendar/{guess}.ics"), 404)
        assert theirs not in client.get("/meetings/calendar").get_data(as_text=True)
    with nothing_changes(audited=True):
        client.post("/meetings/calendar/revoke", data={})
    assert app.test_client().get(f"/calendar/{theirs}.ics").status_code == 200


def test_a_replaced_calendar_feed_secret_stops_working(client, session, other_delegate):
    from association.meetings.calendar import issue_calendar_token

    old = issue_calendar_token(session, other_delegate)
    issue_calendar_token(session, other_delegate)
    with nothing_changes():
        refused(client.get(f"/calendar/{old}.ics"), 404)
    assert not re.search(r"BEGIN:VEVENT", client.get(f"/calendar/{old}.ics").get_data(as_text=True))
