"""The public application form cannot be used to flood the secretariat or to mail strangers:
submissions are limited per address and per e-mail, the first e-mail carries only a
confirmation link, an unconfirmed application reaches no one and is purged, and one
application's documents are bounded in total."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from association.database import utcnow
from association.domain import Conflict, Invalid
from association.extensions import db
from association.mail.models import OutboxMessage
from association.membership import applications
from association.membership.models import Application, ApplicationDocument, ApplicationStatus
from association.membership.uploads import Upload
from tests.factories import login
from tests.membership.conftest import FORM, application_input, pdf_bytes
from tests.security.conftest import nothing_changes, refused

SPAM = "Cheap watches at https://spam.example <b>now</b>"


@pytest.fixture
def app_config(app_config):
    # A small bound keeps the documents small; the default (20 MB) is the same rule.
    return {**app_config, "APPLICATION_DOCUMENTS_MAX_MB": 1}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def post(client, n: int = 0, files=(), **changes):
    data = {**FORM, "contact_email": f"contact{n}@technopark.tj", **changes}
    data["documents"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post("/apply", data=data, content_type="multipart/form-data")


def big_pdf(title: str, size: int) -> bytes:
    return pdf_bytes(title=title) + b"%" + b"x" * size


def confirmation_link(message: OutboxMessage) -> str:
    return re.search(r"http://localhost(/apply/\S+/confirm/\S+)", message.body).group(1)


# --- rate limits --------------------------------------------------------------------------


def test_submissions_from_one_address_are_limited(client, session):
    for n in range(5):
        assert post(client, n).status_code == 302
    with nothing_changes():
        refused(post(client, 99), 429, "Too many applications were sent from this address")
    assert count(Application) == 5


def test_refused_attempts_from_one_address_are_limited_too(client, session):
    for _n in range(30):
        assert post(client, city="").status_code == 200
    with nothing_changes():
        refused(post(client), 429, "Too many attempts from this address")


def test_one_e_mail_address_is_named_by_at_most_three_applications_a_day(client, session):
    for _n in range(3):
        applications.submit_application(session, application_input(), [])
    with nothing_changes(), pytest.raises(Invalid, match="At most 3 applications a day"):
        applications.submit_application(session, application_input(), [])
    with nothing_changes():
        page = refused(post(client, contact_email="FARRUKH@technopark.tj"), 200)
    assert "At most 3 applications a day may be sent for one e-mail address" in page


# --- confirmation of the contact e-mail ---------------------------------------------------------


def test_the_first_e_mail_carries_only_the_confirmation_link(client, session):
    fields = ("name_latin", "name_native", "legal_entity", "city", "contact_name", "motivation")
    post(client, **{field: f"{SPAM} {field}" for field in fields}, contact_title=SPAM)
    message = session.scalar(select(OutboxMessage))
    assert "spam" not in (message.subject + message.body).lower()
    assert "technopark of tajikistan" not in message.body.lower()
    assert confirmation_link(message)
    assert count(OutboxMessage) == 1


def test_an_unconfirmed_application_is_not_in_the_review_queue(client, session, secretariat):
    post(client, name_latin="Unconfirmed Park")
    application = session.scalar(select(Application))
    assert application.status == ApplicationStatus.UNCONFIRMED
    login(client, secretariat)
    for path in ("/secretariat/applications", "/secretariat/applications?status=all", "/"):
        assert "Unconfirmed Park" not in client.get(path).get_data(as_text=True)
    refused(client.get(f"/secretariat/applications/{application.id}"), 404)
    with pytest.raises(Conflict):
        applications.start_review(session, secretariat, application)


def test_the_tracking_code_alone_does_not_confirm(client, session):
    code = post(client).headers["Location"].rsplit("/", 1)[-1]
    with nothing_changes():
        refused(client.post(f"/apply/{code}/confirm/{'A' * 43}"), 404)
        refused(client.post(f"/apply/{code}/confirm/{code}"), 404)
    assert session.scalar(select(Application.status)) == ApplicationStatus.UNCONFIRMED


def test_the_e_mailed_link_confirms_and_queues_the_application(client, session, secretariat):
    post(client, name_latin="Confirmed Park")
    link = confirmation_link(session.scalar(select(OutboxMessage)))
    assert "Confirm my e-mail address" in client.get(link).get_data(as_text=True)
    # Opening the link changes nothing (mail scanners open links); the button confirms.
    assert session.scalar(select(Application.status)) == ApplicationStatus.UNCONFIRMED
    response = client.post(link)
    assert response.status_code == 302
    session.expire_all()
    assert session.scalar(select(Application.status)) == ApplicationStatus.SUBMITTED
    assert count(OutboxMessage) == 2  # now the tracking link, to a confirmed address
    login(client, secretariat)
    assert "Confirmed Park" in client.get("/secretariat/applications").get_data(as_text=True)


def test_the_purge_removes_unconfirmed_applications_after_the_window(runner, session):
    old = applications.submit_application(
        session, application_input(contact_email="a@x.example"), [Upload("s.pdf", pdf_bytes())]
    )
    recent = applications.submit_application(session, application_input(), [])
    confirmed = applications.submit_application(
        session, application_input(contact_email="b@x.example"), []
    )
    applications.confirm_application(
        session,
        confirmed.application,
        confirmed.confirmation_code,
        tracking_code=confirmed.tracking_code,
    )
    ids = [old.application.id, confirmed.application.id]
    session.execute(
        update(Application)
        .where(Application.id.in_(ids))
        .values(submitted_at=utcnow() - timedelta(hours=49))
    )
    session.commit()

    result = runner.invoke(args=["purge-unconfirmed-applications"])
    assert result.exit_code == 0, result.output
    assert "1 unconfirmed application older than 48 hours deleted" in result.output
    session.expire_all()
    assert set(session.scalars(select(Application.id))) == {
        recent.application.id,
        confirmed.application.id,
    }
    assert count(ApplicationDocument) == 0


# --- the documents of one application, in total ---------------------------------------------------


def test_documents_over_the_total_bound_are_refused_plainly(client, session):
    files = [(f"part-{n}.pdf", big_pdf(f"part {n}", 400 * 1024)) for n in range(3)]
    page = refused(post(client, files=files), 200)
    assert "may come to at most 1 MB in all; these come to 1.2 MB" in page
    assert count(Application) == 0
    assert count(ApplicationDocument) == 0


def test_a_request_far_over_the_total_bound_gets_a_page_that_says_the_bound(client, session):
    files = [(f"part-{n}.pdf", big_pdf(f"part {n}", 1024 * 1024)) for n in range(3)]
    with nothing_changes():
        refused(post(client, files=files), 413, "may come to at most 1 MB in all")


def test_answers_cannot_grow_an_application_past_the_bound(session, make_application):
    application = make_application(
        ApplicationStatus.INFORMATION_REQUESTED,
        uploads=[Upload("a.pdf", big_pdf("a", 600 * 1024))],
    )
    with nothing_changes(), pytest.raises(Invalid, match="at most 1 MB in all"):
        applications.answer_request(
            session, application, "More", [Upload("b.pdf", big_pdf("b", 600 * 1024))]
        )
