import io
import re

import pytest
from sqlalchemy import func, select

from association.mail.models import OutboxMessage
from association.membership import documents, uploads
from association.membership.models import (
    Application,
    ApplicationDocument,
    ApplicationStatus,
    ParkProfile,
    ProvisionalUpload,
)
from association.membership.queries import find_by_tracking_code
from association.parks.models import ParkStatus, User
from tests.factories import csrf_token_from, login
from tests.membership.conftest import FORM, pdf_bytes
from tests.membership.test_service import png_bytes
from tests.security.conftest import nothing_changes

S = ApplicationStatus


@pytest.fixture(autouse=True)
def no_certificates(monkeypatch):
    """Page tests of admission run without the engine; test_certificates.py covers the certificate."""
    monkeypatch.setattr(documents, "ensure_certificate", lambda session, park, **_: None)


def post_application(client, files=(), **changes):
    data = {**FORM, **changes}
    data["documents"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post("/apply", data=data, content_type="multipart/form-data")


# --- the public application ---------------------------------------------------------------


def test_apply_page_shows_the_form(client):
    page = client.get("/apply").get_data(as_text=True)
    assert "Apply for membership" in page
    assert 'name="name_native"' in page
    assert 'type="file"' in page
    assert 'enctype="multipart/form-data"' in page


def test_submitting_redirects_to_the_tracking_page(client, session):
    response = post_application(client, files=[("statute.pdf", pdf_bytes())])
    assert response.status_code == 302
    application = session.scalar(select(Application))
    code = response.headers["Location"].removeprefix("/apply/")
    assert find_by_tracking_code(session, code) == application
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Technopark of Tajikistan" in page
    assert "Технопарки Тоҷикистон" in page
    assert "Submitted" in page
    assert "statute.pdf" in page


@pytest.mark.parametrize(
    "field",
    [
        "name_latin",
        "legal_entity",
        "country",
        "city",
        "year_founded",
        "resident_companies",
        "contact_name",
        "contact_email",
        "motivation",
    ],
)
def test_missing_required_field_is_shown_and_the_rest_is_kept(client, session, field):
    response = post_application(client, **{field: ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Please correct the fields marked below." in page
    assert "invalid-feedback" in page
    assert "Технопарки Тоҷикистон" in page or field == "name_native"
    assert "farrukh@technopark.tj" in page or field == "contact_email"
    assert session.scalar(select(func.count()).select_from(Application)) == 0


def test_invalid_e_mail_is_shown_and_kept(client, session):
    page = post_application(client, contact_email="farrukh-at-technopark").get_data(as_text=True)
    assert "Invalid email address." in page
    assert 'value="farrukh-at-technopark"' in page
    assert session.scalar(select(func.count()).select_from(Application)) == 0


def test_website_that_is_not_http_is_refused(client, session):
    page = post_application(client, website="ftp://technopark.tj").get_data(as_text=True)
    assert "http:// or https://" in page
    assert 'value="ftp://technopark.tj"' in page
    assert session.scalar(select(func.count()).select_from(Application)) == 0


def test_javascript_website_is_refused(client, session):
    page = post_application(client, website="javascript:alert(1)").get_data(as_text=True)
    assert "http:// or https://" in page
    assert session.scalar(select(func.count()).select_from(Application)) == 0


def test_country_that_is_not_iso_3166_is_refused(client, session):
    page = post_application(client, country="XX").get_data(as_text=True)
    assert "Not a valid choice" in page
    assert "Technopark of Tajikistan LLC" in page
    assert session.scalar(select(func.count()).select_from(Application)) == 0


def test_upload_that_is_not_a_pdf_by_content_is_refused(client, session):
    page = post_application(
        client, files=[("statute.pdf", b"\x89PNG\r\n\x1a\n not a pdf")]
    ).get_data(as_text=True)
    assert "statute.pdf is not a PDF document." in page
    assert "Технопарки Тоҷикистон" in page
    assert session.scalar(select(func.count()).select_from(Application)) == 0
    assert session.scalar(select(func.count()).select_from(ApplicationDocument)) == 0


def test_upload_over_10_mb_is_refused(client, session):
    big = pdf_bytes() + b"%" + b"x" * (10 * 1024 * 1024)
    page = post_application(client, files=[("annual-report.pdf", big)]).get_data(as_text=True)
    assert "annual-report.pdf is larger than 10 MB." in page
    assert session.scalar(select(func.count()).select_from(ApplicationDocument)) == 0


def test_a_sixth_document_is_refused(client, session):
    files = [(f"document-{n}.pdf", pdf_bytes()) for n in range(6)]
    page = post_application(client, files=files).get_data(as_text=True)
    assert "at most 5 documents" in page
    assert session.scalar(select(func.count()).select_from(Application)) == 0
    assert session.scalar(select(func.count()).select_from(ApplicationDocument)) == 0


def test_a_request_over_the_size_limit_gets_the_413_page(client, session):
    files = [(f"document-{n}.pdf", b"%PDF-" + b"x" * (11 * 1024 * 1024)) for n in range(5)]
    response = post_application(client, files=files)
    assert response.status_code == 413
    assert "The upload is too large" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Application)) == 0


def test_unknown_and_malformed_tracking_codes_are_404(client, make_application):
    make_application()
    unknown = client.get("/apply/" + "A" * 32)
    malformed = client.get("/apply/not%20a%20code!")
    assert unknown.status_code == malformed.status_code == 404
    # The same page but for the language switcher's form: the address it comes back to, and
    # its CSRF token (which carries the second it was made in).
    echoed = re.compile(r'name="(?:next|csrf_token)" value="[^"]*"')
    assert echoed.sub("", unknown.get_data(as_text=True)) == echoed.sub(
        "", malformed.get_data(as_text=True)
    )


@pytest.mark.csrf
def test_tracking_page_answer_adds_documents(client, session, make_tracked_application):
    submitted = make_tracked_application(S.INFORMATION_REQUESTED)
    application = submitted.application
    page = client.get(f"/apply/{submitted.tracking_code}").get_data(as_text=True)
    assert "Please send the statute." in page
    assert "Answer the secretariat" in page
    response = client.post(
        f"/apply/{submitted.tracking_code}/answer",
        content_type="multipart/form-data",
        data={
            "csrf_token": csrf_token_from(page),
            "answer": "The statute is attached.",
            "documents": [(io.BytesIO(pdf_bytes()), "statute.pdf")],
        },
    )
    assert response.status_code == 302
    session.expire_all()
    assert application.status == S.RESUBMITTED
    assert application.documents[0].filename == "statute.pdf"
    page = client.get(f"/apply/{submitted.tracking_code}").get_data(as_text=True)
    assert "The statute is attached." in page
    assert "Answer the secretariat" not in page


def test_answer_with_a_bad_document_shows_the_message_and_stores_nothing(
    client, session, make_tracked_application
):
    submitted = make_tracked_application(S.INFORMATION_REQUESTED)
    application = submitted.application
    response = client.post(
        f"/apply/{submitted.tracking_code}/answer",
        content_type="multipart/form-data",
        data={
            "answer": "See attached.",
            "documents": [(io.BytesIO(b"MZ executable"), "statute.pdf")],
        },
    )
    assert response.status_code == 200
    assert "is not a PDF document" in response.get_data(as_text=True)
    session.expire_all()
    assert application.status == S.INFORMATION_REQUESTED
    assert not application.messages[-1].kind == "answer"


def test_an_answer_whose_second_document_is_refused_commits_nothing(
    client, session, make_tracked_application
):
    # One request, one domain call: the answer and its documents are kept together or not at all.
    submitted = make_tracked_application(S.INFORMATION_REQUESTED)
    with nothing_changes():
        response = client.post(
            f"/apply/{submitted.tracking_code}/answer",
            content_type="multipart/form-data",
            data={
                "answer": "The statute and the report are attached.",
                "documents": [
                    (io.BytesIO(pdf_bytes()), "statute.pdf"),
                    (io.BytesIO(b"MZ executable"), "report.pdf"),
                ],
            },
        )
        assert response.status_code == 200
        assert "is not a PDF document" in response.get_data(as_text=True)


def test_reading_the_membership_pages_changes_nothing(
    client, session, secretariat, make_park, make_tracked_application
):
    submitted = make_tracked_application(S.INFORMATION_REQUESTED)
    park = make_park(status=ParkStatus.MEMBER)
    with nothing_changes():
        for path in (
            "/apply",
            f"/apply/{submitted.tracking_code}",
            "/members",
            f"/members/{park.slug}",
        ):
            assert client.get(path).status_code == 200, path
    login(client, secretariat)
    with nothing_changes():
        for path in (
            "/secretariat/applications",
            f"/secretariat/applications/{submitted.application.id}",
            f"/members/{park.slug}",
            f"/members/{park.slug}/edit",
        ):
            assert client.get(path).status_code == 200, path


def test_answer_when_nothing_was_asked_is_409(client, make_tracked_application):
    submitted = make_tracked_application(S.UNDER_REVIEW)
    response = client.post(f"/apply/{submitted.tracking_code}/answer", data={"answer": "Hello"})
    assert response.status_code == 409


def test_applicant_withdraws_through_the_tracking_page(client, session, make_tracked_application):
    submitted = make_tracked_application(S.UNDER_REVIEW)
    application = submitted.application
    response = client.post(f"/apply/{submitted.tracking_code}/withdraw", data={"confirm": "y"})
    assert response.status_code == 302
    session.expire_all()
    assert application.status == S.WITHDRAWN
    assert "The application was withdrawn." in client.get(
        f"/apply/{submitted.tracking_code}"
    ).get_data(as_text=True)


def test_withdrawing_a_decided_application_is_409(client, make_tracked_application):
    submitted = make_tracked_application(S.REJECTED)
    response = client.post(f"/apply/{submitted.tracking_code}/withdraw", data={"confirm": "y"})
    assert response.status_code == 409
    assert "cannot be withdrawn. Its status: Rejected" in response.get_data(as_text=True)


# --- the secretariat's review ----------------------------------------------------------------


def test_queue_lists_waiting_applications_and_filters(client, secretariat, make_application):
    make_application()
    make_application(name_latin="Palestine Technology Park", country="PS", status=S.REJECTED)
    login(client, secretariat)
    page = client.get("/secretariat/applications").get_data(as_text=True)
    assert "Technopark of Tajikistan" in page
    assert "Palestine Technology Park" not in page
    page = client.get("/secretariat/applications?status=rejected").get_data(as_text=True)
    assert "Palestine Technology Park" in page
    assert "Technopark of Tajikistan" not in page
    page = client.get("/secretariat/applications?status=all&country=PS").get_data(as_text=True)
    assert "Palestine Technology Park" in page
    assert "Technopark of Tajikistan" not in page


@pytest.mark.parametrize("path", ["/secretariat/applications", "/secretariat/applications/1"])
def test_members_cannot_see_the_review(client, delegate, make_application, path):
    make_application()
    login(client, delegate)
    assert client.get(path).status_code == 403


def test_visitors_are_sent_to_sign_in_for_the_review(client, make_application):
    make_application()
    response = client.get("/secretariat/applications/1")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_application_page_shows_documents_and_every_action(client, secretariat, make_application):
    application = make_application(
        S.UNDER_REVIEW, uploads=[uploads.Upload("statute.pdf", pdf_bytes())]
    )
    login(client, secretariat)
    page = client.get(f"/secretariat/applications/{application.id}").get_data(as_text=True)
    assert "statute.pdf" in page
    assert "Approve and admit" in page
    assert "Request information" in page
    assert "Reject" in page
    assert "Put to a vote of the members" in page


def test_secretariat_downloads_a_document(client, secretariat, make_application):
    content = pdf_bytes()
    application = make_application(uploads=[uploads.Upload("statute.pdf", content)])
    login(client, secretariat)
    response = client.get(
        f"/secretariat/applications/{application.id}/documents/{application.documents[0].id}"
    )
    assert response.status_code == 200
    assert response.data == content
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]


def test_a_document_of_another_application_is_404(client, secretariat, make_application):
    first = make_application(uploads=[uploads.Upload("a.pdf", pdf_bytes())])
    second = make_application()
    login(client, secretariat)
    assert (
        client.get(
            f"/secretariat/applications/{second.id}/documents/{first.documents[0].id}"
        ).status_code
        == 404
    )


def test_review_request_and_reject_through_the_pages(
    client, session, secretariat, make_tracked_application
):
    submitted = make_tracked_application()
    application = submitted.application
    login(client, secretariat)
    base = f"/secretariat/applications/{application.id}"
    assert client.post(f"{base}/review").status_code == 302
    assert (
        client.post(f"{base}/request", data={"question": "Your statute, please."}).status_code
        == 302
    )
    session.expire_all()
    assert application.status == S.INFORMATION_REQUESTED
    assert client.post(f"{base}/reject", data={"reason": ""}).status_code == 400
    assert client.post(f"{base}/reject", data={"reason": "Outside the region."}).status_code == 302
    session.expire_all()
    assert application.status == S.REJECTED
    assert application.decision_reason == "Outside the region."
    tracking = client.get(f"/apply/{submitted.tracking_code}").get_data(as_text=True)
    assert "Outside the region." in tracking


def test_approving_a_rejected_application_gives_a_clear_409_page(
    client, secretariat, make_application
):
    application = make_application(S.REJECTED)
    login(client, secretariat)
    response = client.post(
        f"/secretariat/applications/{application.id}/approve",
        data={"category": "member", "park": "0"},
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "This is not possible in the current state" in page
    assert "cannot be approved. Its status: Rejected" in page


def test_approval_through_the_page_admits_and_invites(
    client, session, secretariat, make_application
):
    application = make_application(S.UNDER_REVIEW)
    login(client, secretariat)
    response = client.post(
        f"/secretariat/applications/{application.id}/approve",
        data={"category": "observer", "park": "0", "reason": "Welcome."},
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "AMT-TJ-0001" in page
    assert "admitted as observer" in page
    contact = session.scalar(select(User).where(User.email == "farrukh@technopark.tj"))
    assert contact.park.status == ParkStatus.OBSERVER
    assert contact.is_delegate


def test_approval_form_proposes_the_existing_record_of_the_same_name(
    client, make_park, secretariat, make_application
):
    park = make_park("Technopark of Tajikistan", country="TJ", status=ParkStatus.OBSERVER)
    application = make_application(S.UNDER_REVIEW)
    login(client, secretariat)
    page = client.get(f"/secretariat/applications/{application.id}").get_data(as_text=True)
    assert f'<option selected value="{park.id}">' in page or f'value="{park.id}" selected' in page
    assert 'class="alert alert-warning"' not in page


def test_approval_form_offers_no_member_park_and_refuses_one_plainly(
    client, session, make_park, secretariat, make_application
):
    member = make_park("Technopark of Tajikistan", country="TJ")
    application = make_application(S.UNDER_REVIEW)
    login(client, secretariat)
    page = client.get(f"/secretariat/applications/{application.id}").get_data(as_text=True)
    assert f'value="{member.id}"' not in page
    assert 'class="alert alert-warning"' in page
    assert "is already a member of the association" in page
    response = client.post(
        f"/secretariat/applications/{application.id}/approve",
        data={"category": "member", "park": "0"},
    )
    assert response.status_code == 409
    assert (
        "is already a member of the association: an application cannot admit it again"
        in response.get_data(as_text=True)
    )
    session.expire_all()
    assert application.status == S.UNDER_REVIEW


def test_dashboard_shows_applications_waiting(client, secretariat, make_application):
    make_application()
    login(client, secretariat)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Application of Technopark of Tajikistan (TJ)" in page


def test_navigation_has_members_and_apply(client, secretariat):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/members"' in page
    assert 'href="/apply"' in page
    login(client, secretariat)
    assert 'href="/secretariat/applications"' in client.get("/secretariat/parks").get_data(
        as_text=True
    )


# --- the directory and profiles ---------------------------------------------------------------


def test_directory_groups_by_country_marks_observers_and_hides_withdrawn(client, make_park):
    make_park("Astana Hub", name_native="Астана Хаб", country="KZ")
    make_park("Technopark of Turkmenistan", country="TM", status=ParkStatus.OBSERVER)
    make_park("Gone Park", country="KZ", status=ParkStatus.WITHDRAWN)
    page = client.get("/members").get_data(as_text=True)
    assert "Kazakhstan" in page
    assert "Turkmenistan" in page
    assert "Астана Хаб" in page
    assert "observer" in page
    assert "Gone Park" not in page


def test_directory_search_by_name_in_either_script(client, make_park):
    make_park("Astana Hub", name_native="Астана Хаб", country="KZ")
    make_park("Sabah Lab", country="AZ")
    page = client.get("/members?q=Астана").get_data(as_text=True)
    assert "Astana Hub" in page
    assert "Sabah Lab" not in page
    assert "No park matches" in client.get("/members?q=nothing-like-this").get_data(as_text=True)


def test_public_profile_shows_the_park(client, park):
    page = client.get(f"/members/{park.slug}").get_data(as_text=True)
    assert "Astana Hub" in page
    assert "Астана Хаб" in page
    assert "Kazakhstan" in page
    assert park.membership_number in page
    assert "Edit the profile" not in page
    assert "certificate" not in page.lower()


def test_profile_of_a_withdrawn_park_or_unknown_slug_is_404(client, make_park):
    gone = make_park("Gone Park", status=ParkStatus.WITHDRAWN)
    assert client.get(f"/members/{gone.slug}").status_code == 404
    assert client.get("/members/no-such-park").status_code == 404


def test_delegate_edits_the_profile_with_a_logo(client, session, delegate, park):
    login(client, delegate)
    assert "Edit the profile" in client.get(f"/members/{park.slug}").get_data(as_text=True)
    logo = png_bytes()
    response = client.post(
        f"/members/{park.slug}/edit",
        content_type="multipart/form-data",
        data={
            "description": "The hub of Kazakhstan's startups.",
            "website": "https://astanahub.com",
            "logo": (io.BytesIO(logo), "logo.png"),
        },
    )
    assert response.status_code == 302
    page = client.get(f"/members/{park.slug}").get_data(as_text=True)
    assert "The hub of Kazakhstan&#39;s startups." in page
    assert f"/members/{park.slug}/logo" in page
    served = client.get(f"/members/{park.slug}/logo")
    assert served.data == logo
    assert served.mimetype == "image/png"
    assert (
        client.get(
            f"/members/{park.slug}/logo", headers={"If-None-Match": served.headers["ETag"]}
        ).status_code
        == 304
    )


def test_a_logo_that_is_not_an_image_is_refused_on_the_form(client, session, delegate, park):
    login(client, delegate)
    response = client.post(
        f"/members/{park.slug}/edit",
        content_type="multipart/form-data",
        data={
            "description": "Kept",
            "website": "",
            "logo": (io.BytesIO(b"<svg onload='x'/>"), "logo.png"),
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "PNG or JPEG" in page
    assert "Kept" in page
    assert session.scalar(select(ParkProfile)) is None


def test_a_reader_may_not_edit_the_profile(client, member, park):
    login(client, member)
    assert client.get(f"/members/{park.slug}/edit").status_code == 403


def test_visitors_are_sent_to_sign_in_to_edit(client, park):
    response = client.get(f"/members/{park.slug}/edit")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_no_logo_is_404(client, park):
    assert client.get(f"/members/{park.slug}/logo").status_code == 404


def test_submission_is_in_the_outbox(client, session):
    post_application(client)
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


# --- documents across a refused form, duplicates, names -------------------------------------


def kept_tokens(page: str) -> list[str]:
    return re.findall(r'name="kept" value="([^"]+)"', page)


def test_documents_are_kept_across_a_refused_form(client, session):
    content = pdf_bytes(title="statute")
    page = post_application(client, files=[("statute.pdf", content)], city="").get_data(
        as_text=True
    )
    assert "statute.pdf" in page
    assert "you need not attach them again" in page
    tokens = kept_tokens(page)
    assert len(tokens) == 1
    response = client.post(
        "/apply", data={**FORM, "kept": tokens}, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    document = session.scalar(select(ApplicationDocument))
    assert (document.filename, document.content) == ("statute.pdf", content)
    assert session.scalar(select(func.count()).select_from(ProvisionalUpload)) == 0


def test_an_unticked_kept_document_is_left_out(client, session):
    page = post_application(client, files=[("statute.pdf", pdf_bytes())], city="").get_data(
        as_text=True
    )
    assert kept_tokens(page)
    assert post_application(client).status_code == 302  # the box unticked: no "kept"
    assert session.scalar(select(func.count()).select_from(ApplicationDocument)) == 0


def test_a_document_that_cannot_be_kept_is_named_to_attach_again(client, session):
    page = post_application(
        client, files=[("scan.pdf", b"not a pdf"), ("statute.pdf", pdf_bytes())], city=""
    ).get_data(as_text=True)
    assert "Not kept, please attach again once corrected: scan.pdf." in page
    assert len(kept_tokens(page)) == 1


def test_a_kept_token_that_is_unknown_attaches_nothing(client, session):
    response = client.post(
        "/apply",
        data={**FORM, "kept": ["A" * 43, "bad token!"]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert session.scalar(select(func.count()).select_from(ApplicationDocument)) == 0


def test_the_website_error_is_shown_once(client, session):
    page = post_application(client, website="technopark.tj").get_data(as_text=True)
    assert page.count("A website address starts with http:// or https://.") == 1
    assert "Invalid URL" not in page


def test_the_same_pdf_twice_is_refused_as_a_duplicate(client, session):
    content = pdf_bytes()
    page = post_application(
        client, files=[("statute.pdf", content), ("statute (1).pdf", content)]
    ).get_data(as_text=True)
    assert "statute (1).pdf is the same file as statute.pdf, already attached" in page
    assert session.scalar(select(func.count()).select_from(Application)) == 0


def test_an_answer_with_a_document_already_attached_is_refused(
    client, session, make_tracked_application
):
    content = pdf_bytes(title="statute")
    submitted = make_tracked_application(
        S.INFORMATION_REQUESTED, uploads=[uploads.Upload("statute.pdf", content)]
    )
    page = client.post(
        f"/apply/{submitted.tracking_code}/answer",
        data={"answer": "Again", "documents": [(io.BytesIO(content), "again.pdf")]},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "again.pdf is the same file as statute.pdf, already attached" in page
    assert session.scalar(select(func.count()).select_from(ApplicationDocument)) == 1


def test_the_tracking_page_offers_its_link_to_copy(client, make_tracked_application):
    submitted = make_tracked_application()
    page = client.get(f"/apply/{submitted.tracking_code}").get_data(as_text=True)
    link = f"http://localhost/apply/{submitted.tracking_code}"
    assert f'id="tracking-link" type="text" value="{link}" readonly' in page
    assert 'data-copy="tracking-link"' in page
    assert "/static/copy.js" in page


@pytest.mark.parametrize(
    ("sent", "downloaded"),
    [
        ("statute.pdf", "filename=statute.pdf"),
        ('C:\\scans\\annual "report".pdf', 'filename="annual report.pdf"'),
        ("Устав парка.pdf", "filename*=UTF-8''%D0%A3%D1%81%D1%82%D0%B0%D0%B2"),
    ],
)
def test_a_document_downloads_under_its_cleaned_original_name(
    client, secretariat, make_application, sent, downloaded
):
    application = make_application(uploads=[uploads.Upload(sent, pdf_bytes())])
    login(client, secretariat)
    response = client.get(
        f"/secretariat/applications/{application.id}/documents/{application.documents[0].id}"
    )
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert downloaded in response.headers["Content-Disposition"]
