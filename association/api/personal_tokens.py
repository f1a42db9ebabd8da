"""Personal API tokens: made on the account's page, shown once, kept only as a SHA-256, used as
`Authorization: Bearer <secret>`, revoked by their owner (or an administrator).

A token acts as its user with exactly that user's rights and nothing more: its scopes only
narrow what it may be used for (`read`, `vote`); the domain functions the API calls still
check the user's rights as they do for the pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, contains_eager

from association.api.models import ApiToken, Scope
from association.audit.log import record
from association.database import utcnow
from association.domain import (
    Conflict,
    Invalid,
    NotAllowed,
    NotAuthenticated,
    NotFound,
    single_line_problem,
    state_change,
)
from association.parks.models import ParkStatus, Role, User
from association.parks.presenters import park_status_word
from association.site import setting
from association.tokens import looks_like_token, new_token, token_digest
from association.voting.policy import is_delegate_of_voting_park

# Put before every secret, so that a person (or a secret scanner) recognises what leaked.
PREFIX = "amt_"
NAME_LENGTH = 100
# last_used_at is written at most this often: not a write on every API request.
USE_NOTED_EVERY = timedelta(minutes=5)
# Parks whose people may hold working tokens; a suspended or withdrawn park's stop at once.
_PARKS_WITH_TOKENS = (ParkStatus.MEMBER, ParkStatus.OBSERVER)


def looks_like_secret(text: str | None) -> bool:
    """Whether text could be one of our API secrets (`amt_` and a URL-safe secret): anything
    else is refused without a lookup."""
    return (
        text is not None
        and text.startswith(PREFIX)
        and looks_like_token(text[len(PREFIX) :], max_length=128)
    )


def may_carry_vote(user: User) -> bool:
    """The vote scope is for those who may cast ballots: a delegate of a voting park."""
    return is_delegate_of_voting_park(user)


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise Invalid(_("Please give the token a name."), field="name")
    problem = single_line_problem(name, _("Name"))
    if problem:
        raise Invalid(problem, field="name")
    if len(name) > NAME_LENGTH:
        raise Invalid(
            ngettext(
                "The name may be at most %(num)d character long.",
                "The name may be at most %(num)d characters long.",
                NAME_LENGTH,
            ),
            field="name",
        )
    return name


def _check_scopes(user: User, scopes: Iterable[str]) -> list[Scope]:
    # "read vote" as the column keeps them is the same as ["read", "vote"].
    wanted = set(scopes.split() if isinstance(scopes, str) else scopes)
    if not wanted:
        raise Invalid(_("Please choose at least one scope."), field="scopes")
    if not wanted <= set(Scope):
        raise Invalid(
            _(
                "A token carries only the read and vote scopes: signing stays a person's act in the browser."
            ),
            field="scopes",
        )
    if Scope.VOTE in wanted and not may_carry_vote(user):
        raise Invalid(
            _(
                "Only a delegate of a member park casts ballots, so only a delegate's token can carry the vote scope."
            ),
            field="scopes",
        )
    return [scope for scope in Scope if scope in wanted]


def _check_days(days: int) -> int:
    longest = int(setting("API_TOKEN_MAX_DAYS"))
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= longest:
        raise Invalid(
            ngettext(
                "A token lasts at least one day and at most %(num)d day.",
                "A token lasts at least one day and at most %(num)d days.",
                longest,
            ),
            field="days",
        )
    return days


def why_no_new_token(user: User, *, second_factor_passed: bool) -> str | None:
    """Why `user` cannot create a token now, or None when they can: an inactive account, a
    suspended or withdrawn park, or staff whose session has not passed the second factor (a
    staff token opens the secretariat's API, so it is made only after the second factor)."""
    if not user.active:
        return _("This account is not active. Please contact the secretariat.")
    if user.role == Role.STARTUP:
        # The API is for the parks' platforms; a startup works on its pages.
        return _("A startup's account cannot create API tokens.")
    park = user.park
    if park is not None and park.status not in _PARKS_WITH_TOKENS:
        return _(
            "%(park)s is %(status)s: its people cannot create API tokens.",
            park=park.name_latin,
            status=park_status_word(park.status),
        )
    if user.must_use_second_factor and not second_factor_passed:
        return _(
            "Secretariat and administrator accounts must pass the second factor first: "
            "sign in with your authentication code, then create the token."
        )
    return None


@state_change
def create_token(
    session: Session,
    user: User,
    *,
    name: str,
    scopes: Iterable[str],
    days: int,
    second_factor_passed: bool,
    now: datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new personal token of `user` and its secret. The secret is returned this once and
    kept nowhere: only its SHA-256 is stored, and the audit event names the token, never it.

    Refused to an inactive account, to the people of a suspended or withdrawn park, and to
    staff whose session has not passed the second factor; the vote scope only for a user
    who may cast ballots; at most API_TOKEN_MAX_DAYS days.
    """
    refusal = why_no_new_token(user, second_factor_passed=second_factor_passed)
    if refusal is not None:
        raise NotAllowed(refusal)
    name = _check_name(name)
    chosen = _check_scopes(user, scopes)
    days = _check_days(days)
    now = now or utcnow()
    secret = PREFIX + new_token()
    token = ApiToken(
        user=user,
        name=name,
        token_hash=token_digest(secret),
        scopes=" ".join(chosen),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    session.add(token)
    session.flush()
    record(
        session,
        "api_token.created",
        actor=user,
        subject=token,
        details={
            "token_id": token.id,
            "name": name,
            "scopes": [str(scope) for scope in chosen],
            "expires_at": token.expires_at.isoformat(),
        },
    )
    return token, secret


@state_change
def revoke_token(
    session: Session, actor: User, token_id: int, *, now: datetime | None = None
) -> ApiToken:
    """Revoke a token: it stops working with the next request. Its owner revokes their own, an
    administrator anyone's; to anyone else the token does not exist (NotFound, not a refusal
    that would tell them it does)."""
    token = session.get(ApiToken, token_id)
    if token is None or (token.user_id != actor.id and actor.role != Role.ADMIN):
        raise NotFound(_("There is no such API token."))
    if token.revoked_at is not None:
        raise Conflict(_("This API token is already revoked."))
    token.revoked_at = now or utcnow()
    token.revoked_by = actor
    record(
        session,
        "api_token.revoked",
        actor=actor,
        subject=token,
        details={"token_id": token.id, "name": token.name, "owner_id": token.user_id},
    )
    return token


def _refusal(token: ApiToken | None, now: datetime) -> str | None:
    """Why this token opens nothing now, or None when it works."""
    if token is None:
        return _(
            "This API token is not known. Check that it was copied whole, or create a new one "
            "on your account's API tokens page."
        )
    if token.revoked_at is not None:
        return _(
            "This API token has been revoked. Create a new one on your account's API tokens page."
        )
    if token.expires_at <= now:
        return _(
            "This API token expired on %(date)s (UTC). Create a new one on your account's API tokens page.",
            date=token.expires_at.date().isoformat(),
        )
    user = token.user
    if not user.active:
        return _(
            "The account this API token belongs to is deactivated. Please contact the secretariat."
        )
    park = user.park
    if park is not None and park.status == ParkStatus.SUSPENDED:
        return _(
            "%(park)s is suspended: the API tokens of its people do not work until it is a member "
            "again. Please contact the secretariat.",
            park=park.name_latin,
        )
    if park is not None and park.status == ParkStatus.WITHDRAWN:
        return _(
            "%(park)s has withdrawn from the association: the API tokens of its people no longer work.",
            park=park.name_latin,
        )
    return None


def authenticate(session: Session, secret: str, *, now: datetime | None = None) -> ApiToken:
    """The token an `Authorization: Bearer` secret names, with its user (and park) loaded;
    NotAuthenticated, with a sentence saying why, when it is unknown, revoked, expired, or its
    account is deactivated or of a suspended or withdrawn park. Everything is checked on every
    request, nothing cached: a revocation or a park's suspension holds from the next request.

    Not a state change. This runs on every API request, so it costs one indexed query (the
    token joined with its user and park) and, on most requests, no write: taking the
    association-wide change lock would serialise every API request behind every vote.
    last_used_at is written with a plain UPDATE at most every USE_NOTED_EVERY, and the audit
    event "api_token.used" (which must go through the chain's lock) only on the token's first
    use of a UTC day, told by last_used_at's date.
    """
    now = (now or utcnow()).astimezone(UTC)
    token = None
    if looks_like_secret(secret):
        token = session.scalar(
            select(ApiToken)
            .join(ApiToken.user)
            .outerjoin(User.park)
            .options(contains_eager(ApiToken.user).contains_eager(User.park))
            .where(ApiToken.token_hash == token_digest(secret))
            # What the database says now, even over a copy this session loaded before.
            .execution_options(populate_existing=True)
        )
    refusal = _refusal(token, now)
    if refusal is not None:
        raise NotAuthenticated(refusal)
    assert token is not None
    # Most requests stop here without a write: a token in use was noted minutes ago.
    last = token.last_used_at
    if last is None or last.date() < now.date():
        _note_first_use_of_the_day(session, token.id, now)
    elif now - last >= USE_NOTED_EVERY:
        _note_use(session, token, now)
    return token


def _note_use(session: Session, token: ApiToken, now: datetime) -> None:
    # Only when still older than the interval: two requests at once write it once.
    session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token.id,
            or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= now - USE_NOTED_EVERY),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    session.commit()


@state_change
def _note_first_use_of_the_day(session: Session, token_id: int, now: datetime) -> None:
    """The day's first use is audited once, even when two requests come at once: under the
    change lock, the second sees the first's last_used_at."""
    token = session.get(ApiToken, token_id)
    assert token is not None
    last = token.last_used_at
    if last is not None and last.date() >= now.date():
        return
    token.last_used_at = now
    record(
        session, "api_token.used", actor=token.user, subject=token, details={"token_id": token_id}
    )


def require_scope(token: ApiToken, scope: str) -> None:
    """Refuse a token that does not carry `scope` (the vote scope for a ballot)."""
    if scope not in token.scope_set:
        raise NotAllowed(
            _(
                "This token does not carry the %(scope)s scope. Create a token with it on your "
                "account's API tokens page.",
                scope=scope,
            )
        )
