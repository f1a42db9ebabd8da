"""A park's public profile in the directory: the description, website and logo its
delegates keep."""

from __future__ import annotations

import hashlib
import io

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from association.audit.log import record
from association.database import utcnow
from association.domain import Invalid, NotAllowed, state_change
from association.membership.models import ParkProfile
from association.membership.policy import can_edit_profile
from association.parks.models import Park, User
from association.parks.service import check_website

MAX_LOGO_BYTES = 1024 * 1024
MAX_LOGO_SIDE = 2000  # pixels, either way
LOGO_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}


def profile_of(session: Session, park: Park) -> ParkProfile | None:
    """The park's public profile; None until its delegates first save one."""
    return session.scalar(select(ParkProfile).where(ParkProfile.park_id == park.id))


def check_logo(content: bytes) -> str:
    """The logo's media type: a PNG or JPEG (by content), at most 1 MB and 2000 px either way."""
    if len(content) > MAX_LOGO_BYTES:
        raise Invalid(_("The logo may be at most 1 MB."))
    # Imported here: Pillow is needed only when a logo is uploaded, not at start-up.
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            kind, (width, height) = image.format, image.size
            if kind not in LOGO_TYPES:
                raise Invalid(_("The logo must be a PNG or JPEG image."))
            if width > MAX_LOGO_SIDE or height > MAX_LOGO_SIDE:
                raise Invalid(
                    _("The logo may be at most %(px)d pixels wide and high.", px=MAX_LOGO_SIDE)
                )
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise Invalid(_("The logo must be a PNG or JPEG image.")) from None
    return LOGO_TYPES[kind]


@state_change
def update_profile(
    session: Session,
    actor: User,
    park: Park,
    *,
    description: str,
    website: str,
    logo: bytes | None = None,
    remove_logo: bool = False,
) -> ParkProfile:
    """The park's public description, website and logo, as its delegates keep them."""
    if not can_edit_profile(actor, park):
        raise NotAllowed(_("Only the park's delegates edit its profile."))
    website = check_website(website)
    logo_type = check_logo(logo) if logo else ""
    profile = profile_of(session, park)
    if profile is None:
        profile = ParkProfile(park=park, description="", logo_type="", logo_sha256="")
        session.add(profile)
    changed = []
    description = (description or "").strip()
    if profile.description != description:
        profile.description = description
        changed.append("description")
    if park.website != website:
        park.website = website
        changed.append("website")
    if logo:
        profile.logo, profile.logo_type = logo, logo_type
        profile.logo_sha256 = hashlib.sha256(logo).hexdigest()
        changed.append("logo")
    elif remove_logo and profile.logo_type:
        profile.logo, profile.logo_type, profile.logo_sha256 = None, "", ""
        changed.append("logo removed")
    profile.updated_at = utcnow()
    if changed:
        record(
            session, "park.profile_updated", actor=actor, subject=park, details={"changed": changed}
        )
    return profile
