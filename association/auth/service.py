"""Accounts: signing in, invitations, password resets, and the users the secretariat manages.

Every function that changes something is a state change (association.domain): it checks
the rules, writes its audit event and its e-mail in the same transaction, or refuses
with a DomainError and changes nothing.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import available_timezones

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from association.audit.log import record
from association.auth.models import AccountToken, TokenPurpose
from association.auth.passwords import (
    check_new_password,
    hash_password,
    require_password,
    wrong_current_password,
)
from association.auth.policy import can_change_roles, can_manage_users
from association.auth.sessions import end_every_session, end_other_sessions_of, start_session
from association.database import utcnow
from association.domain import Conflict, Invalid, NotAllowed, Refusal, state_change
from association.languages import CODES as LANGUAGE_CODES
from association.mail.outbox import Secret, queue_mail
from association.parks.models import Park, ParkStatus, Role, User, normalise_email
from association.parks.presenters import role_word
from association.site import setting
from association.tokens import looks_like_token, new_token, token_digest


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def may_sign_in(user: User) -> bool:
    """Active, with a password, and not of a withdrawn park."""
    if not user.active or not user.has_password:
        return False
    return user.park is None or user.park.status != ParkStatus.WITHDRAWN


@state_change
def sign_in(session: Session, email: str, password: str, *, remember: bool = False) -> User:
    """The user with this e-mail and password, with a new signed-in session (user.signed_in),
    or NotAllowed with one message for every failure.

    An unknown e-mail and a wrong password get the same answer, after the same work (a dummy
    hash), and are throttled alike; both are audited. With a second factor the session is
    only pending: association.auth.second_factor.verify_second_factor completes it.
    """
    user = find_user_by_email(session, email)
    account = normalise_email(email)[:320]
    require_password(
        user,
        password,
        account=account,
        wrong=NotAllowed(
            _("Wrong e-mail or password."),
            audit=Refusal("login.failed", actor=user, details={"email": account}),
        ),
    )
    assert user is not None  # require_password refuses an unknown e-mail
    if not may_sign_in(user):
        raise NotAllowed(
            _("This account is not active. Please contact the secretariat."),
            audit=Refusal("login.refused_inactive", actor=user, subject=user),
        )
    user.last_login_at = utcnow()
    start_session(session, user, remember=remember)
    record(session, "login.succeeded", actor=user, subject=user)
    return user


@state_change
def sign_out(session: Session, user: User) -> None:
    """End this session (the one the user was loaded for): its cookies open nothing afterwards."""
    if user.signed_in is not None:
        session.delete(user.signed_in)
    record(session, "logout", actor=user, subject=user)


# --- links sent by e-mail -------------------------------------------------------------


def _issue_token(session: Session, user: User, purpose: TokenPurpose, hours: int) -> str:
    token = new_token()
    session.add(
        AccountToken(
            user=user,
            purpose=purpose,
            token_hash=token_digest(token),
            expires_at=utcnow() + timedelta(hours=hours),
        )
    )
    return token


def find_token(session: Session, token: str, purpose: TokenPurpose) -> AccountToken:
    """The unused, unexpired token, or Invalid saying plainly what is wrong with the link."""
    found = (
        session.scalar(
            select(AccountToken).where(
                AccountToken.token_hash == token_digest(token), AccountToken.purpose == purpose
            )
        )
        if looks_like_token(token)
        else None
    )
    if found is None:
        raise Invalid(_("This link is not valid. Please check that you copied all of it."))
    if found.used_at is not None:
        raise Invalid(_("This link has already been used. Each link works once."))
    if found.expires_at <= utcnow():
        raise Invalid(_("This link has expired. Please ask for a new one."))
    return found


def _void_open_links(session: Session, user: User) -> None:
    """A new password voids every other invitation and reset link of the user still open."""
    session.execute(
        update(AccountToken)
        .where(AccountToken.user_id == user.id, AccountToken.used_at.is_(None))
        .values(used_at=utcnow())
    )


def _set_password(session: Session, user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    _void_open_links(session, user)


def _use_token(session: Session, token: str, purpose: TokenPurpose, password: str) -> User:
    found = find_token(session, token, purpose)
    check_new_password(password)
    user = found.user
    _set_password(session, user, password)
    # Whoever holds the link signs in here (past the second factor only with it); every
    # other session ends.
    end_every_session(session, user)
    start_session(session, user)
    return user


@state_change
def accept_invitation(session: Session, token: str, password: str) -> User:
    """Set the invited user's first password; the link works once and until it expires.

    The user gets a new session (user.signed_in), pending while a second factor is set up."""
    user = _use_token(session, token, TokenPurpose.INVITATION, password)
    record(session, "invitation.accepted", actor=user, subject=user)
    return user


@state_change
def request_password_reset(session: Session, email: str) -> None:
    """E-mail a reset link if the address belongs to an active account; silent otherwise.

    The caller shows the same message either way, so the form does not reveal who has an account.
    """
    user = find_user_by_email(session, email)
    if user is None or not may_sign_in(user):
        return
    hours = setting("PASSWORD_RESET_HOURS")
    token = _issue_token(session, user, TokenPurpose.PASSWORD_RESET, hours)
    queue_mail(
        session,
        user.email,
        _l("Reset your password"),
        "password_reset.txt",
        language=user.language,
        user=user,
        link=Secret.link("/reset/", token),
        hours=hours,
    )
    record(session, "password_reset.requested", actor=user, subject=user)


@state_change
def reset_password(session: Session, token: str, password: str) -> User:
    """Set a new password through a reset link; every other session and every other open link of
    the user ends. The new session (user.signed_in) is pending while a second factor is set up:
    a reset link never replaces the second factor."""
    user = _use_token(session, token, TokenPurpose.PASSWORD_RESET, password)
    record(session, "password_reset.completed", actor=user, subject=user)
    return user


@state_change
def change_password(session: Session, user: User, current_password: str, new_password: str) -> None:
    """Change one's own password; every other session and every open reset link of the user ends.

    The current password is checked, throttled and audited as at sign-in."""
    require_password(user, current_password, wrong=wrong_current_password(user, "password_change"))
    check_new_password(new_password)
    _set_password(session, user, new_password)
    end_other_sessions_of(session, user)
    record(session, "password.changed", actor=user, subject=user)


# --- users as the secretariat manages them -------------------------------------------


def _require(allowed: bool) -> None:
    if not allowed:
        raise NotAllowed(_("You do not have the right to do this."))


def _check_membership(role: Role, park: Park | None, delegate: bool, signatory: bool) -> None:
    if role == Role.MEMBER and park is None:
        raise Invalid(_("A member representative belongs to a park."))
    if role != Role.MEMBER and park is not None:
        raise Invalid(_("Secretariat and administrator accounts do not belong to a park."))
    if park is None and (delegate or signatory):
        raise Invalid(_("Only a park's representative can be its delegate or signatory."))


@state_change
def create_user(
    session: Session,
    actor: User | None,
    *,
    email: str,
    full_name: str,
    role: Role = Role.MEMBER,
    park: Park | None = None,
    title: str = "",
    delegate: bool = False,
    signatory: bool = False,
    password: str | None = None,
    invite: bool = False,
) -> tuple[User, str | None]:
    """Create an account; returns (user, invitation token or None).

    `actor` None is the command line (the machine's operator). The e-mail is unique
    whatever its case. With `invite`, the user gets an e-mailed link to set a password.
    """
    if actor is not None:
        _require(can_manage_users(actor))
        if role != Role.MEMBER:
            _require(can_change_roles(actor))
    email = normalise_email(email)
    if "@" not in email:
        raise Invalid(_("Please give a valid e-mail address."))
    if not full_name.strip():
        raise Invalid(_("Please give the person's full name."))
    if find_user_by_email(session, email) is not None:
        raise Conflict(_("A user with the e-mail %(email)s already exists.", email=email))
    role = Role(role)
    _check_membership(role, park, delegate, signatory)
    if password is not None:
        check_new_password(password)
    user = User(
        email=email,
        full_name=full_name.strip(),
        title=title.strip(),
        role=role,
        park=park,
        is_delegate=delegate,
        is_signatory=signatory,
        password_hash=hash_password(password) if password is not None else None,
        timezone=setting("DEFAULT_TIMEZONE"),
    )
    session.add(user)
    session.flush()
    token = None
    if invite:
        token = _send_invitation(session, user)
    record(
        session,
        "user.created",
        actor=actor,
        subject=user,
        details={
            "email": email,
            "role": role.value,
            "park": park.slug if park else None,
            "delegate": delegate,
            "signatory": signatory,
            "invited": invite,
        },
    )
    return user, token


def _send_invitation(session: Session, user: User) -> str:
    hours = setting("INVITATION_HOURS")
    token = _issue_token(session, user, TokenPurpose.INVITATION, hours)
    queue_mail(
        session,
        user.email,
        _l("Your account at the Association of Modern Technoparks"),
        "invitation.txt",
        language=user.language,
        user=user,
        link=Secret.link("/invitation/", token),
        hours=hours,
    )
    return token


@state_change
def reinvite_user(session: Session, actor: User, user: User) -> str:
    """Send a fresh invitation to a user who has not set a password yet."""
    _require(can_manage_users(actor))
    if user.has_password:
        raise Conflict(_("%(name)s has already set a password.", name=user.full_name))
    token = _send_invitation(session, user)
    record(session, "user.reinvited", actor=actor, subject=user)
    return token


@state_change
def set_park_duties(
    session: Session,
    actor: User,
    user: User,
    *,
    delegate: bool,
    signatory: bool,
    integration_manager: bool | None = None,
    programme_coordinator: bool | None = None,
) -> None:
    """Make a park's user its delegate (casts the park's vote), signatory (signs memoranda),
    integration manager (registers the park's webhook endpoints) and/or programme
    coordinator (the residency programme); an `integration_manager` or
    `programme_coordinator` not given stays as it is."""
    _require(can_manage_users(actor))
    if integration_manager is None:
        integration_manager = user.is_integration_manager
    if programme_coordinator is None:
        programme_coordinator = user.is_programme_coordinator
    _check_membership(
        user.role, user.park, delegate, signatory or integration_manager or programme_coordinator
    )
    before = {"delegate": user.is_delegate, "signatory": user.is_signatory}
    after = {"delegate": delegate, "signatory": signatory}
    if integration_manager or user.is_integration_manager:
        before["integration_manager"] = user.is_integration_manager
        after["integration_manager"] = integration_manager
    if programme_coordinator or user.is_programme_coordinator:
        before["programme_coordinator"] = user.is_programme_coordinator
        after["programme_coordinator"] = programme_coordinator
    user.is_delegate, user.is_signatory = delegate, signatory
    user.is_integration_manager = integration_manager
    user.is_programme_coordinator = programme_coordinator
    record(
        session,
        "user.duties_changed",
        actor=actor,
        subject=user,
        details={"before": before, "after": after},
    )


@state_change
def set_active(session: Session, actor: User, user: User, active: bool) -> None:
    """Deactivate (every session ends at once) or reactivate an account."""
    _require(can_manage_users(actor))
    if user.id == actor.id:
        raise Conflict(_("You cannot deactivate your own account."))
    if user.active == active:
        raise Conflict(
            _(
                "The account is already %(state)s.",
                state=_("active") if active else _("deactivated"),
            )
        )
    if user.role != Role.MEMBER and not can_change_roles(actor):
        raise NotAllowed(_("Only an administrator can deactivate secretariat accounts."))
    user.active = active
    end_every_session(session, user)
    record(session, "user.activated" if active else "user.deactivated", actor=actor, subject=user)


def duties_lost_by_role_change(user: User, role: Role) -> list[str]:
    """The park duties `user` would lose by taking `role`, in words ("delegate of Astana
    Hub"): only a park's representative has them, and secretariat and administrator
    accounts belong to no park. Empty when nothing would be lost."""
    if Role(role) == Role.MEMBER or user.park is None:
        return []
    park = user.park.name_latin
    lost = []
    if user.is_delegate:
        lost.append(_("delegate of %(park)s", park=park))
    if user.is_signatory:
        lost.append(_("signatory of %(park)s", park=park))
    if user.is_integration_manager:
        lost.append(_("integration manager of %(park)s", park=park))
    if user.is_programme_coordinator:
        lost.append(_("programme coordinator of %(park)s", park=park))
    return lost


@state_change
def change_role(
    session: Session,
    actor: User,
    user: User,
    role: Role,
    park: Park | None = None,
    *,
    end_duties: bool = False,
) -> None:
    """Give a user another role (administrators only). Duties the new role cannot hold
    (duties_lost_by_role_change) end only when the caller confirms it with `end_duties`;
    otherwise nothing changes, so no one loses them by surprise."""
    _require(can_change_roles(actor))
    role = Role(role)
    if user.id == actor.id:
        raise Conflict(_("You cannot change your own role."))
    if user.role == role:
        raise Conflict(_("%(name)s already has this role.", name=user.full_name))
    lost = duties_lost_by_role_change(user, role)
    if lost and not end_duties:
        raise Conflict(
            _(
                "As %(role)s, %(name)s would no longer be %(duties)s. Confirm that these duties "
                "end, or keep the role.",
                role=role_word(role),
                name=user.full_name,
                duties=", ".join(lost),
            ),
            field="end_duties",
        )
    if role != Role.MEMBER:
        park = None
    _check_membership(
        role, park, user.is_delegate and park is not None, user.is_signatory and park is not None
    )
    before = user.role
    duties_before = {"delegate": user.is_delegate, "signatory": user.is_signatory}
    if user.is_integration_manager:
        duties_before["integration_manager"] = True
    if user.is_programme_coordinator:
        duties_before["programme_coordinator"] = True
    user.role, user.park = role, park
    if park is None:
        user.is_delegate = user.is_signatory = user.is_integration_manager = False
        user.is_programme_coordinator = False
    end_every_session(session, user)
    record(
        session,
        "user.role_changed",
        actor=actor,
        subject=user,
        details={
            "before": str(before),
            "after": role.value,
            "park": park.slug if park else None,
            "duties_ended": [name for name, held in duties_before.items() if held and not park],
        },
    )


def count_admins(session: Session) -> int:
    return (
        session.scalar(select(func.count()).select_from(User).where(User.role == Role.ADMIN)) or 0
    )


@state_change
def set_preferences(session: Session, user: User, *, language: str, timezone: str) -> None:
    """The user's language and time zone (times are shown in it)."""
    _require_offered(language)
    if timezone not in available_timezones():
        raise Invalid(_("Unknown time zone."))
    user.chosen_language, user.timezone = language, timezone
    record(
        session,
        "user.preferences_changed",
        actor=user,
        subject=user,
        details={"language": language, "timezone": timezone},
    )


@state_change
def choose_language(session: Session, user: User, language: str) -> None:
    """The language the user reads from now on, saved on the account (the switcher on every
    page): pages, and the e-mails queued for them after this. Choosing it again changes nothing."""
    _require_offered(language)
    if user.chosen_language == language:
        return
    user.chosen_language = language
    record(
        session,
        "user.preferences_changed",
        actor=user,
        subject=user,
        details={"language": language},
    )


def _require_offered(language: str) -> None:
    if language not in LANGUAGE_CODES:
        raise Invalid(_("This language is not offered."), field="language")
