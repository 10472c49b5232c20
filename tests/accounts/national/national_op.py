"""A national identity provider for the relying-party tests: a real HTTP server on
127.0.0.1 that speaks OpenID Connect (discovery, authorize, token with PKCE, JWKS,
userinfo) and can be told to misbehave the way a forged or broken one would.

The browser tests (tests/e2e) sign in against panva's certified oidc-provider; this one
exists to forge what a certified provider never sends: a token signed by another key,
``alg: none``, a foreign nonce or issuer.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "hebei-portal"
CLIENT_SECRET = "national-op-test-secret"


def _rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class NationalOP:
    """State and knobs of the provider. ``claims`` are what the next sign-in releases."""

    claims: dict[str, Any] = field(default_factory=dict)
    #: "ok", "other_key" (signed by a key not published), "none" (unsigned), "hs256"
    #: (signed with the client secret).
    signing: str = "ok"
    nonce_override: str | None = None
    token_issuer: str | None = None
    discovery_issuer: str | None = None
    userinfo_sub: str | None = None
    key: Any = field(default_factory=_rsa_key)
    other_key: Any = field(default_factory=_rsa_key)
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    token_requests: int = 0
    issuer: str = ""

    def jwk(self) -> dict[str, Any]:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {**public, "kid": "k1", "alg": "RS256", "use": "sig"}

    def id_token(self, grant: dict[str, Any]) -> str:
        now = int(time.time())
        payload = {
            "iss": self.token_issuer or self.issuer,
            "sub": grant["claims"]["sub"],
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": self.nonce_override if self.nonce_override is not None else grant["nonce"],
            **{k: v for k, v in grant["claims"].items() if k != "sub"},
        }
        if self.signing == "none":
            return jwt.encode(payload, None, algorithm="none")
        if self.signing == "hs256":
            return jwt.encode(payload, CLIENT_SECRET, algorithm="HS256", headers={"kid": "k1"})
        key = self.other_key if self.signing == "other_key" else self.key
        return jwt.encode(payload, key, algorithm="RS256", headers={"kid": "k1"})


def _handler(op: NationalOP):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def _json(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/.well-known/openid-configuration":
                self._json(
                    200,
                    {
                        "issuer": op.discovery_issuer or op.issuer,
                        "authorization_endpoint": f"{op.issuer}/authorize",
                        "token_endpoint": f"{op.issuer}/token",
                        "userinfo_endpoint": f"{op.issuer}/userinfo",
                        "jwks_uri": f"{op.issuer}/jwks",
                        "token_endpoint_auth_methods_supported": ["client_secret_post"],
                        "id_token_signing_alg_values_supported": ["RS256"],
                        "code_challenge_methods_supported": ["S256"],
                    },
                )
            elif url.path == "/jwks":
                self._json(200, {"keys": [op.jwk()]})
            elif url.path == "/authorize":
                code = secrets.token_urlsafe(16)
                op.codes[code] = {
                    "nonce": query.get("nonce", ""),
                    "challenge": query.get("code_challenge", ""),
                    "redirect_uri": query["redirect_uri"],
                    "claims": {"sub": "national-0001", **op.claims},
                    "used": False,
                }
                location = (
                    query["redirect_uri"]
                    + "?"
                    + urlencode({"code": code, "state": query.get("state", "")})
                )
                self.send_response(302)
                self.send_header("Location", location)
                self.end_headers()
            elif url.path == "/userinfo":
                grant = next(
                    (
                        g
                        for g in op.codes.values()
                        if g.get("access_token")
                        and self.headers.get("Authorization") == f"Bearer {g['access_token']}"
                    ),
                    None,
                )
                if grant is None:
                    self._json(401, {"error": "invalid_token"})
                    return
                info = dict(grant["claims"])
                if op.userinfo_sub:
                    info["sub"] = op.userinfo_sub
                self._json(200, info)
            else:
                self._json(404, {"error": "not_found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if urlsplit(self.path).path != "/token":
                self._json(404, {"error": "not_found"})
                return
            op.token_requests += 1
            grant = op.codes.get(form.get("code", ""))
            verifier = form.get("code_verifier", "")
            challenge = (
                base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
                .rstrip(b"=")
                .decode()
            )
            if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
                self._json(401, {"error": "invalid_client"})
            elif grant is None or grant["used"] or grant["challenge"] != challenge:
                self._json(400, {"error": "invalid_grant"})
            else:
                grant["used"] = True
                grant["access_token"] = secrets.token_urlsafe(16)
                self._json(
                    200,
                    {
                        "access_token": grant["access_token"],
                        "token_type": "Bearer",
                        "expires_in": 300,
                        "id_token": op.id_token(grant),
                    },
                )

    return Handler


class RunningOP:
    """``with RunningOP() as op:`` — the provider served on a free port until the block ends."""

    def __enter__(self) -> NationalOP:
        self.op = NationalOP()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.op))
        self.op.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self.op

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def provider_settings(issuer: str) -> dict[str, Any]:
    """SOCIALACCOUNT_PROVIDERS as portal/settings_features.py builds it for ``issuer``."""
    return {
        "acftu": {
            "APPS": [
                {
                    "provider_id": "acftu",
                    "name": "全国总工会职工之家",
                    "client_id": CLIENT_ID,
                    "secret": CLIENT_SECRET,
                    "settings": {"server_url": issuer, "oauth_pkce_enabled": True},
                }
            ]
        }
    }
