"""Revision 0011: messages already in the outbox get their secrets marked, so that the outbox
page hides the reset links and codes written before the upgrade too."""

from flask_migrate import upgrade
from sqlalchemy import text

from association.database import utcnow
from association.extensions import db
from association.mail.models import OutboxMessage
from tests.test_migrations import bare_app  # noqa: F401  (the fixture)

RESET = "Set it here (the link works once, for 2 hours):\nhttp://localhost/reset/Ab3_x-9Zq7LmNoPq\n\nThanks."
CODE = 'Your confirmation code for signing "X" for Y is:\n\n  042917\n\nIt is valid for 30 minutes.'
PLAIN = "The vote is open: http://localhost/initiatives/12\n"


def test_upgrade_marks_the_secrets_of_messages_already_queued(bare_app):  # noqa: F811
    upgrade(revision="0009")
    for body in (RESET, CODE, PLAIN):
        db.session.execute(
            text(
                "INSERT INTO outbox_messages (recipient, subject, body, created_at, attempts,"
                " last_error) VALUES ('a@example.org', 'S', :body, :now, 0, '')"
            ),
            {"body": body, "now": utcnow()},
        )
    db.session.commit()
    db.session.close()

    upgrade()
    reset, code, plain = db.session.query(OutboxMessage).order_by(OutboxMessage.id).all()
    assert reset.body == RESET  # what send-mail will send is untouched
    assert "http://localhost/reset/••••\n" in reset.shown_body
    assert "Ab3_x-9Zq7LmNoPq" not in reset.shown_body
    assert "\n  ••••\n" in code.shown_body
    assert "042917" not in code.shown_body
    assert plain.shown_body == PLAIN
    assert reset.next_attempt_at is None
    assert reset.gave_up_at is None
