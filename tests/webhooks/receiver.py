"""A park's platform in the test process: an HTTP server on 127.0.0.1 that keeps every request
it receives and answers with the statuses it is told to (then 204)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from association.webhooks.delivery import deliver_due


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: str
    # Whether its signature held, checked on arrival (the library refuses old timestamps) with
    # the receiver's secret; None when the receiver had none.
    signature_held: bool | None

    @property
    def payload(self) -> dict:
        return json.loads(self.body)

    def verified(self, secret: str) -> dict:
        """The payload, once its signature is checked with the standardwebhooks library
        (which raises WebhookVerificationError when it does not hold)."""
        return Webhook(secret).verify(self.body, self.headers)


class Receiver:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.answers: list[int] = []  # statuses to give first, in order; then 204
        self.redirect_to = ""  # a 3xx answer's Location
        self.secret = ""  # the endpoint's: each request's signature is checked on arrival
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length).decode()
                headers = dict(self.headers)
                held = None
                if receiver.secret:
                    try:
                        Webhook(receiver.secret).verify(body, headers)
                        held = True
                    except WebhookVerificationError:
                        held = False
                with receiver.lock:
                    receiver.received.append(Received(self.path, headers, body, held))
                    status = receiver.answers.pop(0) if receiver.answers else 204
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", receiver.redirect_to or "/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/amt"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def events(self) -> list[str]:
        return [r.payload["type"] for r in self.received]

    def all_signed(self) -> bool:
        return bool(self.received) and all(r.signature_held for r in self.received)

    def message_ids(self) -> list[str]:
        return [r.headers["webhook-id"] for r in self.received]


def deliver(session):
    """One worker's pass over the due deliveries."""
    return deliver_due(session, worker="test-worker")
