"""Where a webhook may be sent: a public https address, never into the association's own network.

A platform chooses the address, so an address is checked twice: when it is registered, and
again at every delivery, because a name that resolved to a public address yesterday may resolve
to 10.0.0.5 today (DNS rebinding). The delivery then connects to the very address it checked,
not to whatever the name resolves to a moment later (association.webhooks.delivery).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask_babel import gettext as _

from association.domain import Invalid

# What `WEBHOOK_ALLOW_LOOPBACK` lets through (development and tests): this machine, by name or number.
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Target:
    """A checked address: what to connect to, and the name to ask for (Host, TLS)."""

    scheme: str
    host: str
    port: int
    path: str  # with its query
    addresses: tuple[str, ...]  # the resolved addresses, each checked


class Refused(Invalid):
    """The address may not receive webhooks (its message says why)."""


def check_url(url: str, *, allow_loopback: bool) -> str:
    """The address as it will be used, or Refused (field "url") with the reason: it does not
    parse, is not https (http only to this machine, where allowed), or its name resolves to an
    address inside a network (loopback, private, link-local, reserved, multicast, unspecified)."""
    target(url, allow_loopback=allow_loopback)
    return url.strip()


def target(url: str, *, allow_loopback: bool) -> Target:
    """The checked Target of `url` (resolving its name now), or Refused."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        port = parts.port
        host = (parts.hostname or "").lower()
    except ValueError:
        raise Refused(_("This is not a web address."), field="url") from None
    if parts.scheme not in ("https", "http") or not host:
        raise Refused(_("This is not a web address: it starts with https://."), field="url")
    if parts.username or parts.password:
        raise Refused(_("An endpoint's address carries no user name or password."), field="url")
    loopback_allowed = allow_loopback and host in LOOPBACK_NAMES
    if parts.scheme != "https" and not loopback_allowed:
        raise Refused(_("Webhooks are sent only to https:// addresses."), field="url")
    port = port or (443 if parts.scheme == "https" else 80)
    addresses = resolve(host, port)
    for address in addresses:
        problem = _inside_problem(address, loopback_allowed=loopback_allowed)
        if problem:
            raise Refused(problem, field="url")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, host, port, path, tuple(str(a) for a in addresses))


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address the name resolves to now (a literal address is itself), or Refused."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise Refused(
            _("The name %(host)s does not resolve to any address.", host=host), field="url"
        ) from None
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        # An IPv4 address written as IPv6 (::ffff:10.0.0.1) is judged as the IPv4 it is.
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise Refused(
            _("The name %(host)s does not resolve to any address.", host=host), field="url"
        )
    return addresses


def _inside_problem(address: IPAddress, *, loopback_allowed: bool) -> str | None:
    if address.is_loopback:
        if loopback_allowed:
            return None
        return _(
            "%(address)s is this machine (loopback): it cannot receive webhooks.", address=address
        )
    if (
        address.is_private
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
        or not address.is_global
    ):
        return _(
            "%(address)s is inside a private network, not a public address: it cannot receive "
            "webhooks.",
            address=address,
        )
    return None
