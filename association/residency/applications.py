"""A startup's application in a call: drafted, submitted to its home park, endorsed (or not)
by it, or withdrawn. Only an endorsed application reaches its hosts (association.residency.
decisions), each of which then decides on its own choice."""

from __future__ import annotations

import calendar
import hashlib
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from association.audit.log import record
from association.database import utcnow
from association.domain import Conflict, Invalid, NotAllowed, state_change
from association.history import stating_time
from association.membership.uploads import MEGABYTE, Upload, check_pdf, clean_filename
from association.parks.models import User
from association.parks.presenters import park_status_word
from association.parks.service import check_country
from association.residency import policy
from association.residency.announcements import announce_endorsed
from association.residency.models import (
    ApplicationStatus,
    CallStatus,
    ChoiceStatus,
    DocumentPurpose,
    Founder,
    HostChoice,
    HostOffer,
    ResidencyApplication,
    ResidencyCall,
    ResidencyDocument,
    Startup,
)
from association.residency.notifications import application_link, tell
from association.residency.startups import require_confirmed
from association.residency.words import status_label
from association.site import setting

# A startup applies to at most this many hosts, in order of preference.
MOST_HOSTS = 3
MOST_FOUNDERS = 10
STAGES = ("idea", "prototype", "revenue", "growth")
# Before it is placed, a startup may withdraw its application.
WITHDRAWABLE = (
    ApplicationStatus.DRAFT,
    ApplicationStatus.AWAITING_ENDORSEMENT,
    ApplicationStatus.ENDORSED,
)
# A choice in one of these has been settled: it holds nothing and waits for nothing.
SETTLED = (ChoiceStatus.REJECTED, ChoiceStatus.WITHDRAWN, ChoiceStatus.DECLINED)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has no such day)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def check_period(call: ResidencyCall, starts_on: date, ends_on: date) -> None:
    """A residency starts between the call's earliest and latest start and lasts between its
    shortest and longest length: from `starts_on` to the day before the same date
    `min_months` later at least, and to the same date `max_months` later at most."""
    if not call.earliest_start <= starts_on <= call.latest_start:
        raise Invalid(
            _(
                "A residency in this call starts between %(earliest)s and %(latest)s.",
                earliest=call.earliest_start.isoformat(),
                latest=call.latest_start.isoformat(),
            ),
            field="starts_on",
        )
    shortest = add_months(starts_on, call.min_months) - timedelta(days=1)
    longest = add_months(starts_on, call.max_months)
    if not shortest <= ends_on <= longest:
        raise Invalid(
            _(
                "A residency in this call lasts between %(min)d and %(max)d months: starting "
                "on %(start)s, it ends between %(shortest)s and %(longest)s.",
                min=call.min_months,
                max=call.max_months,
                start=starts_on.isoformat(),
                shortest=shortest.isoformat(),
                longest=longest.isoformat(),
            ),
            field="ends_on",
        )


def _require_window(call: ResidencyCall, now: datetime | None = None) -> None:
    today = (now or utcnow()).date()
    if call.status != CallStatus.OPEN or not (
        call.applications_open <= today <= call.applications_close
    ):
        raise Conflict(
            _(
                "The call %(title)s does not take applications now (it takes them from "
                "%(open)s to %(close)s while it is open).",
                title=call.title,
                open=call.applications_open.isoformat(),
                close=call.applications_close.isoformat(),
            )
        )


def _require_home_taking_part(application_or_startup) -> None:
    startup = getattr(application_or_startup, "startup", application_or_startup)
    park = startup.home_park
    if park.status not in policy.TAKING_PART:
        raise Conflict(
            _(
                "%(park)s, the startup's home park, is %(status)s: its startups cannot apply "
                "in the programme now.",
                park=park.name_latin,
                status=park_status_word(park.status),
            )
        )


def _require_draft(application: ResidencyApplication) -> None:
    if application.status != ApplicationStatus.DRAFT:
        raise Conflict(_("The application has been submitted: it can no longer be changed."))


def _require_founder_acting(founder: User, application: ResidencyApplication) -> None:
    policy.require_founder(founder, application.startup)
    require_confirmed(application.startup)


@state_change
def start_application(
    session: Session, founder: User, call, now: datetime | None = None
) -> ResidencyApplication:
    """The startup's draft application in the call: one per startup and call, while the call
    takes applications, for a confirmed startup whose home park takes part.
    `now` is when, when that was before it is recorded (association.history)."""
    if founder is None or founder.startup_id is None:
        raise NotAllowed(_("Only a startup's founder can apply."))
    startup = session.get_one(Startup, founder.startup_id)
    policy.require_founder(founder, startup)
    require_confirmed(startup)
    _require_home_taking_part(startup)
    _require_window(call, now)
    existing = session.scalar(
        select(ResidencyApplication.id).where(
            ResidencyApplication.call_id == call.id,
            ResidencyApplication.startup_id == startup.id,
        )
    )
    if existing is not None:
        raise Conflict(_("%(startup)s has already applied in this call.", startup=startup.name))
    application = ResidencyApplication(
        call=call,
        startup=startup,
        status=ApplicationStatus.DRAFT,
        sector=startup.sector,
        created_at=now or utcnow(),
        updated_at=now or utcnow(),
    )
    session.add(application)
    session.flush()
    record(
        session,
        "residency.application_started",
        actor=founder,
        subject=application,
        details=stating_time({"call": call.id, "startup": startup.id}, now),
    )
    return application


def _check_founders(people: list[dict]) -> list[dict]:
    if len(people) > MOST_FOUNDERS:
        raise Invalid(
            _("An application names at most %(most)d founders.", most=MOST_FOUNDERS),
            field="founders",
        )
    checked = []
    for person in people:
        full_name = (person.get("full_name") or "").strip()
        if not full_name:
            raise Invalid(_("Please give each founder's full name."), field="founders")
        born = person.get("date_of_birth")
        if born is not None and (not isinstance(born, date) or born >= utcnow().date()):
            raise Invalid(
                _("%(name)s's date of birth is not a past date.", name=full_name),
                field="founders",
            )
        checked.append(
            {
                "full_name": full_name,
                "nationality": check_country(person.get("nationality") or ""),
                "date_of_birth": born,
                "role": (person.get("role") or "").strip(),
            }
        )
    return checked


def _check_choices(
    application: ResidencyApplication, choices: list[tuple[HostOffer, str]]
) -> list[tuple[HostOffer, str]]:
    if len(choices) > MOST_HOSTS:
        raise Invalid(
            _("An application names at most %(most)d host parks.", most=MOST_HOSTS),
            field="choices",
        )
    seen: set[int] = set()
    home = application.startup.home_park
    for offer, _wishes in choices:
        if offer.call_id != application.call_id:
            raise Invalid(
                _("%(park)s does not host in this call.", park=offer.park.name_latin),
                field="choices",
            )
        if offer.park_id == home.id:
            raise Invalid(
                _(
                    "%(park)s is the startup's home park: a residency is at another park.",
                    park=home.name_latin,
                ),
                field="choices",
            )
        if offer.id in seen:
            raise Invalid(
                _("%(park)s is named twice: each host once.", park=offer.park.name_latin),
                field="choices",
            )
        seen.add(offer.id)
    return [(offer, (wishes or "").strip()) for offer, wishes in choices]


@state_change
def save_application(
    session: Session,
    founder: User,
    application: ResidencyApplication,
    *,
    product: str,
    stage: str,
    sector: str,
    starts_on: date | None,
    ends_on: date | None,
    founders: list[dict],
    choices: list[tuple[HostOffer, str]],
    now: datetime | None = None,
) -> ResidencyApplication:
    """Save the draft whole (its founders and host choices replaced by those given, the
    choices in order of preference). A draft may be incomplete; what it holds keeps the
    rules: at most three hosts of this call, never the home park, each host once, and dates
    within the call's bounds.
    `now` is when, when that was before it is recorded (association.history)."""
    _require_founder_acting(founder, application)
    _require_draft(application)
    stage = (stage or "").strip()
    if stage and stage not in STAGES:
        raise Invalid(
            _("The stage is one of: %(stages)s.", stages=", ".join(STAGES)), field="stage"
        )
    if (starts_on is None) != (ends_on is None):
        raise Invalid(
            _("Please give both the start and the end of the residency."), field="ends_on"
        )
    if starts_on is not None and ends_on is not None:
        check_period(application.call, starts_on, ends_on)
    people = _check_founders(founders)
    wanted = _check_choices(application, choices)
    application.product = (product or "").strip()
    application.stage = stage
    application.sector = (sector or "").strip()
    application.starts_on, application.ends_on = starts_on, ends_on
    # The rows are replaced: removed first, so the new ones may take the same preferences.
    for row in [*application.founders, *application.choices]:
        session.delete(row)
    session.flush()
    for person in people:
        session.add(Founder(application=application, **person))
    for preference, (offer, wishes) in enumerate(wanted, start=1):
        session.add(
            HostChoice(
                application=application,
                offer=offer,
                preference=preference,
                wishes=wishes,
                status=ChoiceStatus.PENDING,
            )
        )
    application.updated_at = now or utcnow()
    session.flush()
    session.expire(application, ["founders", "choices"])
    record(
        session,
        "residency.application_saved",
        actor=founder,
        subject=application,
        details=stating_time(
            {
                "hosts": [offer.park.slug for offer, _wishes in wanted],
                "founders": len(people),
                "starts_on": starts_on.isoformat() if starts_on else None,
                "ends_on": ends_on.isoformat() if ends_on else None,
            },
            now,
        ),
    )
    return application


def max_document_bytes() -> int:
    """The most one attached document may weigh (RESIDENCY_DOCUMENT_MAX_MB)."""
    return int(setting("RESIDENCY_DOCUMENT_MAX_MB")) * MEGABYTE


@state_change
def attach_document(
    session: Session,
    founder: User,
    application: ResidencyApplication,
    purpose: DocumentPurpose,
    filename: str,
    content: bytes,
    now: datetime | None = None,
) -> ResidencyDocument:
    """Attach the draft's pitch deck or company registration: a readable PDF (checked by its
    content, as membership's documents are) of at most RESIDENCY_DOCUMENT_MAX_MB. A second
    document for the same purpose replaces the first.
    `now` is when, when that was before it is recorded (association.history)."""
    _require_founder_acting(founder, application)
    _require_draft(application)
    purpose = DocumentPurpose(purpose)
    if len(content) > max_document_bytes():
        raise Invalid(
            _(
                "%(name)s is larger than %(max)d MB.",
                name=clean_filename(filename),
                max=int(setting("RESIDENCY_DOCUMENT_MAX_MB")),
            ),
            field=str(purpose),
        )
    try:
        check_pdf(Upload(filename, content))
    except Invalid as refused:
        raise Invalid(refused.message, field=str(purpose)) from None
    replaced = [d for d in application.documents if d.purpose == purpose]
    for document in replaced:
        session.delete(document)
    document = ResidencyDocument(
        application=application,
        purpose=purpose,
        filename=clean_filename(filename),
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        uploaded_at=now or utcnow(),
    )
    session.add(document)
    session.flush()
    record(
        session,
        "residency.document_attached",
        actor=founder,
        subject=application,
        details=stating_time(
            {
                "purpose": str(purpose),
                "filename": document.filename,
                "sha256": document.sha256,
                "replaced": bool(replaced),
            },
            now,
        ),
    )
    return document


@state_change
def submit_application(
    session: Session,
    founder: User,
    application: ResidencyApplication,
    now: datetime | None = None,
) -> ResidencyApplication:
    """Send the complete draft to the home park for endorsement (its coordinators are
    e-mailed), while the call takes applications. Complete: the product, the dates, at least
    one founder and one host, the pitch deck and the company registration.
    `now` is when, when that was before it is recorded (association.history)."""
    _require_founder_acting(founder, application)
    _require_draft(application)
    _require_home_taking_part(application)
    _require_window(application.call, now)
    missing = []
    if not application.product:
        missing.append(_("the product"))
    if application.starts_on is None or application.ends_on is None:
        missing.append(_("the dates"))
    if not application.founders:
        missing.append(_("a founder"))
    if not application.choices:
        missing.append(_("a host park"))
    purposes = {document.purpose for document in application.documents}
    if DocumentPurpose.PITCH_DECK not in purposes:
        missing.append(_("the pitch deck"))
    if DocumentPurpose.COMPANY_REGISTRATION not in purposes:
        missing.append(_("the company registration"))
    if missing:
        raise Invalid(
            _("The application is not complete: it lacks %(missing)s.", missing=", ".join(missing))
        )
    assert application.starts_on is not None
    assert application.ends_on is not None
    check_period(application.call, application.starts_on, application.ends_on)
    application.status = ApplicationStatus.AWAITING_ENDORSEMENT
    application.submitted_at = application.updated_at = now or utcnow()
    startup = application.startup
    tell(
        session,
        policy.coordinators(session, startup.home_park),
        _l("Please endorse: %(startup)s applies for a residency", startup=startup.name),
        "residency_submitted.txt",
        application=application,
        startup=startup,
        link=application_link(application),
    )
    record(
        session,
        "residency.application_submitted",
        actor=founder,
        subject=application,
        details=stating_time(
            {"hosts": [choice.offer.park.slug for choice in application.choices]}, now
        ),
    )
    return application


def first_waitlisted(session: Session, offer: HostOffer) -> HostChoice | None:
    """The choice first on the offer's waiting list (waitlisted earliest) of an application
    still endorsed: the startup a freed place is offered to, once the host confirms."""
    return session.scalar(
        select(HostChoice)
        .join(ResidencyApplication, HostChoice.application_id == ResidencyApplication.id)
        .where(
            HostChoice.offer_id == offer.id,
            HostChoice.status == ChoiceStatus.WAITLISTED,
            ResidencyApplication.status == ApplicationStatus.ENDORSED,
        )
        .order_by(HostChoice.decided_at, HostChoice.id)
        .limit(1)
    )


def free_place(session: Session, choice: HostChoice, status: ChoiceStatus) -> None:
    """Settle the choice (withdrawn, declined). When it held an offered place, the place is
    free again and the host's coordinators are told who waits first for it."""
    held = choice.status == ChoiceStatus.OFFERED
    choice.status = status
    if not held:
        return
    offer = choice.offer
    session.flush()
    waiting = first_waitlisted(session, offer)
    tell(
        session,
        policy.coordinators(session, offer.park),
        _l("A place is free at %(park)s", park=offer.park.name_latin),
        "residency_place_freed.txt",
        offer=offer,
        startup=choice.application.startup,
        waiting=waiting.application.startup if waiting is not None else None,
        link=application_link(waiting.application) if waiting is not None else "",
    )


def withdraw_choice(session: Session, choice: HostChoice) -> None:
    free_place(session, choice, ChoiceStatus.WITHDRAWN)


def settle_if_unplaced(session: Session, application: ResidencyApplication) -> bool:
    """An endorsed application whose every choice is settled (rejected, withdrawn, declined)
    becomes unplaced; returns whether it did (inside the caller's state change)."""
    if application.status != ApplicationStatus.ENDORSED:
        return False
    if all(choice.status in SETTLED for choice in application.choices):
        application.status = ApplicationStatus.UNPLACED
        application.updated_at = utcnow()
        record(session, "residency.application_unplaced", subject=application)
        return True
    return False


@state_change
def withdraw_application(
    session: Session, founder: User, application: ResidencyApplication
) -> ResidencyApplication:
    """The startup withdraws, at any time before it is placed: every choice is withdrawn and
    any place held for it is free again (its host is told)."""
    policy.require_founder(founder, application.startup)
    if application.status not in WITHDRAWABLE:
        raise Conflict(
            _(
                "The application is %(status)s: it can no longer be withdrawn.",
                status=status_label("application", application.status),
            )
        )
    for choice in application.choices:
        if choice.status not in SETTLED:
            withdraw_choice(session, choice)
    application.status = ApplicationStatus.WITHDRAWN
    application.withdrawn_at = application.updated_at = utcnow()
    record(session, "residency.application_withdrawn", actor=founder, subject=application)
    return application


@state_change
def endorse_application(
    session: Session,
    coordinator: User | None,
    application: ResidencyApplication,
    now: datetime | None = None,
) -> ResidencyApplication:
    """The home park vouches that the startup is a resident in good standing: each host now
    sees the application and decides (its coordinators and the founders are e-mailed).
    `now` is when, when that was before it is recorded (association.history)."""
    startup = application.startup
    policy.require_coordinator(coordinator, startup.home_park)
    if application.status != ApplicationStatus.AWAITING_ENDORSEMENT:
        raise Conflict(
            _(
                "Only an application awaiting endorsement can be endorsed; this one is %(status)s.",
                status=status_label("application", application.status),
            )
        )
    application.status = ApplicationStatus.ENDORSED
    application.endorsed_at = application.updated_at = now or utcnow()
    application.endorsed_by_id = coordinator.id if coordinator is not None else None
    for choice in application.choices:
        choice.status = ChoiceStatus.UNDER_REVIEW
    for choice in application.choices:
        tell(
            session,
            policy.coordinators(session, choice.offer.park),
            _l(
                "A startup applies to %(park)s: %(startup)s",
                park=choice.offer.park.name_latin,
                startup=startup.name,
            ),
            "residency_endorsed_host.txt",
            application=application,
            startup=startup,
            choice=choice,
            link=application_link(application),
        )
    tell(
        session,
        policy.founders(startup),
        _l("%(park)s endorsed your application", park=startup.home_park.name_latin),
        "residency_endorsed_founder.txt",
        application=application,
        startup=startup,
        link=application_link(application),
    )
    session.flush()
    announce_endorsed(session, application)
    record(
        session,
        "residency.application_endorsed",
        actor=coordinator,
        subject=application,
        details=stating_time(
            {"hosts": [choice.offer.park.slug for choice in application.choices]}, now
        ),
    )
    return application


@state_change
def decline_endorsement(
    session: Session, coordinator: User | None, application: ResidencyApplication, reason: str
) -> ResidencyApplication:
    """The home park does not endorse the application (with a reason): it ends there, and no
    host ever sees it."""
    startup = application.startup
    policy.require_coordinator(coordinator, startup.home_park)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Please give the reason."), field="reason")
    if application.status != ApplicationStatus.AWAITING_ENDORSEMENT:
        raise Conflict(
            _(
                "Only an application awaiting endorsement can be declined; this one is %(status)s.",
                status=status_label("application", application.status),
            )
        )
    application.status = ApplicationStatus.NOT_ENDORSED
    application.endorsement_note = reason
    application.endorsed_by_id = coordinator.id if coordinator is not None else None
    application.updated_at = utcnow()
    for choice in application.choices:
        choice.status = ChoiceStatus.WITHDRAWN
    tell(
        session,
        policy.founders(startup),
        _l("%(park)s did not endorse your application", park=startup.home_park.name_latin),
        "residency_not_endorsed.txt",
        application=application,
        startup=startup,
        reason=reason,
        link=application_link(application),
    )
    record(
        session,
        "residency.endorsement_declined",
        actor=coordinator,
        subject=application,
        details={"reason": reason},
    )
    return application
