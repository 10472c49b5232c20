"""core.csrf_tokens: Django's CSRF tokens, made with one random read, stay Django's tokens."""

from __future__ import annotations

from collections import Counter

import pytest
from django.middleware import csrf
from django.test import Client, RequestFactory

from core import csrf_tokens


def test_the_patch_is_in_place_and_written_against_this_django():
    assert csrf._get_new_csrf_string is csrf_tokens.csrf_random_string
    assert csrf._mask_cipher_secret is csrf_tokens.csrf_mask_cipher_secret


def test_a_changed_django_function_is_refused(monkeypatch):
    def changed():
        return "x" * 32

    monkeypatch.setattr(csrf, "_get_new_csrf_string", changed)
    with pytest.raises(RuntimeError, match="_get_new_csrf_string"):
        csrf_tokens.apply()


def test_secrets_use_the_alphabet_and_are_not_repeated():
    drawn = [csrf_tokens.csrf_random_string() for _ in range(2000)]
    assert all(len(s) == csrf.CSRF_SECRET_LENGTH for s in drawn)
    assert set("".join(drawn)) <= set(csrf.CSRF_ALLOWED_CHARS)
    assert len(set(drawn)) == len(drawn)


def test_characters_are_uniform():
    """64,000 characters over 62 symbols: each about 1,032 times. A modulo bias (bytes
    256..247 kept) would make the first 8 symbols ~3 % more frequent; 5 sigma bounds."""
    counts = Counter("".join(csrf_tokens.csrf_random_string() for _ in range(2000)))
    expected = 64_000 / 62
    assert len(counts) == 62
    assert all(abs(n - expected) < 5 * expected**0.5 for n in counts.values()), counts
    first, rest = csrf.CSRF_ALLOWED_CHARS[:8], csrf.CSRF_ALLOWED_CHARS[8:]
    mean_first = sum(counts[c] for c in first) / 8
    mean_rest = sum(counts[c] for c in rest) / 54
    assert abs(mean_first - mean_rest) < 0.03 * expected


def test_a_masked_token_unmasks_to_its_secret_with_djangos_own_code():
    for _ in range(200):
        secret = csrf_tokens.csrf_random_string()
        token = csrf_tokens.csrf_mask_cipher_secret(secret)
        assert len(token) == csrf.CSRF_TOKEN_LENGTH
        assert csrf._unmask_cipher_token(token) == secret
    # Two tokens for one secret differ (BREACH): a fresh mask each time.
    assert csrf_tokens.csrf_mask_cipher_secret(secret) != csrf_tokens.csrf_mask_cipher_secret(
        secret
    )


def test_get_token_still_sets_and_checks_a_cookie(db):
    request = RequestFactory().get("/")
    token = csrf.get_token(request)
    assert csrf._unmask_cipher_token(token) == request.META["CSRF_COOKIE"]


@pytest.mark.django_db
def test_a_form_post_with_the_token_passes_and_without_it_is_refused():
    client = Client(enforce_csrf_checks=True)
    page = client.get("/auth/login/")
    token = page.context["csrf_token"] if page.context else None
    token = str(token)
    assert client.post("/prefs/large-text/", {"csrfmiddlewaretoken": token}).status_code != 403
    stranger = Client(enforce_csrf_checks=True)
    stranger.cookies = client.cookies
    assert stranger.post("/prefs/large-text/", {}).status_code == 403
