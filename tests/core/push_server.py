"""A local stand-in for a browser's push service (RFC 8030), on 127.0.0.1, that checks what
a real one checks and decrypts what only the browser could:

- the VAPID ``Authorization: vapid t=<JWT>,k=<public key>`` header (RFC 8292): the ES256
  signature verifies with ``k``, ``aud`` is this service's origin, ``exp`` is in the next
  24 hours and ``sub`` is a mailto:/https: contact;
- the body is ``aes128gcm`` (RFC 8291) and decrypts with the subscription's private key and
  auth secret (``Browser`` holds them, as the browser would) to the JSON payload.

Each request is recorded; the status to answer comes from ``answers`` (per path, in turn),
else 201.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Browser:
    """The browser's side of one subscription: its key pair and auth secret."""

    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth_secret: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    claims: dict | None  # the verified VAPID JWT's claims
    vapid_key: str
    payload: dict | None  # the decrypted JSON
    problems: list[str]


@dataclass
class PushService:
    server: ThreadingHTTPServer
    browsers: dict[str, Browser] = field(default_factory=dict)  # path -> browser
    received: list[Received] = field(default_factory=list)
    answers: dict[str, list[int]] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def endpoint(self, name: str) -> tuple[str, Browser]:
        """A new subscription's endpoint at this service and its browser keys."""
        path = f"/push/{name}"
        self.browsers[path] = Browser()
        return self.origin + path, self.browsers[path]

    def answer(self, name: str, *statuses: int) -> None:
        self.answers.setdefault(f"/push/{name}", []).extend(statuses)

    def to(self, name: str) -> list[Received]:
        return [r for r in self.received if r.path == f"/push/{name}"]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _check(service: PushService, path: str, headers: dict[str, str], body: bytes) -> Received:
    problems: list[str] = []
    claims = None
    key = ""
    auth = headers.get("authorization", "")
    scheme, _, params = auth.partition(" ")
    parts = dict(p.split("=", 1) for p in params.split(",") if "=" in p)
    if scheme.lower() != "vapid" or "t" not in parts or "k" not in parts:
        problems.append(f"no VAPID authorization: {auth!r}")
    else:
        key = parts["k"]
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(key))
        try:
            claims = jwt.decode(
                parts["t"], key=public, algorithms=["ES256"], audience=service.origin
            )
        except jwt.PyJWTError as exc:
            problems.append(f"VAPID JWT does not verify: {exc!r}")
        else:
            if not 0 < claims["exp"] - time.time() <= 24 * 3600:
                problems.append(f"exp out of range: {claims['exp']}")
            if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
                problems.append(f"bad sub: {claims.get('sub')!r}")
    if headers.get("content-encoding") != "aes128gcm":
        problems.append(f"content-encoding {headers.get('content-encoding')!r}")
    if not headers.get("ttl", "").isdigit():
        problems.append("no TTL")
    payload = None
    browser = service.browsers.get(path)
    if browser is None:
        problems.append("unknown subscription")
    elif body:
        try:
            clear = http_ece.decrypt(
                body,
                private_key=browser.private_key,
                auth_secret=browser.auth_secret,
                version="aes128gcm",
            )
            payload = json.loads(clear)
        except Exception as exc:  # noqa: BLE001 - any failure to decrypt is the finding
            problems.append(f"body does not decrypt: {exc!r}")
    return Received(path, headers, claims, key, payload, problems)


def start_push_service() -> PushService:
    holder: dict[str, PushService] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            service = holder["service"]
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            service.received.append(_check(service, self.path, headers, body))
            queued = service.answers.get(self.path) or []
            status = queued.pop(0) if queued else 201
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    holder["service"] = PushService(server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return holder["service"]
