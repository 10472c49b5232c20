"""Fresh secrets for a production-like start, printed as ``KEY=value`` lines (an env file).

    python deploy/genkeys.py >> .env          # first start of a deployment
    python deploy/genkeys.py --no-secret-key  # CI, bench and e2e runs set SECRET_KEY themselves

The one place keys are generated: ``.ci/run``, ``bench/load_env.py`` and the browser tests
import ``generate_keys``. The PEM's newlines are written as ``\\n`` so the key fits on one
line; the settings turn them back. Needs only the ``cryptography`` package.
"""

from __future__ import annotations

import argparse
import base64
import os


def generate_keys(*, secret_key: bool = True) -> dict[str, str]:
    """New random keys for every secret the settings require when DEBUG is off."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    def b64(n: int) -> str:
        return base64.b64encode(os.urandom(n)).decode()

    pem = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
        .replace("\n", "\\n")
    )
    keys = {"SECRET_KEY": b64(48)} if secret_key else {}
    keys.update(
        {
            "ID_NUMBER_KEYS": f"k1:{b64(32)}",
            "ID_NUMBER_HASH_KEY": b64(32),
            "CARD_SIGNING_KEY": b64(32),
            "OIDC_PRIVATE_KEY": pem,
        }
    )
    return keys


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-secret-key", action="store_true", help="leave SECRET_KEY out")
    args = parser.parse_args()
    for name, value in generate_keys(secret_key=not args.no_secret_key).items():
        print(f"{name}={value}")


if __name__ == "__main__":
    main()
