"""How the memoranda pages word things: status labels, the text's Markdown and the
memorandum's history as sentences."""

from __future__ import annotations

import json
from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from association.languages import NAMES
from association.markdown import render_markdown
from association.memoranda.models import CirculationEnd, Memorandum, MemorandumStatus

# Keyed by the status's string value (a MemorandumStatus is one), as templates pass it.
STATUS_LABELS: dict[str, Any] = {
    MemorandumStatus.DRAFT: _l("draft"),
    MemorandumStatus.CIRCULATING: _l("out for signature"),
    MemorandumStatus.DECLINED: _l("declined"),
    MemorandumStatus.SIGNED: _l("signed by all, to be issued"),
    MemorandumStatus.IN_FORCE: _l("in force"),
    MemorandumStatus.TERMINATED: _l("terminated"),
}


# Why a circulation ended, after "ended <time> (...)".
END_LABELS: dict[str, Any] = {
    CirculationEnd.NEW_REVISION: _l("a new revision replaced the text"),
    CirculationEnd.WITHDRAWN: _l("withdrawn by the secretariat"),
    CirculationEnd.DECLINED: _l("a party declined to sign"),
    CirculationEnd.COMPLETED: _l("every party signed"),
}


def memorandum_status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def circulation_end_label(reason: str | None) -> str:
    return str(END_LABELS.get(reason or "", reason or ""))


def memo_markdown(text: str) -> Markup:
    return render_markdown(text)


# Each event of a memorandum's history as a sentence; %(name)s are taken from the event's
# details (see _sentence_values). An action not listed reads as its own words.
EVENT_SENTENCES: dict[str, Any] = {
    "memorandum.created": _l("The draft was created as revision %(revision)s."),
    "memorandum.revised": _l("Revision %(revision)s was saved."),
    "memorandum.party_added": _l("%(party)s was added as a party."),
    "memorandum.party_removed": _l("%(party)s was removed as a party."),
    "memorandum.visibility_changed": _l("The memorandum was made %(visibility)s."),
    "memorandum.document_language_changed": _l(
        "The language of the PDF was changed from %(from_name)s to %(to_name)s."
    ),
    "memorandum.circulated": _l("Revision %(revision)s was circulated for signature."),
    "memorandum.circulation_withdrawn": _l(
        "The circulation was withdrawn; %(lapsed_signatures)s signature(s) lapsed."
    ),
    "memorandum.sign_page_opened": _l("The signatory of %(party)s opened the text to sign."),
    "memorandum.signed": _l("%(signer)s signed for %(party)s (%(method)s)."),
    "memorandum.fully_signed": _l("Every party has signed."),
    "memorandum.declined": _l("%(by)s declined for %(party)s: %(reason)s"),
    "memorandum.issued": _l("Issued as %(registry_number)s, with its sealed PDF."),
    "memorandum.amended": _l("Amended by %(amended_by)s."),
    "memorandum.amendment_drafted": _l("An amendment was drafted."),
    "memorandum.terminated": _l("Terminated on %(on)s: %(reason)s"),
    "memorandum.outside_link_resent": _l("A new signing link was sent to %(party)s."),
    "memorandum.outside_code_sent": _l("A confirmation code was e-mailed to %(to)s."),
    "memorandum.outside_code_wrong": _l("A wrong confirmation code was given for %(party)s."),
    "memorandum.outside_link_locked": _l("A signing link was locked after wrong codes."),
    "memorandum.sign_wrong_password": _l("A wrong password was given to sign for %(party)s."),
    "memorandum.sign_throttled": _l("Signing for %(party)s was paused after wrong passwords."),
    "memorandum.sign_refused": _l("A signature for %(party)s was refused."),
    "memorandum.decline_refused": _l("A decline for %(party)s was refused."),
    "memorandum.edit_refused": _l("An edit was refused: the memorandum is issued."),
    "memorandum.unsafe_text_refused": _l("A text holding HTML or a script was refused."),
}

# Each event of the circulation as the PDF's audit trail names it, in a word or two; an
# action not listed reads as its own words.
TRAIL_EVENTS: dict[str, Any] = {
    "memorandum.circulated": _l("circulated for signature"),
    "memorandum.sign_page_opened": _l("signing page opened"),
    "memorandum.signed": _l("signed"),
    "memorandum.fully_signed": _l("fully signed"),
    "memorandum.declined": _l("declined"),
    "memorandum.issued": _l("issued"),
    "memorandum.visibility_changed": _l("visibility changed"),
    "memorandum.document_language_changed": _l("language of the PDF changed"),
    "memorandum.outside_link_resent": _l("signing link sent again"),
    "memorandum.outside_code_sent": _l("confirmation code sent"),
    "memorandum.outside_code_wrong": _l("wrong confirmation code"),
    "memorandum.outside_link_locked": _l("signing link locked"),
    "memorandum.sign_wrong_password": _l("wrong password"),
    "memorandum.sign_throttled": _l("signing paused"),
    "memorandum.sign_refused": _l("signature refused"),
    "memorandum.decline_refused": _l("decline refused"),
}


def trail_event(action: str) -> str:
    """The event's name in the PDF's audit trail, in the language _() speaks now."""
    label = TRAIL_EVENTS.get(action)
    return str(label) if label is not None else action.split(".", 1)[-1].replace("_", " ")


_METHODS: dict[str, Any] = {
    "password": _l("confirmed with the password"),
    "email_code": _l("confirmed with an e-mailed code"),
    "paper": _l("on paper"),
}


def _sentence_values(details: dict[str, Any], memorandum: Memorandum) -> dict[str, Any]:
    values: dict[str, Any] = {key: value for key, value in details.items() if value is not None}
    party = details.get("party")
    if isinstance(party, int):  # party_added names the party by id
        named = next((p.name for p in memorandum.parties if p.id == party), None)
        values["party"] = named or details.get("park") or details.get("organisation") or "—"
    if "public" in details:
        values["visibility"] = _l("public") if details["public"] else _l("private")
    if "method" in details:
        values["method"] = _METHODS.get(details["method"], details["method"])
    for end in ("from", "to"):
        if isinstance(details.get(end), str):
            values[f"{end}_name"] = NAMES.get(details[end], details[end])
    return values


def event_sentence(event: Any, memorandum: Memorandum) -> str:
    """The audit event as a sentence a person reads on the memorandum's page."""
    template = EVENT_SENTENCES.get(event.action)
    fallback = event.action.split(".", 1)[-1].replace("_", " ").capitalize() + "."
    if template is None:
        return fallback
    try:
        details = json.loads(event.details or "{}")
        return str(template) % _sentence_values(details, memorandum)
    except (KeyError, TypeError, ValueError):
        return fallback
