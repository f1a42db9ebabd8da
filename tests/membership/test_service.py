import pytest
from sqlalchemy import func, select, text

from association.audit.models import AuditEvent
from association.domain import Conflict, Invalid, NotAllowed
from association.mail.models import OutboxMessage
from association.membership import admission, applications, documents, profiles, queries, uploads
from association.membership.models import (
    Application,
    ApplicationDocument,
    ApplicationStatus,
    Category,
    MessageKind,
)
from association.parks.models import Park, ParkStatus, User
from association.tokens import token_digest
from tests.membership.conftest import application_input, pdf_bytes, submit_confirmed

S = ApplicationStatus


def _actions(session, secretariat, application):
    return {
        "start_review": lambda: applications.start_review(session, secretariat, application),
        "request_information": lambda: applications.request_information(
            session, secretariat, application, "More?"
        ),
        "answer": lambda: applications.answer_request(session, application, "An answer", []),
        "approve": lambda: admission.approve_application(
            session, secretariat, application, Category.MEMBER
        ),
        "reject": lambda: admission.reject_application(session, secretariat, application, "No"),
        "withdraw": lambda: applications.withdraw_application(session, application),
    }


ALLOWED = {
    "start_review": {S.SUBMITTED, S.RESUBMITTED},
    "request_information": {S.SUBMITTED, S.UNDER_REVIEW, S.RESUBMITTED},
    "answer": {S.INFORMATION_REQUESTED},
    "approve": {S.UNDER_REVIEW, S.RESUBMITTED},
    "reject": {S.SUBMITTED, S.UNDER_REVIEW, S.INFORMATION_REQUESTED, S.RESUBMITTED},
    "withdraw": {S.SUBMITTED, S.UNDER_REVIEW, S.INFORMATION_REQUESTED, S.RESUBMITTED},
}
REFUSED = [
    (action, status) for action, allowed in ALLOWED.items() for status in S if status not in allowed
]
PERMITTED = [(action, status) for action, allowed in ALLOWED.items() for status in sorted(allowed)]
RESULT = {
    "start_review": S.UNDER_REVIEW,
    "request_information": S.INFORMATION_REQUESTED,
    "answer": S.RESUBMITTED,
    "approve": S.APPROVED,
    "reject": S.REJECTED,
    "withdraw": S.WITHDRAWN,
}


# --- submitting -----------------------------------------------------------------------------


def test_submitting_stores_the_application_with_a_long_random_tracking_code(session):
    first = applications.submit_application(session, application_input(), [])
    second = applications.submit_application(session, application_input(), [])
    assert first.application.status == S.UNCONFIRMED
    assert len(first.tracking_code) >= 32
    assert first.tracking_code != second.tracking_code
    assert queries.find_by_tracking_code(session, first.tracking_code) == first.application


def test_the_database_holds_only_the_tracking_codes_digest(session):
    submitted = applications.submit_application(session, application_input(), [])
    columns = session.execute(text("SELECT * FROM applications")).mappings().one()
    assert submitted.tracking_code not in {str(value) for value in columns.values()}
    assert columns["tracking_code_hash"] == token_digest(submitted.tracking_code)


def test_confirming_e_mails_the_tracking_link_to_the_contact_person(session):
    submitted = submit_confirmed(session, application_input(), [])
    message = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()[-1]
    assert message.recipient == "farrukh@technopark.tj"
    assert f"http://localhost/apply/{submitted.tracking_code}" in message.body


def test_submitting_writes_the_audit_event(session):
    submit_confirmed(session, application_input(), [pdf_bytes_upload()])
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "application.submitted"))
    assert '"documents":1' in event.details


def pdf_bytes_upload(name="statute.pdf", content=None):
    return uploads.Upload(name, content if content is not None else pdf_bytes(title=name))


def test_documents_are_stored_with_their_sha256(session):
    submitted = applications.submit_application(session, application_input(), [pdf_bytes_upload()])
    document = submitted.application.documents[0]
    assert document.filename == "statute.pdf"
    assert document.size == len(document.content)
    assert len(document.sha256) == 64


def test_a_file_that_is_not_a_pdf_by_content_is_refused_and_nothing_is_stored(session):
    with pytest.raises(Invalid, match="not a PDF"):
        applications.submit_application(
            session, application_input(), [pdf_bytes_upload("fake.pdf", b"GIF89a not a pdf")]
        )
    assert session.scalar(select(func.count()).select_from(Application)) == 0
    assert session.scalar(select(func.count()).select_from(ApplicationDocument)) == 0


def test_a_file_with_a_pdf_header_that_cannot_be_opened_is_refused(session):
    with pytest.raises(Invalid, match="can be opened"):
        applications.submit_application(
            session, application_input(), [pdf_bytes_upload("broken.pdf", b"%PDF-1.7\ngarbage")]
        )


def test_a_pdf_over_10_mb_is_refused(session):
    big = pdf_bytes() + b"%" + b"x" * (10 * 1024 * 1024)
    with pytest.raises(Invalid, match="larger than 10 MB"):
        applications.submit_application(
            session, application_input(), [pdf_bytes_upload("big.pdf", big)]
        )
    assert session.scalar(select(func.count()).select_from(Application)) == 0


def test_a_sixth_document_is_refused_and_nothing_is_stored(session):
    with pytest.raises(Invalid, match="at most 5"):
        applications.submit_application(
            session, application_input(), [pdf_bytes_upload(f"{n}.pdf") for n in range(6)]
        )
    assert session.scalar(select(func.count()).select_from(ApplicationDocument)) == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"contact_email": "not-an-address"}, "valid e-mail"),
        ({"website": "ftp://technopark.tj"}, "http"),
        ({"country": "XX"}, "ISO 3166"),
        ({"name_latin": "  "}, "Latin script"),
        ({"motivation": ""}, "why the park"),
    ],
)
def test_bad_input_is_refused_by_the_domain_too(session, overrides, message):
    with pytest.raises(Invalid, match=message):
        applications.submit_application(session, application_input(**overrides), [])


def test_unknown_or_malformed_tracking_codes_find_nothing(session, make_application):
    make_application()
    assert queries.find_by_tracking_code(session, "x" * 32) is None
    assert queries.find_by_tracking_code(session, "../../etc/passwd") is None
    assert queries.find_by_tracking_code(session, "") is None


# --- every transition, and every refused one -------------------------------------------------


@pytest.mark.parametrize(("action", "status"), PERMITTED)
def test_permitted_transition_moves_the_application_and_tells_the_applicant(
    session, secretariat, make_application, action, status
):
    application = make_application(status)
    mails_before = session.scalar(select(func.count()).select_from(OutboxMessage))
    _actions(session, secretariat, application)[action]()
    session.expire_all()
    assert application.status == RESULT[action]
    assert application.history[-1].to_status == RESULT[action]
    applicant_mails = session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.recipient == application.contact_email)
    )
    assert applicant_mails > 0
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) > mails_before


@pytest.mark.parametrize(("action", "status"), REFUSED)
def test_impossible_transition_is_refused_with_conflict_and_changes_nothing(
    session, secretariat, make_application, action, status
):
    application = make_application(status)
    events_before = session.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(Conflict):
        _actions(session, secretariat, application)[action]()
    session.expire_all()
    assert application.status == status
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == events_before


def test_approving_a_rejected_application_says_why(session, secretariat, make_application):
    application = make_application(S.REJECTED)
    with pytest.raises(Conflict, match="cannot be approved. Its status: Rejected"):
        admission.approve_application(session, secretariat, application, Category.MEMBER)


def test_a_member_representative_cannot_review(session, delegate, make_application):
    application = make_application()
    with pytest.raises(NotAllowed):
        applications.start_review(session, delegate, application)
    with pytest.raises(NotAllowed):
        admission.reject_application(session, delegate, application, "no")


def test_rejection_needs_a_reason(session, secretariat, make_application):
    with pytest.raises(Invalid):
        admission.reject_application(session, secretariat, make_application(), "  ")


def test_request_for_information_is_kept_as_a_message_and_e_mailed(
    session, secretariat, make_application
):
    application = make_application(S.UNDER_REVIEW)
    applications.request_information(session, secretariat, application, "Please send your statute.")
    assert application.messages[-1].kind == MessageKind.REQUEST
    assert "Please send your statute." in session.scalars(select(OutboxMessage.body)).all()[-1]


def test_answer_can_add_documents_up_to_five_in_all(session, make_application):
    application = make_application(
        S.INFORMATION_REQUESTED, uploads=[pdf_bytes_upload(f"{n}.pdf") for n in range(4)]
    )
    with pytest.raises(Invalid, match="at most 5"):
        applications.answer_request(
            session, application, "Two more", [pdf_bytes_upload("a.pdf"), pdf_bytes_upload("b.pdf")]
        )
    session.expire_all()
    assert len(application.documents) == 4
    assert application.status == S.INFORMATION_REQUESTED
    applications.answer_request(session, application, "One more", [pdf_bytes_upload("statute.pdf")])
    session.expire_all()
    assert len(application.documents) == 5
    assert application.messages[-1].documents[0].filename == "statute.pdf"


def test_rejection_by_vote_names_the_initiative_in_the_audit(session, make_application):
    application = make_application(S.UNDER_REVIEW)
    admission.reject_application(
        session, None, application, "The admission vote failed.", initiative=17
    )
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "application.rejected"))
    assert event.actor_id is None
    assert '"by":"vote"' in event.details
    assert '"initiative_id":17' in event.details


# --- admission --------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def no_certificates(monkeypatch):
    """Domain tests run without the document engine (tests/membership/test_certificates.py covers it)."""
    monkeypatch.setattr(documents, "ensure_certificate", lambda session, park, **_: None)


def test_approval_creates_the_park_with_a_membership_number_and_invites_the_contact(
    session, secretariat, make_application, no_certificates
):
    application = make_application(S.UNDER_REVIEW)
    park = admission.approve_application(session, secretariat, application, Category.MEMBER)
    assert park.status == ParkStatus.MEMBER
    assert park.membership_number == "AMT-TJ-0001"
    assert park.member_since is not None
    assert park.name_native == "Технопарки Тоҷикистон"
    contact = session.scalar(select(User).where(User.email == "farrukh@technopark.tj"))
    assert contact.park == park
    assert contact.is_delegate
    assert contact.is_signatory
    assert not contact.has_password
    invitation = session.scalar(
        select(OutboxMessage).where(OutboxMessage.subject.contains("Your account"))
    )
    assert invitation.recipient == "farrukh@technopark.tj"
    assert "/invitation/" in invitation.body
    assert application.park == park
    assert application.category_decided == Category.MEMBER


def test_approval_as_observer_links_an_existing_observer_record(
    session, secretariat, make_park, make_application, no_certificates
):
    existing = make_park("Technopark of Tajikistan", country="TJ", status=ParkStatus.OBSERVER)
    number = existing.membership_number
    application = make_application(S.UNDER_REVIEW)
    park = admission.approve_application(
        session, secretariat, application, Category.MEMBER, park=existing
    )
    assert park.id == existing.id
    assert park.status == ParkStatus.MEMBER
    assert park.membership_number == number  # kept: numbers never change
    assert park.status_history[0].reason == "Admitted on application"
    assert session.scalar(select(func.count()).select_from(Park)) == 1


@pytest.mark.parametrize(
    ("status", "category", "message"),
    [
        (ParkStatus.MEMBER, Category.MEMBER, "is already a member of the association"),
        (ParkStatus.MEMBER, Category.OBSERVER, "is already a member of the association"),
        (ParkStatus.SUSPENDED, Category.MEMBER, "is a suspended member: lift the suspension"),
    ],
)
@pytest.mark.parametrize("linked", [True, False], ids=["linked", "as a new park"])
def test_an_application_never_admits_a_park_already_admitted(
    session, secretariat, make_park, make_user, make_application, status, category, message, linked
):
    # Anyone can apply in an existing park's name; approving that would make the applicant a
    # delegate and signatory of the park, with its ballots and signature.
    existing = make_park("Technopark of Tajikistan", country="TJ", status=status)
    own_delegate = make_user(park=existing, delegate=True)
    application = make_application(S.UNDER_REVIEW, contact_email="someone@elsewhere.example")
    users_before = session.scalar(select(func.count()).select_from(User))
    with pytest.raises(Conflict, match=message):
        admission.approve_application(
            session, secretariat, application, category, park=existing if linked else None
        )
    session.expire_all()
    assert application.status == S.UNDER_REVIEW
    assert existing.status == status
    assert session.scalar(select(func.count()).select_from(User)) == users_before
    assert session.scalar(select(func.count()).select_from(Park)) == 1
    assert [u.id for u in existing.users] == [own_delegate.id]


def test_a_new_park_is_not_created_beside_an_observer_of_the_same_name(
    session, secretariat, make_park, make_application
):
    make_park("Technopark of Tajikistan", country="TJ", status=ParkStatus.OBSERVER)
    with pytest.raises(Conflict, match="is already an observer: choose its record"):
        admission.approve_application(
            session, secretariat, make_application(S.UNDER_REVIEW), Category.MEMBER
        )
    assert session.scalar(select(func.count()).select_from(Park)) == 1


def test_membership_numbers_are_never_reused(
    session, secretariat, make_park, make_application, no_certificates
):
    gone = make_park("Old Park", country="TJ")
    from association.parks.service import change_park_status

    change_park_status(session, None, gone, ParkStatus.WITHDRAWN, "Left")
    park = admission.approve_application(
        session, secretariat, make_application(S.UNDER_REVIEW), Category.MEMBER
    )
    assert park.membership_number == "AMT-TJ-0002"
    assert gone.membership_number == "AMT-TJ-0001"


def test_approval_links_an_existing_account_of_the_contact(
    session, secretariat, make_park, make_user, make_application, no_certificates
):
    observer = make_park("Technopark of Tajikistan", country="TJ", status=ParkStatus.OBSERVER)
    reader = make_user(park=observer, email="farrukh@technopark.tj")
    users_before = session.scalar(select(func.count()).select_from(User))
    admission.approve_application(
        session, secretariat, make_application(S.UNDER_REVIEW), Category.MEMBER, park=observer
    )
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(User)) == users_before
    assert reader.park == observer
    assert reader.is_delegate
    assert reader.is_signatory


def test_approval_with_a_secretariat_address_does_not_fail(
    session, secretariat, make_application, no_certificates
):
    application = make_application(S.UNDER_REVIEW, contact_email="secretariat@example.org")
    park = admission.approve_application(session, secretariat, application, Category.MEMBER)
    session.expire_all()
    assert secretariat.park is None
    assert park.status == ParkStatus.MEMBER
    assert session.scalar(
        select(AuditEvent).where(AuditEvent.action == "user.not_linked_on_admission")
    )


def test_approval_by_vote_has_no_actor_and_names_the_initiative(
    session, make_application, no_certificates
):
    application = make_application(S.UNDER_REVIEW)
    admission.approve_application(session, None, application, Category.MEMBER, initiative=5)
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "application.approved"))
    assert event.actor_id is None
    assert '"initiative_id":5' in event.details


def test_approval_e_mails_the_applicant(session, secretariat, make_application, no_certificates):
    admission.approve_application(
        session, secretariat, make_application(S.UNDER_REVIEW), Category.OBSERVER
    )
    welcome = session.scalar(select(OutboxMessage).where(OutboxMessage.subject.contains("Welcome")))
    assert "as an observer" in welcome.body
    assert "AMT-TJ-0001" in welcome.body


# --- profiles ---------------------------------------------------------------------------------


def png_bytes(size=(64, 32), kind="PNG") -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 79, 92)).save(buffer, kind)
    return buffer.getvalue()


def test_a_delegate_edits_the_profile(session, delegate, park):
    profile = profiles.update_profile(
        session,
        delegate,
        park,
        description="A hub for startups.",
        website="https://astanahub.com",
        logo=png_bytes(),
    )
    assert profile.description == "A hub for startups."
    assert profile.logo_type == "image/png"
    assert park.website == "https://astanahub.com"


def test_a_reader_cannot_edit_the_profile(session, member, park):
    with pytest.raises(NotAllowed):
        profiles.update_profile(session, member, park, description="x", website="")


def test_a_delegate_of_another_park_cannot_edit_the_profile(session, make_park, make_user, park):
    other = make_user(park=make_park("Sabah Lab", country="AZ"), delegate=True)
    with pytest.raises(NotAllowed):
        profiles.update_profile(session, other, park, description="x", website="")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"GIF89a" + b"\0" * 100, "PNG or JPEG"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "PNG or JPEG"),
        (b"\x89PNG" + b"x" * (1024 * 1024), "at most 1 MB"),
    ],
)
def test_a_logo_that_is_not_a_small_png_or_jpeg_is_refused(
    session, delegate, park, content, message
):
    with pytest.raises(Invalid, match=message):
        profiles.update_profile(session, delegate, park, description="", website="", logo=content)


def test_a_logo_larger_than_2000_pixels_is_refused(session, delegate, park):
    with pytest.raises(Invalid, match="2000 pixels"):
        profiles.update_profile(
            session, delegate, park, description="", website="", logo=png_bytes((2400, 10))
        )


def test_a_jpeg_logo_is_accepted(session, delegate, park):
    profile = profiles.update_profile(
        session, delegate, park, description="", website="", logo=png_bytes(kind="JPEG")
    )
    assert profile.logo_type == "image/jpeg"
