"""The memorandum's history, as the secretariat reads it on the page: each event a sentence."""

from __future__ import annotations

from association.audit.models import AuditEvent
from association.memoranda.presenters import event_sentence
from tests.factories import login


def test_the_history_reads_as_sentences_not_event_names(client, session, secretariat, circulating):
    login(client, secretariat)
    page = client.get(f"/memoranda/{circulating.id}").get_data(as_text=True)
    history = page.split(">History<", 1)[1]
    assert "memorandum." not in history
    assert "The draft was created as revision 1." in history
    assert "Astana Hub was added as a party." in history
    assert "Sabah Lab was added as a party." in history
    assert "Revision 1 was circulated for signature." in history


def test_an_event_without_a_sentence_reads_as_its_own_words(circulating):
    event = AuditEvent(action="memorandum.something_new", details="{}")
    assert event_sentence(event, circulating) == "Something new."
    broken = AuditEvent(action="memorandum.signed", details="{}")  # details missing
    assert event_sentence(broken, circulating) == "Signed."
