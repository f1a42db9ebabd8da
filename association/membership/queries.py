"""What the membership pages read, one function per page: the secretariat's list of
applications and one application, the applicant's tracking page, the member directory and
a park's profile."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from association.documents.models import StoredDocument
from association.membership.admission import admission_refusal, admission_vote, matching_park
from association.membership.documents import CERTIFIED, current_certificate
from association.membership.documents import KIND as CERTIFICATE_KIND
from association.membership.lifecycle import (
    MAY_APPROVE,
    MAY_REJECT,
    MAY_REQUEST_INFORMATION,
    MAY_START_REVIEW,
)
from association.membership.models import (
    OPEN_STATUSES,
    Application,
    ApplicationStatus,
    Category,
    ParkProfile,
)
from association.membership.profiles import profile_of
from association.parks.models import Park, ParkStatus, User
from association.parks.service import country_name
from association.tokens import looks_like_token, token_digest
from association.voting.models import Initiative

DIRECTORY_STATUSES = (ParkStatus.MEMBER, ParkStatus.OBSERVER, ParkStatus.SUSPENDED)


def find_by_tracking_code(session: Session, code: str) -> Application | None:
    """The application with this tracking code, found by the code's digest; None for an
    unknown or malformed code (no query for the latter)."""
    if not looks_like_token(code, max_length=64):
        return None
    return session.scalar(
        select(Application).where(Application.tracking_code_hash == token_digest(code))
    )


# --- the applicant's tracking page ---------------------------------------------------------


@dataclass(frozen=True)
class TrackingPage:
    application: Application
    vote: Initiative | None  # the admission vote under way, if any


def tracking_page(session: Session, application: Application) -> TrackingPage:
    return TrackingPage(application, admission_vote(session, application))


# --- the secretariat's pages -----------------------------------------------------------------


def reviewable_application(session: Session, application_id: int) -> Application | None:
    """The application the secretariat may open: None for an unknown id and for one whose
    contact e-mail is not confirmed yet (it does not exist for the secretariat)."""
    application = session.get(Application, application_id)
    if application is None or application.status == ApplicationStatus.UNCONFIRMED:
        return None
    return application


@dataclass(frozen=True)
class ApplicationList:
    applications: Sequence[Application]
    countries: Sequence[str]  # every country applied from, for the filter
    counts: dict[str, int]  # applications per status


def applications_statement(*, status: str, country: str) -> Select[Application]:
    """The applications the secretariat's list holds, unordered (the page orders them by
    submission, the API's cursor pages by id): the open ones (status "open"), or those of one
    status, or all ("all"); of one country when `country` is given. Never those whose contact
    e-mail is unconfirmed: until then, an application may be anyone's spam."""
    statement = select(Application).where(Application.status != ApplicationStatus.UNCONFIRMED)
    if status == "open":
        statement = statement.where(Application.status.in_(OPEN_STATUSES))
    elif status in {s.value for s in ApplicationStatus}:
        statement = statement.where(Application.status == status)
    if country:
        statement = statement.where(Application.country == country)
    return statement


def application_list(session: Session, *, status: str, country: str) -> ApplicationList:
    """Applications, newest first, as applications_statement chooses them, with the countries
    and the counts per status of the filters."""
    confirmed = Application.status != ApplicationStatus.UNCONFIRMED
    statement = applications_statement(status=status, country=country).order_by(
        Application.submitted_at.desc(), Application.id.desc()
    )
    countries = session.scalars(
        select(Application.country)
        .where(confirmed)
        .group_by(Application.country)
        .order_by(Application.country)
    ).all()
    counts = session.execute(
        select(Application.status, func.count()).where(confirmed).group_by(Application.status)
    ).all()
    return ApplicationList(
        applications=session.scalars(statement).all(),
        countries=countries,
        counts={row[0]: row[1] for row in counts},
    )


@dataclass(frozen=True)
class ApplicationPage:
    application: Application
    vote: Initiative | None  # the admission vote under way, if any
    may: dict[str, bool]  # which of the secretariat's steps the page offers
    duplicate: str | None  # why approving would admit a park again, said before anyone tries


def application_page(session: Session, application: Application) -> ApplicationPage:
    vote = admission_vote(session, application)
    voting = vote is not None
    # While the members vote, the vote decides: no decision by hand.
    may = {
        "review": application.status in MAY_START_REVIEW,
        "request": application.status in MAY_REQUEST_INFORMATION,
        "approve": application.status in MAY_APPROVE and not voting,
        "reject": application.status in MAY_REJECT and not voting,
        "vote": application.status in MAY_APPROVE and not voting,
    }
    # The same refusal approving or putting to a vote would give.
    duplicate = (
        admission_refusal(
            session,
            application,
            Category(application.category_requested),
            matching_park(session, application),
        )
        if may["approve"] or may["vote"]
        else None
    )
    return ApplicationPage(application, vote, may, duplicate)


@dataclass(frozen=True)
class ParkChoices:
    candidates: Sequence[Park]  # observers' records, the applicant's country first
    same: Park | None  # the record of the applicant's name, when it is one of them


def admission_park_choices(session: Session, application: Application) -> ParkChoices:
    """The records an approval may link: only observers (admission.admission_refusal)."""
    candidates = session.scalars(
        select(Park)
        .where(Park.status == ParkStatus.OBSERVER)
        .order_by(Park.country != application.country, Park.name_latin)
    ).all()
    same = matching_park(session, application)
    return ParkChoices(candidates, same if same in candidates else None)


# --- the directory and profiles ----------------------------------------------------------


@dataclass(frozen=True)
class Directory:
    by_country: list[tuple[str, list[Park]]]  # (country's name, its parks), by name
    count: int


def directory(session: Session, query: str) -> Directory:
    """Members, observers and suspended members, by country; `query` matches their names as
    text (% and _ are letters, not wildcards)."""
    statement = (
        select(Park)
        .where(Park.status.in_(DIRECTORY_STATUSES))
        .order_by(Park.country, Park.name_latin)
    )
    if query:
        statement = statement.where(
            or_(
                Park.name_latin.icontains(query, autoescape=True),
                Park.name_native.icontains(query, autoescape=True),
            )
        )
    parks = session.scalars(statement).all()
    by_country = sorted(
        (
            (country_name(code), list(group))
            for code, group in groupby(parks, key=lambda p: p.country)
        ),
        key=lambda pair: pair[0],
    )
    return Directory(by_country, len(parks))


def park_by_slug(session: Session, slug: str) -> Park | None:
    return session.scalar(select(Park).where(Park.slug == slug))


@dataclass(frozen=True)
class ProfilePage:
    park: Park
    profile: ParkProfile | None
    certificate: StoredDocument | None


def profile_page(session: Session, park: Park, *, with_certificate: bool) -> ProfilePage:
    """The park's profile, and its certificate in force when the reader may download it."""
    return ProfilePage(
        park,
        profile_of(session, park),
        current_certificate(session, park) if with_certificate else None,
    )


def certificates_in_force(user: User) -> Select[StoredDocument]:
    """The membership certificates in force that `user` may download (parks_by_id names their
    parks): for the secretariat every member's and observer's, for anyone else their own
    park's (policy.can_download_certificate). In force: not superseded (re-issuing supersedes
    the previous one, so a park has at most one) and its park a member or observer. Unordered."""
    statement = (
        select(StoredDocument)
        .join(Park, StoredDocument.subject_id == Park.id)
        .where(
            StoredDocument.kind == CERTIFICATE_KIND,
            StoredDocument.subject_type == "Park",
            StoredDocument.superseded_by_id.is_(None),
            Park.status.in_(CERTIFIED),
        )
    )
    if user.is_staff:
        return statement
    return statement.where(Park.id == user.park_id)


def parks_by_id(session: Session, ids: set[int]) -> dict[int, Park]:
    """The parks with these ids, in one query."""
    if not ids:
        return {}
    return {park.id: park for park in session.scalars(select(Park).where(Park.id.in_(ids)))}
