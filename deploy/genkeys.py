"""Fresh secrets for a production-like start, printed as ``KEY=value`` lines (an env file).

    python deploy/genkeys.py >> .env          # first start of a deployment
    python deploy/genkeys.py --no-secret-key  # CI, bench and e2e runs set SECRET_KEY themselves
    python deploy/genkeys.py --rotate-oidc deploy/.env  # a new OIDC key, the old one kept

It prints the web push VAPID pair too (``WEB_PUSH_VAPID_PRIVATE_KEY``/``…_PUBLIC_KEY``). Keep
that pair for the life of the deployment: a new one makes every phone's subscription stale.

The one place keys are generated: ``.ci/run``, ``bench/load_env.py`` and the browser tests
import ``generate_keys``. The PEM's newlines are written as ``\\n`` so the key fits on one
line; the settings turn them back. Needs only the ``cryptography`` package.
"""

from __future__ import annotations

import argparse
import base64
import os
import re
from pathlib import Path


def _rsa_pem() -> str:
    """A new 2048-bit RSA private key, PKCS#8 PEM on one line (newlines as ``\\n``)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    return (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
        .replace("\n", "\\n")
    )


def vapid_key_pair() -> tuple[str, str]:
    """A new VAPID key pair for web push (P-256): the private key as base64url of its raw
    32 bytes (what pywebpush reads), the public key as base64url of the uncompressed point
    (the ``applicationServerKey`` browsers subscribe with)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    def b64url(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_numbers().private_value.to_bytes(32, "big")
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(private), b64url(public)


def generate_keys(*, secret_key: bool = True) -> dict[str, str]:
    """New random keys for every secret the settings require when DEBUG is off."""

    def b64(n: int) -> str:
        return base64.b64encode(os.urandom(n)).decode()

    keys = {"SECRET_KEY": b64(48)} if secret_key else {}
    vapid_private, vapid_public = vapid_key_pair()
    keys.update(
        {
            "ID_NUMBER_KEYS": f"k1:{b64(32)}",
            "ID_NUMBER_HASH_KEY": b64(32),
            "CARD_SIGNING_KEY": b64(32),
            "OIDC_PRIVATE_KEY": _rsa_pem(),
            # Web push is optional, but a deployment started from these keys can push at once
            # (WEB_PUSH_VAPID_SUBJECT still names the operator's contact).
            "WEB_PUSH_VAPID_PRIVATE_KEY": vapid_private,
            "WEB_PUSH_VAPID_PUBLIC_KEY": vapid_public,
        }
    )
    return keys


def rotate_oidc_key(env_text: str) -> dict[str, str]:
    """The two lines that rotate the ID token signing key of an env file (its text): a new
    ``OIDC_PRIVATE_KEY``, and ``OIDC_PREVIOUS_PRIVATE_KEYS`` holding the replaced key, then
    the ones it held already. Relying parties keep verifying tokens signed before the switch
    (the JWKS publishes every previous key); drop old entries after the overlap."""
    values = dict(re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", env_text, flags=re.MULTILINE))
    current = values.get("OIDC_PRIVATE_KEY", "").strip()
    if "-----BEGIN" not in current:
        raise ValueError("OIDC_PRIVATE_KEY is not a PEM key in this file: nothing to rotate.")
    previous = values.get("OIDC_PREVIOUS_PRIVATE_KEYS", "").strip()
    return {"OIDC_PRIVATE_KEY": _rsa_pem(), "OIDC_PREVIOUS_PRIVATE_KEYS": current + previous}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-secret-key", action="store_true", help="leave SECRET_KEY out")
    parser.add_argument(
        "--rotate-oidc",
        metavar="ENV_FILE",
        type=Path,
        help="print only the two OIDC lines that replace those of ENV_FILE",
    )
    args = parser.parse_args()
    if args.rotate_oidc:
        try:
            keys = rotate_oidc_key(args.rotate_oidc.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            parser.error(str(exc))
    else:
        keys = generate_keys(secret_key=not args.no_secret_key)
    for name, value in keys.items():
        print(f"{name}={value}")


if __name__ == "__main__":
    main()
