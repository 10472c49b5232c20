"""Django's CSRF token with one random read instead of sixty-four.

Django makes every new CSRF secret and every per-response mask with ``get_random_string``,
which calls ``secrets.choice`` once per character: 32 reads of the system random source for
a secret and 32 more for each mask. An anonymous page that carries a form (the 大字版 switch
is on every page) pays for a secret and a mask on every first visit, and a mask on every
page: profiled for issue 19, that was about a sixth of a cached public page's server time.

The replacement draws the same characters from the same source (``secrets.token_bytes``)
with one read: a byte below 248 (4 × 62) picks ``CSRF_ALLOWED_CHARS[byte % 62]``, uniformly;
the rest are rejected, as ``secrets.choice`` does internally. The mask and cipher are those of
Django's ``_mask_cipher_secret`` (``_unmask_cipher_token`` is untouched and reads both), with
the alphabet looked up in a dict instead of ``str.index``.

``apply()`` runs from ``CoreConfig.ready`` and refuses to patch anything but the functions it
was written against (Django 5.2), so an upgrade that changes them is caught by
``tests/core/test_csrf_tokens.py`` instead of silently keeping an old behaviour.
"""

from __future__ import annotations

import hashlib
import inspect
import secrets

from django.middleware import csrf

_ALPHABET = csrf.CSRF_ALLOWED_CHARS
_INDEX = {char: position for position, char in enumerate(_ALPHABET)}
_LIMIT = 256 - 256 % len(_ALPHABET)  # bytes at or above are rejected (no modulo bias)

#: sha256 of the source of the Django functions replaced here, as written against.
EXPECTED = {
    "_get_new_csrf_string": "4663e5208a94fe2cb973d141bb0e8040",
    "_mask_cipher_secret": "e0fac48ab16505ec998617492e0ece77",
}


def csrf_random_string(length: int = csrf.CSRF_SECRET_LENGTH) -> str:
    """``length`` characters of ``CSRF_ALLOWED_CHARS``, each uniformly and independently
    drawn from the system's cryptographic random source."""
    chars: list[str] = []
    while len(chars) < length:
        # 248 of 256 byte values are kept: a few spare bytes make a second read rare.
        for byte in secrets.token_bytes(length - len(chars) + 8):
            if byte < _LIMIT:
                chars.append(_ALPHABET[byte % len(_ALPHABET)])
                if len(chars) == length:
                    break
    return "".join(chars)


def csrf_mask_cipher_secret(secret: str) -> str:
    """Django's token for ``secret``: a fresh mask, then each secret character shifted by
    the mask's character at the same place (modulo the alphabet)."""
    mask = csrf_random_string()
    size = len(_ALPHABET)
    cipher = "".join(
        _ALPHABET[(_INDEX[s] + _INDEX[m]) % size] for s, m in zip(secret, mask, strict=False)
    )
    return mask + cipher


def source_digest(function: object) -> str:
    """A short sha256 of the source of ``function`` (or a class): what a patch was written
    against, compared on start-up (also used by ``core.fast_settings``)."""
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()[:32]


def apply() -> None:
    for name, digest in EXPECTED.items():
        current = getattr(csrf, name)
        if current in (csrf_random_string, csrf_mask_cipher_secret):
            continue
        if source_digest(current) != digest:
            raise RuntimeError(
                f"django.middleware.csrf.{name} is not the function core.csrf_tokens was "
                "written against: check the replacement still matches it, then update EXPECTED"
            )
    csrf._get_new_csrf_string = csrf_random_string
    csrf._mask_cipher_secret = csrf_mask_cipher_secret
