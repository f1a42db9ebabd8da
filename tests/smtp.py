"""An SMTP server that keeps what it is sent, for the tests of the outbox and the worker."""

from __future__ import annotations

from email.message import EmailMessage


class RecordingSMTP:
    """Patched over `smtplib.SMTP`; every message sent is kept in `sent` (empty it first)."""

    sent: list[EmailMessage] = []

    def __init__(self, host, port, timeout):
        pass

    def starttls(self):
        pass

    def login(self, user, password):
        pass

    def send_message(self, message):
        RecordingSMTP.sent.append(message)

    def quit(self):
        pass

    def close(self):
        pass
