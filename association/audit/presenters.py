"""The audit log in words: each event as a sentence a person reads, its actor by name."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from association.audit.models import AuditEvent

# "%(actor)s ... %(subject)s": one sentence per action; others fall back to a generic one.
SENTENCES: dict[str, Any] = {
    "login.succeeded": _l("%(actor)s signed in"),
    "login.failed": _l("%(actor)s failed to sign in"),
    "login.throttled": _l("Sign-in attempts for %(actor)s were throttled"),
    "logout": _l("%(actor)s signed out"),
    "password.changed": _l("%(actor)s changed their password"),
    "password_reset.requested": _l("%(actor)s asked for a password reset"),
    "password_reset.completed": _l("%(actor)s set a new password through a reset link"),
    "invitation.accepted": _l("%(actor)s accepted their invitation"),
    "second_factor.enabled": _l("%(actor)s set up a second factor"),
    "second_factor.enrolment_started": _l("%(actor)s began setting up a second factor"),
    "second_factor.verified": _l("%(actor)s passed the second-factor step"),
    "second_factor.reset": _l("%(actor)s reset the second factor of %(subject)s"),
    "second_factor.recovery_code_used": _l("%(actor)s used a recovery code"),
    "calendar_feed.issued": _l("%(actor)s made a calendar feed link"),
    "calendar_feed.revoked": _l("%(actor)s revoked a calendar feed link"),
    "park.created": _l("%(actor)s added the park %(subject)s"),
    "park.status_changed": _l("%(actor)s changed the status of %(subject)s"),
    "user.created": _l("%(actor)s created the account of %(subject)s"),
    "user.reinvited": _l("%(actor)s sent %(subject)s a new invitation"),
    "user.activated": _l("%(actor)s changed whether %(subject)s may sign in"),
    "user.role_changed": _l("%(actor)s changed the role of %(subject)s"),
    "user.duties_changed": _l("%(actor)s changed the park duties of %(subject)s"),
    "user.preferences_changed": _l("%(actor)s changed their preferences"),
    "application.submitted": _l("%(actor)s submitted the application of %(subject)s"),
    "application.review_started": _l("%(actor)s began reviewing the application of %(subject)s"),
    "application.information_requested": _l("%(actor)s asked %(subject)s for more information"),
    "application.answered": _l("%(actor)s answered on the application of %(subject)s"),
    "application.put_to_vote": _l("%(actor)s put the application of %(subject)s to a vote"),
    "application.approved": _l("%(actor)s approved the application of %(subject)s"),
    "application.rejected": _l("%(actor)s rejected the application of %(subject)s"),
    "application.withdrawn": _l("%(actor)s withdrew the application of %(subject)s"),
    "certificate.issued": _l("%(actor)s issued the membership certificate of %(subject)s"),
    "document.issued": _l("%(actor)s issued the document %(subject)s"),
    "document.superseded": _l("%(actor)s superseded the document %(subject)s"),
    "initiative.created": _l("%(actor)s drafted the initiative %(subject)s"),
    "initiative.scheduled": _l("%(actor)s scheduled the vote on %(subject)s"),
    "initiative.cancelled": _l("%(actor)s cancelled the initiative %(subject)s"),
    "initiative.attachment_added": _l("%(actor)s attached a file to %(subject)s"),
    "initiative.attachment_removed": _l("%(actor)s removed a file from %(subject)s"),
    "vote.opened": _l("%(actor)s opened the vote on %(subject)s"),
    "vote.closed": _l("%(actor)s closed the vote on %(subject)s"),
    "ballot.cast": _l("%(actor)s cast a ballot on %(subject)s"),
    "ballot.changed": _l("%(actor)s changed their ballot on %(subject)s"),
    "meeting.scheduled": _l("%(actor)s scheduled the meeting %(subject)s"),
    "meeting.rescheduled": _l("%(actor)s rescheduled the meeting %(subject)s"),
    "meeting.cancelled": _l("%(actor)s cancelled the meeting %(subject)s"),
    "meeting.held": _l("%(actor)s recorded that %(subject)s was held"),
    "meeting.attendance_recorded": _l("%(actor)s recorded attendance at %(subject)s"),
    "meeting.agenda_item_added": _l("%(actor)s added an agenda item to %(subject)s"),
    "meeting.agenda_item_updated": _l("%(actor)s edited an agenda item of %(subject)s"),
    "meeting.agenda_item_moved": _l("%(actor)s moved an agenda item of %(subject)s"),
    "meeting.agenda_item_removed": _l("%(actor)s removed an agenda item from %(subject)s"),
    "minutes.drafted": _l("%(actor)s drafted %(subject)s"),
    "minutes.edited": _l("%(actor)s edited %(subject)s"),
    "minutes.circulated": _l("%(actor)s circulated %(subject)s"),
    "minutes.put_to_vote": _l("%(actor)s put %(subject)s to a vote"),
    "minutes.approved": _l("%(actor)s approved %(subject)s"),
    "minutes.published": _l("%(actor)s published %(subject)s"),
    "minutes.returned_to_draft": _l("%(actor)s returned %(subject)s to draft"),
    "minutes.correction_started": _l("%(actor)s began a correction of %(subject)s"),
    "memorandum.created": _l("%(actor)s drafted the memorandum %(subject)s"),
    "memorandum.revised": _l("%(actor)s revised the memorandum %(subject)s"),
    "memorandum.party_added": _l("%(actor)s added a party to %(subject)s"),
    "memorandum.party_removed": _l("%(actor)s removed a party from %(subject)s"),
    "memorandum.document_language_changed": _l(
        "%(actor)s changed the language of the PDF of %(subject)s"
    ),
    "memorandum.circulated": _l("%(actor)s circulated %(subject)s for signature"),
    "memorandum.circulation_withdrawn": _l("%(actor)s withdrew %(subject)s from signature"),
    "memorandum.sign_page_opened": _l("%(actor)s opened the signing page of %(subject)s"),
    "memorandum.signed": _l("%(actor)s signed %(subject)s"),
    "memorandum.declined": _l("%(actor)s declined to sign %(subject)s"),
    "memorandum.issued": _l("%(actor)s issued %(subject)s"),
    "memorandum.terminated": _l("%(actor)s terminated %(subject)s"),
    "memorandum.amendment_drafted": _l("%(actor)s drafted an amendment to %(subject)s"),
    "memorandum.outside_code_sent": _l("%(actor)s sent a signing code for %(subject)s"),
    "memorandum.outside_link_resent": _l("%(actor)s resent a signing link for %(subject)s"),
    "residency.startup_registered": _l("%(actor)s registered the startup %(subject)s"),
    "residency.startup_confirmed": _l("%(actor)s confirmed the startup %(subject)s"),
    "residency.startup_declined": _l("%(actor)s declined to confirm the startup %(subject)s"),
    "residency.startup_listing_changed": _l(
        "%(actor)s changed whether %(subject)s is listed publicly"
    ),
    "residency.call_created": _l("%(actor)s drafted the residency call %(subject)s"),
    "residency.call_changed": _l("%(actor)s changed the residency call %(subject)s"),
    "residency.call_opened": _l("%(actor)s opened the residency call %(subject)s"),
    "residency.call_closed": _l("%(actor)s closed the residency call %(subject)s"),
    "residency.offer_created": _l("%(actor)s added a host offer to %(subject)s"),
    "residency.offer_changed": _l("%(actor)s changed a host offer in %(subject)s"),
    "residency.offer_removed": _l("%(actor)s removed a host offer from %(subject)s"),
    "residency.application_started": _l("%(actor)s began a residency application, %(subject)s"),
    "residency.application_saved": _l("%(actor)s saved the residency application %(subject)s"),
    "residency.document_attached": _l("%(actor)s attached a document to %(subject)s"),
    "residency.application_submitted": _l(
        "%(actor)s submitted the residency application %(subject)s"
    ),
    "residency.application_withdrawn": _l(
        "%(actor)s withdrew the residency application %(subject)s"
    ),
    "residency.application_endorsed": _l(
        "%(actor)s endorsed the residency application %(subject)s"
    ),
    "residency.endorsement_declined": _l(
        "%(actor)s declined to endorse the residency application %(subject)s"
    ),
    "residency.application_unplaced": _l(
        "%(actor)s recorded that %(subject)s ended without a residency"
    ),
    "residency.question_asked": _l("%(actor)s asked a question on %(subject)s"),
    "residency.question_answered": _l("%(actor)s answered a question on %(subject)s"),
    "residency.decided": _l("%(actor)s decided on the residency application %(subject)s"),
    "residency.freed_place_offered": _l("%(actor)s offered a freed place to %(subject)s"),
    "residency.offer_lapsed": _l("%(actor)s recorded that an offer to %(subject)s expired"),
    "residency.offer_accepted": _l("%(actor)s accepted the residency %(subject)s"),
    "residency.offer_declined": _l("%(actor)s declined a host's offer on %(subject)s"),
    "residency.offers_reminded": _l("%(actor)s reminded startups of offers about to expire"),
    "residency.checked_in": _l("%(actor)s checked in the residency %(subject)s"),
    "residency.extended": _l("%(actor)s extended the residency %(subject)s"),
    "residency.checked_out": _l("%(actor)s checked out the residency %(subject)s"),
    "residency.cut_short": _l(
        "%(actor)s recorded that the residency %(subject)s will not take place"
    ),
    "residency.final_report_submitted": _l(
        "%(actor)s submitted the final report of the residency %(subject)s"
    ),
    "residency.founders_removed": _l(
        "%(actor)s deleted the founders' personal data of %(subject)s"
    ),
    "api_token.created": _l("%(actor)s made the API token %(subject)s"),
    "api_token.used": _l("%(actor)s used the API token %(subject)s for the first time that day"),
    "api_token.revoked": _l("%(actor)s revoked the API token %(subject)s"),
    "webhook.endpoint_created": _l("%(actor)s registered the webhook endpoint %(subject)s"),
    "webhook.endpoint_removed": _l("%(actor)s removed the webhook endpoint %(subject)s"),
    "webhook.endpoint_reenabled": _l("%(actor)s re-enabled the webhook endpoint %(subject)s"),
    "webhook.endpoint_disabled": _l(
        "%(actor)s disabled the webhook endpoint %(subject)s after days of failed deliveries"
    ),
    "webhook.endpoint_paused": _l("%(actor)s disabled the webhook endpoint %(subject)s"),
    "webhook.test_sent": _l("%(actor)s sent a test event to the webhook endpoint %(subject)s"),
    "residency.documents_issued": _l(
        "%(actor)s issued the certificate and the letter of invitation of the residency %(subject)s"
    ),
    "residency.letters_removed": _l(
        "%(actor)s deleted the letters of invitation of the residency %(subject)s"
    ),
}
FALLBACK = _l("%(actor)s: %(action)s, %(subject)s")
NO_SUBJECT = _l("%(actor)s: %(action)s")


@dataclass(frozen=True)
class EventLine:
    """One event as the audit page shows it."""

    event: AuditEvent
    sentence: str
    actor: str
    details: list[tuple[str, str]]


def actor_name(event: AuditEvent, user: Any, park_name: str | None) -> str:
    """ "Aigerim Sadykova (Astana Hub)", "Dana Sekretar (secretariat)", or who acted without an account."""
    if user is not None:
        if park_name:
            return f"{user.full_name} ({park_name})"
        if getattr(user, "is_staff", False):
            return str(_l("%(name)s (secretariat)", name=user.full_name))
        return str(user.full_name)
    if event.actor_label:
        return event.actor_label
    if event.origin == "cli":
        return str(_l("The command line"))
    if not event.origin:  # no request and no command: the clock, a vote's outcome, the demo
        return str(_l("The association's system"))
    return str(_l("A visitor (not signed in)"))


def sentence(event: AuditEvent, actor: str, subject: str | None) -> str:
    template = SENTENCES.get(event.action)
    if template is None:
        template = FALLBACK if subject else NO_SUBJECT
    text = str(template) % {
        "actor": actor,
        "subject": subject or str(_l("something no longer recorded")),
        "action": event.action,
    }
    return text[:1].upper() + text[1:]


def details_of(event: AuditEvent) -> list[tuple[str, str]]:
    """The details as (name, value) rows; nested values stay compact JSON."""
    try:
        parsed = json.loads(event.details or "{}")
    except ValueError:
        return [("details", event.details)]
    if not isinstance(parsed, dict):
        return [("details", event.details)]
    rows = []
    for key, value in parsed.items():
        if value is None or value == "":
            continue
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        rows.append((key.replace("_", " "), shown))
    return rows
