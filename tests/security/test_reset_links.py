"""One password reset cancels the others: using a link, or changing the password any other
way, voids every other open reset link of the user."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from association.auth import service
from association.domain import Invalid
from association.mail.models import OutboxMessage
from tests.factories import PASSWORD


def _reset_links(session, user, count: int) -> list[str]:
    for _ in range(count):
        service.request_password_reset(session, user.email)
    bodies = session.scalars(
        select(OutboxMessage.body)
        .where(OutboxMessage.recipient == user.email)
        .order_by(OutboxMessage.id.desc())
        .limit(count)
    ).all()
    return [body.split("/reset/")[1].split()[0] for body in bodies]


def test_using_one_reset_link_voids_the_others(session, delegate):
    first, second = _reset_links(session, delegate, 2)
    service.reset_password(session, first, "my brand new passphrase")
    with pytest.raises(Invalid, match="already been used"):
        service.reset_password(session, second, "an attacker's passphrase")


def test_the_voided_link_is_refused_on_the_web_too(client, session, delegate):
    first, second = _reset_links(session, delegate, 2)
    service.reset_password(session, first, "my brand new passphrase")
    response = client.get(f"/reset/{second}")
    assert response.status_code == 410
    assert "already been used" in response.get_data(as_text=True)


def test_changing_the_password_voids_every_open_reset_link(session, delegate):
    (link,) = _reset_links(session, delegate, 1)
    service.change_password(session, delegate, PASSWORD, "my brand new passphrase")
    with pytest.raises(Invalid, match="already been used"):
        service.reset_password(session, link, "an attacker's passphrase")
