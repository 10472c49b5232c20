"""Encryption of the resident ID number at rest, and its keyed hash.

- ``ID_NUMBER_KEYS``: ``key_id:base64-32-byte-key`` entries separated by commas; the first
  is current and encrypts new values (AES-256-GCM). Older entries stay so existing rows can
  be read until ``manage.py rotate_id_number_key`` has re-encrypted them; then they can go.
- ``ID_NUMBER_HASH_KEY``: base64 key of the HMAC-SHA256 index (``DigitalIdentity.id_number_hash``)
  that finds a duplicate without decrypting. Changing it means re-hashing every row, so it
  is meant to stay fixed.

Development and tests (``IDENTITY_DEV_KEYS``) derive both from ``SECRET_KEY`` when unset;
elsewhere a missing or malformed key raises ``ImproperlyConfigured`` naming the variable.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEV_KEY_ID = "dev"
_NONCE_BYTES = 12
# Binds a ciphertext to its purpose: an ID-number ciphertext pasted into another encrypted
# field would fail to decrypt.
_AAD = b"accounts.DigitalIdentity.id_number"


@dataclass(frozen=True)
class IdNumberKeys:
    current_id: str
    keys: dict[str, bytes]
    hash_key: bytes


def dev_key(purpose: str) -> bytes:
    """A development-only key derived from SECRET_KEY: worthless wherever SECRET_KEY differs,
    and never used outside DEBUG or the test runner."""
    return hashlib.sha256(f"portal-dev-key:{purpose}:{settings.SECRET_KEY}".encode()).digest()


def decode_key(value: str, *, variable: str, label: str) -> bytes:
    try:
        raw = base64.b64decode(value.strip() + "=" * (-len(value.strip()) % 4), validate=False)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"{variable}: {label} is not valid base64.") from exc
    if len(raw) != 32:
        raise ImproperlyConfigured(f"{variable}: {label} must decode to 32 bytes, not {len(raw)}.")
    return raw


@lru_cache(maxsize=8)
def _parse(raw_keys: str, raw_hash_key: str, dev: bool, secret: str) -> IdNumberKeys:
    keys: dict[str, bytes] = {}
    current_id = ""
    if raw_keys.strip():
        for entry in raw_keys.split(","):
            if not entry.strip():
                continue
            key_id, sep, value = entry.strip().partition(":")
            if not sep or not key_id or len(key_id) > 16:
                raise ImproperlyConfigured(
                    "ID_NUMBER_KEYS: each entry must be key_id:base64-key "
                    "(key_id up to 16 characters)."
                )
            if key_id in keys:
                raise ImproperlyConfigured(f"ID_NUMBER_KEYS: key id {key_id!r} appears twice.")
            keys[key_id] = decode_key(value, variable="ID_NUMBER_KEYS", label=f"key {key_id!r}")
            current_id = current_id or key_id
    elif dev:
        current_id = DEV_KEY_ID
        keys[DEV_KEY_ID] = dev_key("id-number-encryption")
    else:
        raise ImproperlyConfigured(
            "ID_NUMBER_KEYS is not set: give key_id:base64-32-byte-key entries, current first."
        )
    if raw_hash_key.strip():
        hash_key = decode_key(raw_hash_key, variable="ID_NUMBER_HASH_KEY", label="the key")
    elif dev:
        hash_key = dev_key("id-number-hash")
    else:
        raise ImproperlyConfigured("ID_NUMBER_HASH_KEY is not set: give a base64 32-byte key.")
    return IdNumberKeys(current_id=current_id, keys=keys, hash_key=hash_key)


def id_number_keys() -> IdNumberKeys:
    """The configured keys (parsed once per distinct configuration)."""
    return _parse(
        settings.ID_NUMBER_KEYS,
        settings.ID_NUMBER_HASH_KEY,
        bool(settings.IDENTITY_DEV_KEYS),
        settings.SECRET_KEY,
    )


def current_key_id() -> str:
    return id_number_keys().current_id


def id_number_encrypt(number: str) -> tuple[str, str]:
    """Encrypt with the current key; returns ``(ciphertext, key_id)``.

    The ciphertext is URL-safe base64 of a fresh 96-bit nonce followed by the GCM output,
    so encrypting the same number twice gives different ciphertexts.
    """
    keys = id_number_keys()
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(keys.keys[keys.current_id]).encrypt(nonce, number.encode(), _AAD)
    return base64.urlsafe_b64encode(nonce + sealed).decode("ascii"), keys.current_id


def id_number_bulk_sealer() -> Callable[[str], tuple[str, str, str]]:
    """For bulk loads (datahub imports): a function ``number -> (ciphertext, key_id, hash)``
    giving exactly what ``id_number_encrypt`` and ``id_number_hash`` give, but reusing one
    AES-GCM context and drawing nonces in blocks: about half the cost per number."""
    keys = id_number_keys()
    cipher = AESGCM(keys.keys[keys.current_id])
    key_id = keys.current_id
    hash_key = keys.hash_key
    pool = bytearray()

    def seal(number: str) -> tuple[str, str, str]:
        nonlocal pool
        if len(pool) < _NONCE_BYTES:
            pool = bytearray(os.urandom(_NONCE_BYTES * 4096))
        nonce = bytes(pool[-_NONCE_BYTES:])
        del pool[-_NONCE_BYTES:]
        plain = number.encode()
        sealed = cipher.encrypt(nonce, plain, _AAD)
        return (
            base64.urlsafe_b64encode(nonce + sealed).decode("ascii"),
            key_id,
            hmac.new(hash_key, plain, hashlib.sha256).hexdigest(),
        )

    return seal


def id_number_decrypt(ciphertext: str, key_id: str) -> str:
    """Decrypt a value written by ``id_number_encrypt`` under ``key_id``.

    Raises ``ImproperlyConfigured`` when that key is no longer configured (rotation removed
    it too early) and ``ValueError`` when the ciphertext was altered.
    """
    keys = id_number_keys()
    key = keys.keys.get(key_id)
    if key is None:
        raise ImproperlyConfigured(
            f"ID_NUMBER_KEYS has no key {key_id!r}: keep it until rotate_id_number_key has run."
        )
    try:
        blob = base64.urlsafe_b64decode(ciphertext.encode("ascii"))
        plain = AESGCM(key).decrypt(blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], _AAD)
    except (InvalidTag, binascii.Error, ValueError) as exc:
        raise ValueError("ID number ciphertext cannot be decrypted") from exc
    return plain.decode()


def id_number_hash(number: str) -> str:
    """Keyed HMAC-SHA256 (hex, 64 characters) of a normalised number: stable for the same
    key, useless without it (the space of ID numbers is small enough to brute-force a plain
    hash)."""
    return hmac.new(id_number_keys().hash_key, number.encode(), hashlib.sha256).hexdigest()


def id_number_mask(number: str) -> str:
    """``1301**********1234``: the first four digits (province and city) and the last four."""
    if len(number) < 8:
        return "*" * len(number)
    return f"{number[:4]}{'*' * (len(number) - 8)}{number[-4:]}"
