"""Plain HTTP to 127.0.0.1, as the benchmarks' users send it: one request at a time, and
signing in with a real session cookie and CSRF token.

Everything here targets 127.0.0.1 only.
"""

from __future__ import annotations

import http.client
import re
from urllib.parse import urlencode

HOST = "127.0.0.1"
# The same User-Agent from Python and from wrk: Flask-Login's "strong" session protection ties a
# session to the address and User-Agent it was made with.
USER_AGENT = "amt-bench"
# Every benchmark user's password, and what sign_in signs in with.
PASSWORD = "bench-password-1234"


def request(
    port: int,
    method: str,
    path: str,
    body: dict | None = None,
    cookie: str | None = None,
    timeout: float = 60,
    headers: dict | None = None,
):
    """One request to 127.0.0.1:port; returns (status, text, headers)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        headers = {"User-Agent": USER_AGENT, **(headers or {})}
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if cookie:
            headers["Cookie"] = f"session={cookie}"
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace"), response
    finally:
        connection.close()


def session_cookie(response) -> str | None:
    found = re.search(r"session=([^;]+)", response.getheader("Set-Cookie") or "")
    return found.group(1) if found else None


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    if not found:
        raise RuntimeError("no CSRF token in the page")
    return found.group(1)


def sign_in(port: int, email: str, form_page: str, password: str = PASSWORD) -> tuple[str, str]:
    """A user's session cookie and the CSRF token of that session, read from `form_page`
    (a page with a form, fetched once signed in: the session is new after signing in)."""
    _status, page, response = request(port, "GET", "/login")
    cookie = session_cookie(response)
    status, _text, response = request(
        port,
        "POST",
        "/login",
        {"email": email, "password": password, "csrf_token": csrf_token(page)},
        cookie,
    )
    cookie = session_cookie(response)
    if status != 302 or not cookie:
        raise RuntimeError(f"sign-in of {email} failed ({status})")
    status, page, response = request(port, "GET", form_page, cookie=cookie)
    if status != 200:
        raise RuntimeError(f"{form_page} answered {status} to {email}")
    return session_cookie(response) or cookie, csrf_token(page)
