"""Signed-in sessions, kept on the server: what the session and remember-me cookies name.

A sign-in makes a row and gives its random key to the browser (only the key's SHA-256 is
stored). Each request finds the row by the key, so signing out, changing the password or
deactivating the account deletes rows and the cookies open nothing afterwards. A session
ends by itself when idle (staff always; members unless they chose "keep me signed in"), and
"keep me signed in" lasts REMEMBER_LIFETIME days at most.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, joinedload

from association.audit.log import current_origin, record
from association.database import utcnow
from association.domain import state_change
from association.parks.models import SignedInSession, User
from association.site import setting
from association.tokens import looks_like_token, new_token, token_digest

# Last-seen times are written at most this often: not a write on every page.
TOUCH_INTERVAL = timedelta(minutes=1)

_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"))
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)


def browser_summary(agent: str) -> str:
    """ "Firefox on Linux": enough for a person to recognise the device, no fingerprint kept."""
    browser = next((name for mark, name in _BROWSERS if mark in agent), "")
    if not browser and "Safari/" in agent:
        browser = "Safari"
    system = next((name for mark, name in _SYSTEMS if mark in agent), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or agent[:60]


def _idle_timeout(user: User) -> timedelta:
    if user.is_staff:
        return timedelta(minutes=setting("STAFF_IDLE_TIMEOUT"))
    return timedelta(minutes=setting("MEMBER_IDLE_TIMEOUT"))


def is_pending(row: SignedInSession) -> bool:
    """The right password was given but the second factor not yet: this is no session yet."""
    return row.user.has_second_factor and row.second_factor_at is None


def pending_has_expired(row: SignedInSession, now: datetime | None = None) -> bool:
    wait = timedelta(minutes=setting("SECOND_FACTOR_PENDING_MINUTES"))
    return row.created_at + wait <= (now or utcnow())


def has_ended(row: SignedInSession, now: datetime) -> bool:
    """Past its remember-me lifetime, or idle too long (a remembered member is never idle)."""
    if row.remember_until is not None and row.remember_until <= now:
        return True
    if row.remember_until is not None and not row.user.is_staff:
        return False
    return row.last_seen_at + _idle_timeout(row.user) <= now


def start_session(session: Session, user: User, *, remember: bool = False) -> str:
    """A new signed-in session for the user (inside the caller's state change); returns its key
    and sets it on the user for Flask-Login. The user's ended sessions are cleared away."""
    now = utcnow()
    for old in session.scalars(select(SignedInSession).where(SignedInSession.user_id == user.id)):
        if has_ended(old, now) or (is_pending(old) and pending_has_expired(old, now)):
            session.delete(old)
    address, _sep, agent = current_origin.get().partition(" ")
    key = new_token()
    row = SignedInSession(
        user=user,
        key_digest=token_digest(key),
        created_at=now,
        last_seen_at=now,
        browser=browser_summary(agent)[:100],
        address=address[:64],
        remember_until=now + timedelta(days=setting("REMEMBER_LIFETIME")) if remember else None,
    )
    session.add(row)
    user.signed_in, user.signed_in_key = row, key
    return key


def _find(session: Session, key: str) -> SignedInSession | None:
    if not looks_like_token(key):
        return None
    return session.scalar(
        select(SignedInSession)
        .options(joinedload(SignedInSession.user).joinedload(User.park))
        .where(SignedInSession.key_digest == token_digest(key))
    )


def signed_in_user(session: Session, key: str) -> User | None:
    """The user whose running session has this key, or None: unknown, ended, idle too long,
    past its lifetime, or still waiting for the second factor.

    Not a state change (no audit event, no association-wide lock on every page): it only
    forgets a session that has ended and notes, once a minute, that this one is in use.
    """
    row = _find(session, key)
    if row is None or is_pending(row):
        return None
    now = utcnow()
    if has_ended(row, now):
        session.delete(row)
        session.commit()
        return None
    if now - row.last_seen_at >= TOUCH_INTERVAL:
        row.last_seen_at = now
        session.commit()
    user = row.user
    user.signed_in, user.signed_in_key = row, key
    return user


def pending_sign_in(session: Session, key: str) -> User | None:
    """The user of a sign-in waiting for its second factor, while it may still be completed."""
    row = _find(session, key)
    if row is None or not is_pending(row) or pending_has_expired(row):
        return None
    user = row.user
    user.signed_in, user.signed_in_key = row, key
    return user


def pass_second_factor(user: User) -> None:
    """Note that this session (the one the user object was loaded for) passed the second factor."""
    if user.signed_in is not None:
        user.signed_in.second_factor_at = utcnow()


def end_every_session(session: Session, user: User) -> None:
    """(inside the caller's state change) Every session and pending sign-in of the user ends."""
    session.execute(delete(SignedInSession).where(SignedInSession.user_id == user.id))


def end_other_sessions_of(session: Session, user: User) -> int:
    """(inside the caller's state change) Every session of the user but this one ends."""
    others = select(SignedInSession).where(SignedInSession.user_id == user.id)
    if user.signed_in is not None:
        others = others.where(SignedInSession.id != user.signed_in.id)
    ended = 0
    for row in session.scalars(others):
        session.delete(row)
        ended += 1
    return ended


@state_change
def sign_out_elsewhere(session: Session, user: User) -> int:
    """End every other session of the user (a lost phone, a shared computer); returns how many."""
    ended = end_other_sessions_of(session, user)
    record(session, "sessions.ended_elsewhere", actor=user, subject=user, details={"ended": ended})
    return ended


def sessions_of(session: Session, user: User) -> list[SignedInSession]:
    """The user's running sessions, the most recently used first (for /account)."""
    now = utcnow()
    rows = session.scalars(
        select(SignedInSession)
        .options(joinedload(SignedInSession.user))
        .where(SignedInSession.user_id == user.id)
        .order_by(SignedInSession.last_seen_at.desc(), SignedInSession.id.desc())
    ).all()
    return [row for row in rows if not is_pending(row) and not has_ended(row, now)]
