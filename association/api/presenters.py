"""How pages word an API token's status."""

from __future__ import annotations

from flask_babel import lazy_pgettext

from association.api.models import TokenStatus

STATUS_WORDS = {
    TokenStatus.ACTIVE: lazy_pgettext("API token status", "active"),
    TokenStatus.EXPIRED: lazy_pgettext("API token status", "expired"),
    TokenStatus.REVOKED: lazy_pgettext("API token status", "revoked"),
}
STATUS_BADGES = {
    TokenStatus.ACTIVE: "success",
    TokenStatus.EXPIRED: "secondary",
    TokenStatus.REVOKED: "danger",
}


def token_status_word(status: TokenStatus) -> str:
    return str(STATUS_WORDS[status])
