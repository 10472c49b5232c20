"""The authentication backends, with the signed-in user's row kept in the cache (issue 19).

Every signed-in request loads its user: one PostgreSQL query, about half of a signed-in
request's own time (the full-middleware ceiling measured 1.19 ms signed in against 0.17 ms
anonymous, in-process). Both backends here are Django's and allauth's own, but ``get_user``
reads the row from the cache first (one Redis round trip) and keeps it for
``USER_CACHE_SECONDS``.

The cached row can never outlive a change: every save or delete of a user drops it, now and
again after the transaction commits (a request in between may have cached the old row). No
code writes users with ``update()``/``bulk_update()``; were one added it must call
``auth_user_forget``, and the TTL bounds what it misses. Everything Django checks on each
request is still checked on the row: ``is_active`` (``user_can_authenticate``) and the session
hash of the password (done by ``django.contrib.auth.get_user`` after the backend).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthAuthenticationBackend
from django.contrib.auth import backends
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from accounts.models import User

USER_CACHE_SECONDS = 60


def _key(user_id: Any) -> str:
    return f"authuser:{user_id}"


def auth_user_forget(user_id: Any) -> None:
    """Drop the cached row of ``user_id`` now and once the caller's transaction commits."""
    key = _key(user_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


#: (user id, the row read from the cache or None) while ``auth_user_read_with`` is active.
_prefetched: ContextVar[tuple[Any, User | None] | None] = ContextVar(
    "accounts_user_prefetched", default=None
)


def auth_user_cache_key(user_id: Any) -> str:
    """The cache key of ``user_id``'s row, for a caller reading it with other keys."""
    return _key(user_id)


@contextmanager
def auth_user_read_with(*, user_id: Any, keys: list[str]) -> Iterator[dict[str, Any]]:
    """Read the cached row of ``user_id`` and ``keys`` in one round trip; inside the block
    ``get_user(user_id)`` takes the row from that read instead of a read of its own.
    Yields what the cache held under ``keys``."""
    key = _key(user_id)
    found = cache.get_many([key, *keys])
    with auth_user_given(user_id=user_id, row=found.pop(key, None)):
        yield found


@contextmanager
def auth_user_given(*, user_id: Any, row: User | None) -> Iterator[None]:
    """Inside the block ``get_user(user_id)`` takes ``row``, the value the caller read under
    ``auth_user_cache_key(user_id)`` (None: not cached, so the database), without a read of
    its own."""
    token = _prefetched.set((user_id, row))
    try:
        yield
    finally:
        _prefetched.reset(token)


class _CachedUser:
    def get_user(self, user_id: Any) -> User | None:
        key = _key(user_id)
        prefetched = _prefetched.get()
        if prefetched is not None and str(prefetched[0]) == str(user_id):
            user = prefetched[1]
        else:
            user = cache.get(key)
        if user is None:
            user = super().get_user(user_id)  # None for a missing or inactive user
            if user is not None:
                cache.set(key, user, USER_CACHE_SECONDS)
            return user
        return user if self.user_can_authenticate(user) else None


class ModelBackend(_CachedUser, backends.ModelBackend):
    """Django's ``ModelBackend`` (phone number and password)."""


class AuthenticationBackend(_CachedUser, AllauthAuthenticationBackend):
    """allauth's backend (its sign-in flows record it in the session)."""


def _forget(sender, instance: User, **kwargs: Any) -> None:
    auth_user_forget(instance.pk)


post_save.connect(_forget, sender=User, dispatch_uid="accounts.backends:save")
post_delete.connect(_forget, sender=User, dispatch_uid="accounts.backends:delete")
