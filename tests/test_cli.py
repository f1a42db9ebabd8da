from flask_babel import force_locale, ngettext, refresh
from sqlalchemy import func, select, update

from association.audit.models import AuditEvent
from association.parks.models import Park, User
from tests.factories import login


def test_create_user_reads_the_password_from_stdin_and_can_sign_in(runner, client, session, park):
    result = runner.invoke(
        args=[
            "create-user",
            "aigerim@astanahub.example",
            "--name",
            "Aigerim Sadykova",
            "--park",
            park.slug,
            "--delegate",
        ],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    user = session.scalar(select(User).where(User.email == "aigerim@astanahub.example"))
    assert user.is_delegate
    assert user.park_id == park.id
    assert login(client, user, "a long enough password").status_code == 302


def test_create_user_with_an_existing_email_fails_and_changes_nothing(
    runner, session, park, delegate
):
    before = session.scalar(select(func.count()).select_from(User))
    result = runner.invoke(
        args=["create-user", delegate.email.upper(), "--name", "Someone Else", "--park", park.slug],
        input="a long enough password\n",
    )
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert session.scalar(select(func.count()).select_from(User)) == before


def test_create_user_with_unknown_park_fails(runner):
    result = runner.invoke(
        args=["create-user", "x@example.org", "--name", "X", "--park", "nowhere"],
        input="a long enough password\n",
    )
    assert result.exit_code != 0
    assert "No park" in result.output


def test_seed_demo_is_idempotent(runner, session):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "secretariat@demo.technoparks.example" in first.output
    counts = (
        session.scalar(select(func.count()).select_from(Park)),
        session.scalar(select(func.count()).select_from(User)),
    )
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    session.expire_all()
    assert (
        session.scalar(select(func.count()).select_from(Park)),
        session.scalar(select(func.count()).select_from(User)),
    ) == counts
    assert counts[0] == 9
    names = set(session.scalars(select(Park.name_native)))
    assert {"Астана Хаб", "IT Park Oʻzbekiston", "حديقة فلسطين التكنولوجية"} <= names


def test_audit_verify_passes_then_fails_after_tampering(runner, session):
    runner.invoke(args=["seed-demo"])
    ok = runner.invoke(args=["audit-verify"])
    assert ok.exit_code == 0
    assert "intact" in ok.output
    session.execute(
        update(AuditEvent).where(AuditEvent.seq == 5).values(actor_label="intruder@example.org")
    )
    session.commit()
    broken = runner.invoke(args=["audit-verify"])
    assert broken.exit_code == 1
    assert "event 5" in broken.output


def test_send_mail_without_a_server_says_so(runner):
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code != 0
    assert "MAIL_SERVER is not set" in result.output


def test_a_command_speaks_the_operators_language_and_an_unknown_one_reads_english(
    app, runner, session, make_park
):
    make_park()
    session.commit()
    app.config["COMMAND_LANGUAGE"] = "kk"
    kazakh = runner.invoke(args=["audit-verify"])
    assert kazakh.exit_code == 0, kazakh.output
    count = int(kazakh.output.split()[-2].rstrip("."))
    with force_locale("kk"):
        expected = ngettext(
            "Audit chain intact: %(num)d event.", "Audit chain intact: %(num)d events.", count
        )
    assert kazakh.output.strip() == expected
    assert "intact" not in expected
    app.config["COMMAND_LANGUAGE"] = "xx"
    refresh()  # the test's one app context keeps the locale it chose first
    assert "Audit chain intact" in runner.invoke(args=["audit-verify"]).output
