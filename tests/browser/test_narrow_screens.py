"""At 390 px (a phone) no page of any role scrolls sideways.

Every GET page of the url map is visited by a visitor, a member's delegate, a signatory,
the secretariat and an administrator, on the demo association: the pages without
arguments as they are, and one representative page for each route with arguments, its
arguments taken from the demo data. One browser tab per role keeps the run short.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from association.demo_parks import ADMIN_EMAIL, DEMO_PASSWORD, SECRETARIAT_EMAIL
from association.documents.models import StoredDocument
from association.extensions import db
from association.mail.models import OutboxMessage
from association.meetings.models import AgendaItem, Meeting, Minutes
from association.membership.models import Application
from association.memoranda.models import Memorandum, Revision
from association.parks.models import Park, User
from association.residency.models import (
    ApplicationStatus,
    HostOffer,
    ResidencyApplication,
    ResidencyCall,
)
from association.voting.models import Initiative
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

WIDTH = 390
ROLES = {
    "visitor": None,
    "member": "delegate.astanahub@demo.technoparks.example",
    "signatory": "signatory.astanahub@demo.technoparks.example",
    "secretariat": SECRETARIAT_EMAIL,
    "admin": ADMIN_EMAIL,
}

# Routes that are no page: files, feeds and machine answers, or a one-time secret's page
# (the secret is kept only as its hash, so no test can build its address from the data).
NOT_PAGES = {
    "static",
    "bootstrap.static",
    "main.favicon",
    "main.healthz",
    "membership.logo",
    "membership.certificate",
    "membership.application_document",
    "memoranda.download",
    "meetings.minutes_pdf",
    "meetings.minutes_version_pdf",
    "meetings.meeting_ics",
    "meetings.calendar_feed_ics",
    "voting.results_csv",
    "voting.attachment",
    "auth.accept_invitation",
    "auth.reset_password",
    "membership.tracking",
    "membership.confirm",
    "memoranda.outside_sign",
    "checkpoints.checkpoint_json",
    # The residency's files: its sealed PDFs, the figures' CSV and their chart (an SVG image).
    "residency.residency_certificate",
    "residency.residency_letter",
    "residency.figures_csv",
    "residency.figures_chart",
    "residency.application_document",
    # Redirects to the page where the reader acts (the links in the programme's e-mails).
    "residency.startup_link",
    "residency.residency_link",
}


def _first(session: Session, statement):
    found = session.scalars(statement.limit(1)).first()
    assert found is not None, f"the demo has nothing for {statement}"
    return found


def _issued_memorandum(session: Session) -> Memorandum:
    return _first(session, select(Memorandum).where(Memorandum.registry_number.is_not(None)))


def _meeting_with_minutes(session: Session) -> Meeting:
    return _first(session, select(Meeting).join(Minutes).order_by(Meeting.id))


def _memorandum_with_revisions(session: Session) -> dict:
    # The memorandum with most revisions: its first against its last (the demo's have one).
    revision = _first(session, select(Revision).order_by(Revision.number.desc(), Revision.id))
    return {"memorandum_id": revision.memorandum_id, "a": 1, "b": revision.number}


def _agenda_item(session: Session) -> dict:
    item = _first(session, select(AgendaItem).order_by(AgendaItem.id))
    return {"meeting_id": item.meeting_id, "item_id": item.id}


def _minutes(session: Session) -> dict:
    minutes = _first(session, select(Minutes).order_by(Minutes.id))
    return {"meeting_id": minutes.meeting_id, "version": minutes.version}


def _endpoint(session: Session) -> int:
    # The demo has no park platform: the secretariat's endpoint, made here once, stands for one.
    from association.webhooks.models import WebhookEndpoint
    from association.webhooks.service import register_endpoint

    found = session.scalars(select(WebhookEndpoint).limit(1)).first()
    if found is None:
        staff = session.scalars(select(User).where(User.email == SECRETARIAT_EMAIL)).one()
        found, _secret = register_endpoint(
            session, staff, url="https://93.184.216.34/amt", events=["initiative.closed"]
        )
    return found.id


# What each argument of a page means, in the demo association's data.
ARGUMENTS: dict[str, Callable[[Session], object]] = {
    "park_id": lambda s: _first(s, select(Park).order_by(Park.id)).id,
    "slug": lambda s: _first(s, select(Park).order_by(Park.id)).slug,
    "user_id": lambda s: _first(s, select(User).where(User.park_id.is_not(None))).id,
    "memorandum_id": lambda s: _issued_memorandum(s).id,
    "initiative_id": lambda s: _first(s, select(Initiative).order_by(Initiative.id)).id,
    "meeting_id": lambda s: _meeting_with_minutes(s).id,
    "application_id": lambda s: _first(s, select(Application).order_by(Application.id)).id,
    "message_id": lambda s: _first(s, select(OutboxMessage).order_by(OutboxMessage.id)).id,
    "minutes_id": lambda s: _first(s, select(Minutes).order_by(Minutes.id)).id,
    "endpoint_id": _endpoint,
    "call_id": lambda s: _first(s, select(ResidencyCall).order_by(ResidencyCall.id)).id,
    "offer_id": lambda s: _first(s, select(HostOffer).order_by(HostOffer.id)).id,
    "code": lambda s: (
        _first(s, select(StoredDocument).order_by(StoredDocument.id)).verification_code
    ),
}
# Pages whose arguments belong together.
TOGETHER: dict[str, Callable[[Session], dict]] = {
    "memoranda.compare_revisions": _memorandum_with_revisions,
    "meetings.agenda_edit": _agenda_item,
    "meetings.minutes_detail": _minutes,
    "residency.application_detail": lambda s: {
        "application_id": _first(
            s,
            select(ResidencyApplication)
            .where(ResidencyApplication.status != ApplicationStatus.DRAFT)
            .order_by(ResidencyApplication.id),
        ).id
    },
}


def every_get_page(app, session: Session) -> list[str]:
    """One address for every GET page of the url map."""
    pages, unknown = [], []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint in NOT_PAGES:
            continue
        if rule.endpoint in TOGETHER:
            values = TOGETHER[rule.endpoint](session)
        elif all(name in ARGUMENTS for name in rule.arguments):
            values = {name: ARGUMENTS[name](session) for name in rule.arguments}
        else:
            unknown.append(rule.rule)
            continue
        with app.test_request_context():
            pages.append(url_for(rule.endpoint, **values))
    # A new page needs its arguments here (or its reason in NOT_PAGES), or it goes unchecked.
    assert not unknown, f"no demo arguments for {unknown}"
    return sorted(set(pages))


# The elements that stick out, to say where to look.
OVERFLOW = """() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return null;
  const wide = [];
  for (const element of document.body.querySelectorAll('*')) {
    const box = element.getBoundingClientRect();
    let clipped = false;
    for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
      if (getComputedStyle(parent).overflowX !== 'visible') { clipped = true; break; }
    }
    if (!clipped && box.right > root.clientWidth + 1 && box.width > 0) {
      const name = element.tagName.toLowerCase() + (element.id ? '#' + element.id : '') +
        (element.className && typeof element.className === 'string'
          ? '.' + element.className.trim().split(/\\s+/).join('.') : '');
      wide.push(name + ' ' + Math.round(box.right) + 'px');
    }
  }
  return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wide: wide.slice(-4)};
}"""


def test_no_page_of_any_role_scrolls_sideways_at_390_px(app, runner, live_server, browser):
    # Each page's CSS and scripts once per tab, not revalidated on every page: a third of the time.
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 3600
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    pages = every_get_page(app, db.session)
    users = {
        role: db.session.scalar(select(User).where(User.email == email))
        for role, email in ROLES.items()
        if email
    }
    failures = []
    for role in ROLES:
        context = browser.new_context(viewport={"width": WIDTH, "height": 844})
        page = context.new_page()
        page.set_default_timeout(15_000)
        if role in users:
            sign_in(page, live_server, users[role], DEMO_PASSWORD)
            assert "/login" not in page.url, f"{role} could not sign in"
        for path in pages:
            response = page.goto(f"{live_server}{path}", wait_until="domcontentloaded")
            assert response is not None
            if "text/html" not in response.headers.get("content-type", ""):
                continue
            overflow = page.evaluate(OVERFLOW)
            if overflow:
                failures.append(f"{role} {path} ({response.status}): {overflow}")
        context.close()
    assert not failures, "pages that scroll sideways at 390 px:\n" + "\n".join(failures)
