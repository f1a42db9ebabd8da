"""Webhooks in words: what each event tells, and where a delivery stands."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from association.webhooks.models import EVENTS, TEST_EVENT

# One sentence per event, as the form offers them.
EVENT_SENTENCES = {
    "initiative.opened": _l("Voting opens on an initiative."),
    "initiative.closed": _l(
        "Voting closes: the frozen result (totals only, when the vote is secret)."
    ),
    "ballot.reminder": _l("Your park has not voted and voting closes within a day."),
    "meeting.scheduled": _l("A meeting is scheduled."),
    "meeting.changed": _l("A meeting changes: its times, place, agenda, or it is cancelled."),
    "minutes.published": _l("The minutes of a meeting are published."),
    "memorandum.circulated": _l("A memorandum your park is a party to is sent for signature."),
    "memorandum.signed": _l("A party signs a memorandum your park is a party to."),
    "memorandum.issued": _l("A memorandum your park is a party to is issued and in force."),
    "member.admitted": _l("The association admits a new member or observer."),
    "park.status_changed": _l("A park's status changes (member, observer, suspended, withdrawn)."),
    "residency.application_endorsed": _l(
        "A residency application of your park's startup, or to your park, is endorsed."
    ),
    "residency.decided": _l("A host park decides on a residency application of or to your park."),
    "residency.started": _l("A residency of your park's startup, or at your park, begins."),
}
assert set(EVENT_SENTENCES) == set(EVENTS)

DELIVERY_STATES = {
    "delivered": _l("delivered"),
    "given_up": _l("given up"),
    "retrying": _l("failed, will try again"),
    "queued": _l("waiting to be sent"),
}


def event_sentence(event: str) -> str:
    if event == TEST_EVENT:
        return str(_l("A test event, sent when you asked for it."))
    return str(EVENT_SENTENCES.get(event, event))
