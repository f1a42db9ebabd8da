"""The memoranda's rules: every transition, and every refused one (audited, nothing changed)."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from sqlalchemy import func, select

from association.audit.log import verify_chain
from association.audit.models import AuditEvent
from association.domain import Conflict, Invalid, NotAllowed
from association.memoranda import circulation, drafting, issuing, outside, queries, signing, texts
from association.memoranda.models import (
    CirculationEnd,
    MemorandumStatus,
    Revision,
    Signature,
)
from tests.memoranda.conftest import TEXT_EN, TEXT_RU, TEXT_TR, last_mail_to, sign_as


def audited(session, action: str) -> int:
    return session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    )


def signature_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Signature))


# --- drafting ---------------------------------------------------------------------------


def test_a_new_memorandum_is_a_draft_with_revision_1(session, draft):
    assert draft.status == MemorandumStatus.DRAFT
    assert [r.number for r in draft.revisions] == [1]
    assert [t.language for t in draft.latest_revision.ordered_texts] == ["en", "ru"]


def test_every_save_is_a_new_revision(session, secretariat, draft):
    drafting.save_revision(
        session,
        secretariat,
        draft,
        title=draft.title,
        place="Astana",
        texts={"en": TEXT_EN + "\nMore.", "ru": TEXT_RU, "tr": TEXT_TR},
    )
    drafting.save_revision(
        session,
        secretariat,
        draft,
        title="Renamed",
        place="Astana",
        texts={"en": TEXT_EN + "\nMore.", "ru": TEXT_RU, "tr": TEXT_TR},
    )
    assert [r.number for r in draft.revisions] == [1, 2, 3]
    assert draft.revisions[0].text_in("en") == TEXT_EN.strip()
    assert draft.title == "Renamed"
    assert draft.revisions[1].title == "Memorandum of cooperation"


def test_a_save_without_changes_is_refused(session, secretariat, draft):
    with pytest.raises(Invalid, match="Nothing was changed"):
        drafting.save_revision(
            session,
            secretariat,
            draft,
            title=draft.title,
            place="Astana",
            texts={"en": TEXT_EN, "ru": TEXT_RU},
        )


def test_an_edit_from_a_stale_revision_is_refused(session, secretariat, draft):
    drafting.save_revision(
        session,
        secretariat,
        draft,
        title=draft.title,
        place="Astana",
        texts={"en": "Two."},
        base_number=1,
    )
    with pytest.raises(Conflict, match="Revision 2 was saved while you edited revision 1"):
        drafting.save_revision(
            session,
            secretariat,
            draft,
            title=draft.title,
            place="Astana",
            texts={"en": "Three."},
            base_number=1,
        )
    assert len(draft.revisions) == 2


def test_a_refused_revision_leaves_the_visibility_as_it_was(session, secretariat, draft):
    drafting.save_revision(
        session, secretariat, draft, title=draft.title, place="Astana", texts={"en": "Two."}
    )
    with pytest.raises(Conflict, match="Revision 2 was saved while you edited revision 1"):
        drafting.save_revision(
            session,
            secretariat,
            draft,
            title=draft.title,
            place="Astana",
            texts={"en": "Three."},
            base_number=1,
            public=True,
        )
    session.expire_all()
    assert draft.public is False
    assert audited(session, "memorandum.visibility_changed") == 0
    assert len(draft.revisions) == 2


def test_the_visibility_and_the_text_are_saved_together(session, secretariat, draft):
    revision = drafting.save_revision(
        session,
        secretariat,
        draft,
        title=draft.title,
        place="Astana",
        texts={"en": "Two."},
        base_number=1,
        public=True,
    )
    session.expire_all()
    assert (draft.public, revision.number) == (True, 2)
    assert audited(session, "memorandum.visibility_changed") == 1


def test_changing_only_the_visibility_adds_no_revision(session, secretariat, draft):
    latest = draft.latest_revision
    revision = drafting.save_revision(
        session,
        secretariat,
        draft,
        title=latest.title,
        place=latest.place,
        texts={text.language: text.body for text in latest.texts},
        base_number=1,
        public=True,
    )
    session.expire_all()
    assert (draft.public, revision.number, len(draft.revisions)) == (True, 1, 1)


@pytest.mark.parametrize(
    "text",
    [
        "Text <script>alert(1)</script>",
        "[click](javascript:alert(1))",
        '<img src=x onerror="alert(1)">',
        "<iframe src='https://evil.example'></iframe>",
    ],
)
def test_markdown_with_scripts_is_refused_and_audited(session, secretariat, draft, text):
    with pytest.raises(Invalid, match="HTML or a script link"):
        drafting.save_revision(
            session,
            secretariat,
            draft,
            title=draft.title,
            place="Astana",
            texts={"en": TEXT_EN, "ru": text},
        )
    session.expire_all()
    assert len(draft.revisions) == 1
    assert audited(session, "memorandum.unsafe_text_refused") == 1


def test_a_language_outside_the_list_is_refused(session, secretariat, draft):
    with pytest.raises(Invalid, match="not a language"):
        drafting.save_revision(
            session, secretariat, draft, title=draft.title, place="", texts={"fr": "Texte"}
        )


def test_a_member_cannot_draft(session, astana_signatory):
    with pytest.raises(NotAllowed):
        drafting.create_memorandum(session, astana_signatory, title="Mine", texts={"en": "Text"})


def test_the_final_clause_names_every_language_as_equally_authentic(session, secretariat, draft):
    revision = draft.latest_revision
    assert texts.authentic_clause(revision, "en") == (
        "Place of signature: Astana. This Memorandum is made in the following languages: English, Русский; "
        "all texts are equally authentic."
    )
    assert "одинаковую силу" in texts.authentic_clause(revision, "ru")


# --- circulation --------------------------------------------------------------------------


def test_circulation_freezes_the_text_and_emails_each_signatory(
    session, circulating, astana_signatory, sabah_signatory
):
    circulation = circulating.current_circulation
    assert circulating.status == MemorandumStatus.CIRCULATING
    assert circulation.sha256 == texts.text_sha256(circulation.revision, circulating.parties)
    assert len(circulation.sha256) == 64
    for user in (astana_signatory, sabah_signatory):
        mail = last_mail_to(session, user.email)
        assert f"/memoranda/{circulating.id}/sign" in mail.body
        assert circulation.sha256 in mail.body


def test_the_hash_covers_every_language_in_a_fixed_order(session, secretariat, draft):
    revision = draft.latest_revision
    text = texts.canonical_text(revision, draft.parties)
    assert text.index('"language":"en"') < text.index('"language":"ru"')
    assert "Стороны" in text  # canonical JSON keeps the letters, not escapes


def test_circulating_needs_two_parties(
    session, secretariat, make_memorandum, astana, astana_signatory
):
    memorandum = make_memorandum(astana)
    with pytest.raises(Invalid, match="at least two parties"):
        circulation.circulate(session, secretariat, memorandum)


def test_circulating_needs_a_signatory_for_every_park(
    session, secretariat, make_memorandum, astana, sabah, astana_signatory
):
    memorandum = make_memorandum(astana, sabah)
    with pytest.raises(Invalid, match="Sabah Lab has no active signatory"):
        circulation.circulate(session, secretariat, memorandum)
    assert memorandum.status == MemorandumStatus.DRAFT


def test_circulating_twice_is_refused_and_audited(session, secretariat, circulating):
    with pytest.raises(Conflict):
        circulation.circulate(session, secretariat, circulating)
    assert audited(session, "memorandum.circulate_refused") == 1
    assert len(circulating.circulations) == 1


def test_a_frozen_revision_cannot_be_changed_in_place(session, circulating):
    text = circulating.latest_revision.texts[0]
    text.body = "Quietly changed"
    with pytest.raises(Conflict, match="frozen"):
        session.flush()
    session.rollback()


def test_a_new_revision_ends_the_circulation_and_signatures_lapse(
    session, secretariat, circulating, astana_signatory, sabah_signatory
):
    sign_as(session, astana_signatory, circulating)
    first = circulating.current_circulation
    drafting.save_revision(
        session,
        secretariat,
        circulating,
        title=circulating.title,
        place="Astana",
        texts={"en": TEXT_EN + "\nArticle 3."},
    )
    assert first.end_reason == CirculationEnd.NEW_REVISION
    assert first.ended_at is not None
    assert circulating.status == MemorandumStatus.DRAFT
    assert circulating.current_circulation is None
    mail = last_mail_to(session, sabah_signatory.email)
    assert "lapsed" in mail.subject.lower() or "lapsed" in mail.body


def test_a_signature_on_revision_2_does_not_count_for_revision_3(
    session, secretariat, draft, astana_signatory, sabah_signatory
):
    drafting.save_revision(
        session, secretariat, draft, title=draft.title, place="Astana", texts={"en": "Revision 2"}
    )
    circulation.circulate(session, secretariat, draft)
    sign_as(session, astana_signatory, draft)
    drafting.save_revision(
        session, secretariat, draft, title=draft.title, place="Astana", texts={"en": "Revision 3"}
    )
    circulation.circulate(session, secretariat, draft)
    assert draft.current_circulation.revision.number == 3
    sign_as(session, sabah_signatory, draft)
    # Only Sabah Lab's signature is on revision 3: not signed by all, cannot be issued.
    assert draft.status == MemorandumStatus.CIRCULATING
    assert [s.party.name for s in draft.current_circulation.signatures] == ["Sabah Lab"]
    with pytest.raises(Conflict, match="waiting for: Astana Hub"):
        issuing.issue_memorandum(session, secretariat, draft, render=False)
    sign_as(session, astana_signatory, draft)
    assert draft.status == MemorandumStatus.SIGNED


def test_withdrawing_a_circulation_returns_to_draft(session, secretariat, circulating):
    circulation.withdraw_circulation(session, secretariat, circulating, "wrong annex")
    assert circulating.status == MemorandumStatus.DRAFT
    assert circulating.last_circulation.end_reason == CirculationEnd.WITHDRAWN


def test_parties_cannot_change_while_circulating(session, secretariat, circulating, make_park):
    with pytest.raises(Conflict, match="parties can change only"):
        drafting.add_member_party(session, secretariat, circulating, make_park("Late Park"))
    assert audited(session, "memorandum.parties_refused") == 1


# --- signing -------------------------------------------------------------------------------


def test_a_signature_keeps_its_evidence(session, circulating, astana_signatory):
    with time_machine.travel("2026-11-20 08:30:00+00:00", tick=False):
        signature = sign_as(session, astana_signatory, circulating)
    assert signature.user == astana_signatory
    assert signature.party.name == "Astana Hub"
    assert signature.signed_at.isoformat() == "2026-11-20T08:30:00+00:00"
    assert signature.ip == "192.0.2.7"
    assert signature.user_agent == "pytest browser"
    assert signature.revision_sha256 == circulating.current_circulation.sha256
    assert audited(session, "memorandum.signed") == 1


def test_when_every_party_has_signed_it_waits_to_be_issued(
    session, circulating, astana_signatory, sabah_signatory, secretariat
):
    sign_as(session, astana_signatory, circulating)
    sign_as(session, sabah_signatory, circulating)
    assert circulating.status == MemorandumStatus.SIGNED
    assert circulating.last_circulation.end_reason == CirculationEnd.COMPLETED
    assert "All parties have signed" in last_mail_to(session, secretariat.email).subject


def test_signing_a_draft_is_refused_and_audited(session, draft, astana_signatory):
    party = draft.parties[0]
    with pytest.raises(Conflict, match="is a draft"):
        signing.sign(
            session,
            astana_signatory,
            draft,
            party_id=party.id,
            circulation_id=None,
            full_name="Yerlan Nurpeisov",
            title="CEO",
            consent=True,
            password="correct horse battery staple",
        )
    assert signature_count(session) == 0
    assert audited(session, "memorandum.sign_refused") == 1


def test_signing_a_withdrawn_circulation_is_refused(
    session, secretariat, circulating, astana_signatory
):
    old = circulating.current_circulation.id
    drafting.save_revision(
        session,
        secretariat,
        circulating,
        title=circulating.title,
        place="Astana",
        texts={"en": "Changed"},
    )
    circulation.circulate(session, secretariat, circulating)
    with pytest.raises(Conflict, match="withdrawn"):
        sign_as(session, astana_signatory, circulating, circulation_id=old)
    assert signature_count(session) == 0
    assert audited(session, "memorandum.sign_refused") == 1


def test_signing_an_issued_memorandum_is_refused(
    session, secretariat, circulating, astana_signatory, sabah_signatory
):
    sign_as(session, astana_signatory, circulating)
    last = circulating.current_circulation.id
    sign_as(session, sabah_signatory, circulating)
    issuing.issue_memorandum(session, secretariat, circulating, render=False)
    party = circulating.parties[0]
    with pytest.raises(Conflict, match="already issued"):
        signing.sign(
            session,
            astana_signatory,
            circulating,
            party_id=party.id,
            circulation_id=last,
            full_name="x",
            title="y",
            consent=True,
            password="correct horse battery staple",
        )
    assert audited(session, "memorandum.sign_refused") == 1


def test_signing_for_another_park_is_refused(session, circulating, astana_signatory):
    sabah_party = circulating.parties[1]
    with pytest.raises(NotAllowed, match="do not represent"):
        sign_as(session, astana_signatory, circulating, party_id=sabah_party.id)
    assert signature_count(session) == 0
    assert audited(session, "memorandum.sign_refused") == 1


def test_signing_without_the_signatory_flag_is_refused(session, circulating, astana_reader):
    with pytest.raises(NotAllowed, match="not a signatory"):
        sign_as(session, astana_reader, circulating)
    assert signature_count(session) == 0
    assert audited(session, "memorandum.sign_refused") == 1


def test_a_wrong_password_is_refused_and_audited(session, circulating, astana_signatory):
    with pytest.raises(NotAllowed, match="password is not right"):
        sign_as(session, astana_signatory, circulating, password="not my password")
    assert signature_count(session) == 0
    assert audited(session, "memorandum.sign_wrong_password") == 1


def test_repeated_wrong_passwords_pause_signing(session, circulating, astana_signatory):
    with time_machine.travel("2026-11-20 08:00:00+00:00", tick=False) as clock:
        for _ in range(signing.MAX_WRONG_PASSWORDS):
            with pytest.raises(NotAllowed):
                sign_as(session, astana_signatory, circulating, password="guess")
        with pytest.raises(NotAllowed, match="Too many wrong passwords"):
            sign_as(session, astana_signatory, circulating)  # even the right one, for now
        assert audited(session, "memorandum.sign_throttled") == 1
        clock.shift(16 * 60)
        sign_as(session, astana_signatory, circulating)
    assert signature_count(session) == 1


def test_signing_needs_name_title_and_consent(session, circulating, astana_signatory):
    with pytest.raises(Invalid, match="tick the box"):
        sign_as(session, astana_signatory, circulating, consent=False)
    with pytest.raises(Invalid, match="full name and your title"):
        sign_as(session, astana_signatory, circulating, full_name="  ")
    assert signature_count(session) == 0


def test_a_party_signs_once(session, circulating, astana_signatory, astana_second_signatory):
    sign_as(session, astana_signatory, circulating)
    with pytest.raises(Conflict, match="already signed"):
        sign_as(session, astana_second_signatory, circulating)
    assert signature_count(session) == 1


def test_declining_stops_the_circulation_until_the_secretariat_acts(
    session, secretariat, circulating, sabah_signatory, astana_signatory
):
    signing.decline(
        session,
        sabah_signatory,
        circulating,
        party_id=circulating.parties[1].id,
        circulation_id=circulating.current_circulation.id,
        reason="Article 2 needs a budget line.",
    )
    assert circulating.status == MemorandumStatus.DECLINED
    assert circulating.last_circulation.end_reason == CirculationEnd.DECLINED
    assert "Article 2 needs a budget line." in last_mail_to(session, secretariat.email).body
    with pytest.raises(Conflict, match="declined"):
        sign_as(
            session, astana_signatory, circulating, circulation_id=circulating.last_circulation.id
        )
    circulation.circulate(session, secretariat, circulating)  # the secretariat acts
    assert circulating.status == MemorandumStatus.CIRCULATING
    assert len(circulating.circulations) == 2


def test_declining_needs_a_reason(session, circulating, sabah_signatory):
    with pytest.raises(Invalid, match="reason"):
        signing.decline(
            session,
            sabah_signatory,
            circulating,
            party_id=circulating.parties[1].id,
            circulation_id=circulating.current_circulation.id,
            reason=" ",
        )


def test_the_first_opening_of_the_sign_page_is_kept_with_the_signature(
    session, circulating, astana_signatory
):
    current, party = circulating.current_circulation, circulating.parties[0]
    with time_machine.travel("2026-11-20 08:00:00+00:00", tick=False):
        circulation.note_sign_page_opened(session, astana_signatory, current, party)
    with time_machine.travel("2026-11-20 09:00:00+00:00", tick=False):
        circulation.note_sign_page_opened(session, astana_signatory, current, party)
        signature = sign_as(session, astana_signatory, circulating)
    assert signature.first_opened_at.isoformat() == "2026-11-20T08:00:00+00:00"
    assert audited(session, "memorandum.sign_page_opened") == 1


# --- outside organisations --------------------------------------------------------------------


@pytest.fixture
def with_outside(
    session, secretariat, make_memorandum, astana, sabah, astana_signatory, sabah_signatory
):
    memorandum = make_memorandum(astana, sabah, outside=True)
    circulation.circulate(session, secretariat, memorandum)
    return memorandum


def test_an_outside_signatory_signs_with_the_emailed_code(session, with_outside):
    from tests.memoranda.conftest import outside_code, outside_token

    token = outside_token(session)
    outside.send_outside_code(session, token)
    signature = signing.sign_outside(
        session,
        token,
        code=outside_code(session),
        full_name="Daniyar Akhmetov",
        title="Chairman",
        consent=True,
        ip="198.51.100.4",
        user_agent="Firefox",
    )
    assert signature.user is None
    assert signature.method == "email_code"
    assert signature.party.name == "Digital Bridge Foundation"


def test_an_outside_link_works_once(session, with_outside):
    from tests.memoranda.conftest import outside_code, outside_token

    token = outside_token(session)
    outside.send_outside_code(session, token)
    signing.sign_outside(
        session,
        token,
        code=outside_code(session),
        full_name="D. Akhmetov",
        title="Chairman",
        consent=True,
    )
    with pytest.raises(Invalid, match="already been used"):
        signing.sign_outside(
            session,
            token,
            code=outside_code(session),
            full_name="D. Akhmetov",
            title="Chairman",
            consent=True,
        )
    assert audited(session, "memorandum.outside_link_refused") == 1
    assert signature_count(session) == 1


def test_an_expired_outside_link_is_refused(session, with_outside):
    from tests.memoranda.conftest import outside_token

    token = outside_token(session)
    with time_machine.travel(f"{date.today().year + 1}-06-01 00:00:00+00:00"):
        with pytest.raises(Invalid, match="expired"):
            outside.send_outside_code(session, token)
    assert audited(session, "memorandum.outside_link_refused") == 1


def test_a_wrong_code_is_refused_and_five_lock_the_link(session, with_outside):
    from tests.memoranda.conftest import outside_code, outside_token

    token = outside_token(session)
    outside.send_outside_code(session, token)
    right = outside_code(session)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(outside.MAX_WRONG_CODES):
        with pytest.raises(Invalid, match="code is not right"):
            signing.sign_outside(session, token, code=wrong, full_name="D", title="C", consent=True)
    with pytest.raises(Invalid, match="locked"):
        signing.sign_outside(session, token, code=right, full_name="D", title="C", consent=True)
    assert signature_count(session) == 0
    assert audited(session, "memorandum.outside_code_wrong") == outside.MAX_WRONG_CODES


def test_an_outside_link_of_a_withdrawn_circulation_is_refused(session, secretariat, with_outside):
    from tests.memoranda.conftest import outside_token

    token = outside_token(session)
    circulation.withdraw_circulation(session, secretariat, with_outside)
    with pytest.raises(Invalid, match="no longer out for signature"):
        outside.send_outside_code(session, token)


def test_a_new_link_replaces_the_old_one(session, secretariat, with_outside):
    from tests.memoranda.conftest import outside_token

    old = outside_token(session)
    outside.resend_outside_link(session, secretariat, with_outside.parties[2])
    new = outside_token(session)
    assert new != old
    with pytest.raises(Invalid, match="already been used"):
        outside.find_outside_link(session, old)
    assert outside.find_outside_link(session, new).party.name == "Digital Bridge Foundation"


# --- issuing and after ------------------------------------------------------------------------


@pytest.fixture
def signed(session, circulating, astana_signatory, sabah_signatory):
    sign_as(session, astana_signatory, circulating)
    sign_as(session, sabah_signatory, circulating)
    return circulating


def test_issuing_before_all_have_signed_is_refused_and_audited(
    session, secretariat, circulating, astana_signatory
):
    sign_as(session, astana_signatory, circulating)
    with pytest.raises(Conflict, match="waiting for: Sabah Lab"):
        issuing.issue_memorandum(session, secretariat, circulating, render=False)
    assert circulating.registry_number is None
    assert circulating.status == MemorandumStatus.CIRCULATING
    assert audited(session, "memorandum.issue_refused") == 1


def test_issuing_gives_the_next_number_of_the_year_of_signature(session, secretariat, signed):
    issuing.issue_memorandum(session, secretariat, signed, render=False)
    year = signed.last_circulation.signatures[-1].signed_at.year
    assert signed.registry_number == f"AMT/MOU/{year}/0001"
    assert signed.status == MemorandumStatus.IN_FORCE
    assert signed.issued_at is not None


def test_issuing_twice_is_refused(session, secretariat, signed):
    issuing.issue_memorandum(session, secretariat, signed, render=False)
    with pytest.raises(Conflict, match="already issued"):
        issuing.issue_memorandum(session, secretariat, signed, render=False)


def test_an_issued_memorandum_cannot_be_edited(session, secretariat, signed):
    issuing.issue_memorandum(session, secretariat, signed, render=False)
    with pytest.raises(Conflict, match="Amend it instead"):
        drafting.save_revision(
            session, secretariat, signed, title="Changed", place="Astana", texts={"en": "New"}
        )
    session.expire_all()
    assert len(signed.revisions) == 1
    assert audited(session, "memorandum.edit_refused") == 1


def test_terminating_keeps_the_date_and_reason(session, secretariat, signed):
    issuing.issue_memorandum(session, secretariat, signed, render=False)
    issuing.terminate(
        session, secretariat, signed, on=date(2030, 1, 1), reason="Replaced by the Charter."
    )
    assert signed.status == MemorandumStatus.TERMINATED
    assert signed.terminated_on == date(2030, 1, 1)
    with pytest.raises(Conflict):
        issuing.terminate(session, secretariat, signed, on=date(2030, 1, 2), reason="again")
    assert audited(session, "memorandum.terminate_refused") == 1


def test_terminating_a_draft_is_refused(session, secretariat, draft):
    with pytest.raises(Conflict, match="in force"):
        issuing.terminate(session, secretariat, draft, on=date(2030, 1, 1), reason="x")


def test_an_amendment_is_a_new_draft_that_refers_to_the_old_one(
    session, secretariat, signed, astana_signatory, sabah_signatory
):
    issuing.issue_memorandum(session, secretariat, signed, render=False)
    amendment = issuing.amend(session, secretariat, signed)
    assert amendment.status == MemorandumStatus.DRAFT
    assert amendment.amends == signed
    assert [p.name for p in amendment.parties] == ["Astana Hub", "Sabah Lab"]
    assert amendment.latest_revision.text_in("en") == signed.latest_revision.text_in("en")
    assert queries.amended_by(signed) == []
    drafting.save_revision(
        session,
        secretariat,
        amendment,
        title=amendment.title,
        place="Baku",
        texts={"en": "Article 2 is replaced."},
    )
    circulation.circulate(session, secretariat, amendment)
    sign_as(session, astana_signatory, amendment)
    sign_as(session, sabah_signatory, amendment)
    issuing.issue_memorandum(session, secretariat, amendment, render=False)
    assert queries.amended_by(signed) == [amendment]
    assert amendment.registry_number.endswith("/0002")


def test_registry_numbers_are_sequential_per_year(
    session, secretariat, make_memorandum, astana, sabah, astana_signatory, sabah_signatory
):
    numbers = []
    for year in (2025, 2025, 2026):
        with time_machine.travel(f"{year}-05-05 10:00:00+00:00", tick=False):
            memorandum = make_memorandum(astana, sabah, title=f"Memorandum {year}")
            circulation.circulate(session, secretariat, memorandum)
            sign_as(session, astana_signatory, memorandum)
            sign_as(session, sabah_signatory, memorandum)
            issuing.issue_memorandum(session, secretariat, memorandum, render=False)
            numbers.append(memorandum.registry_number)
    assert numbers == ["AMT/MOU/2025/0001", "AMT/MOU/2025/0002", "AMT/MOU/2026/0001"]


def test_the_whole_life_leaves_an_intact_audit_chain(session, secretariat, signed):
    issuing.issue_memorandum(session, secretariat, signed, render=False)
    actions = [
        e.action for e in queries.audit_events(session, signed, since=signed.last_circulation)
    ]
    assert actions == [
        "memorandum.circulated",
        "memorandum.signed",
        "memorandum.signed",
        "memorandum.fully_signed",
        "memorandum.issued",
    ]
    assert verify_chain(session).intact


def test_revisions_are_kept(session, signed):
    assert session.scalar(select(func.count()).select_from(Revision)) == 1
