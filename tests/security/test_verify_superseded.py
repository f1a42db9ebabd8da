"""A file the association issued but that is no longer in force never gets the green
"issued and unchanged" alone at /verify: it is shown in amber, as superseded (with a link to
the current document) or as no longer in force (with what it stands for today)."""

import io

import pytest

from association.membership import documents
from association.parks.models import ParkStatus
from association.parks.service import change_park_status
from tests.membership.test_certificates import admitted  # noqa: F401  (a fixture)

GREEN = "Issued by the association and unchanged"


def _upload(client, content: bytes):
    return client.post(
        "/verify",
        data={"document": (io.BytesIO(content), "certificate.pdf")},
        content_type="multipart/form-data",
    )


@pytest.fixture
def superseded(session, secretariat, admitted):  # noqa: F811
    old = documents.current_certificate(session, admitted)
    new = documents.reissue_certificate(session, secretariat, admitted)
    return old, new


def test_a_superseded_certificate_is_amber_with_a_link_to_the_current_one(client, superseded):
    old, new = superseded
    page = _upload(client, old.content).get_data(as_text=True)
    assert GREEN not in page
    assert "alert-success" not in page
    assert "alert-warning" in page
    assert "superseded" in page
    assert f'href="/verify/{new.verification_code}"' in page


def test_twice_superseded_links_to_the_one_in_force(
    client,
    session,
    secretariat,
    admitted,  # noqa: F811
    superseded,
):
    old, _middle = superseded
    newest = documents.reissue_certificate(session, secretariat, admitted)
    page = _upload(client, old.content).get_data(as_text=True)
    assert f'href="/verify/{newest.verification_code}"' in page


def test_the_current_certificate_is_still_green(client, session, superseded):
    _old, new = superseded
    page = _upload(client, new.content).get_data(as_text=True)
    assert GREEN in page
    assert "alert-warning" not in page


def test_a_suspended_parks_certificate_is_amber_not_in_force(
    client,
    session,
    secretariat,
    admitted,  # noqa: F811
):
    content = documents.current_certificate(session, admitted).content
    change_park_status(session, secretariat, admitted, ParkStatus.SUSPENDED, "Dues unpaid")
    page = _upload(client, content).get_data(as_text=True)
    assert GREEN not in page
    assert "alert-success" not in page
    assert "alert-warning" in page
    assert "no longer in force" in page
    assert "not a member in good standing" in page
