"""Sessions kept in PostgreSQL, read from Redis (Django's ``cached_db``), with the cached copy
bounded in age.

Every signed-in request reads its session; from PostgreSQL that is a query and 2 ms of the
request (profiled for issue 19), from Redis a fraction of it. PostgreSQL stays the record:
writes go to both, a miss reads the database. The user row is still checked on every request
(``accounts.backends`` reads it from a cache its saves clear), so a password change, a
deactivated account or a deleted user end the session as before. ``load_with`` reads the
session and other keys in one round trip.

What the cache could weaken is sign-out: Django deletes the cached copy with the row, but
while Redis is unreachable ``core.cache.ResilientRedisCache`` answers the delete as a miss and
the copy survives in Redis. Cached copies therefore live at most ``SESSION_CACHE_SECONDS``
(5 minutes by default), and such a sign-out is logged, so a session signed out during a Redis
outage cannot be used for longer than that once Redis is back.
"""

from __future__ import annotations

import functools
import logging
import time

from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.core.cache import caches
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@functools.cache
def _serializer(path: str) -> type:
    return import_string(path)


class SessionStore(CachedDBStore):
    cache_key_prefix = "core.sessions"

    def __init__(self, session_key: str | None = None) -> None:
        # SessionBase's, without what Django repeats for every request's store (the
        # serializer imported by name, the cache looked up through a thread-local): the
        # serializer once per setting, the cache on first use. Issue 19.
        self._session_key = session_key
        self.accessed = False
        self.modified = False
        self.serializer = _serializer(settings.SESSION_SERIALIZER)

    @functools.cached_property
    def _cache(self):
        return caches[settings.SESSION_CACHE_ALIAS]

    def _cache_seconds(self, age: int) -> int:
        return max(0, min(age, settings.SESSION_CACHE_SECONDS))

    def load(self) -> dict:
        # cached_db's load, with the cached copy's age bounded.
        try:
            data = self._cache.get(self.cache_key)
        except Exception:  # noqa: BLE001 - an invalid key resets the session (Django #17810)
            data = None
        return self._loaded(data)

    def load_with(self, keys: list[str]) -> dict:
        """Load this existing session (``session_key`` set) as a first access would, and
        read ``keys`` of the same cache in the same round trip; returns what the cache holds
        under ``keys``. Lets a request that knows what else it will read (the user row, a
        kept page) pay one round trip for all of it (issue 19)."""
        try:
            found = self._cache.get_many([self.cache_key, *keys])
        except Exception:  # noqa: BLE001 - as load(): an unreadable key is no session
            found = {}
        self._session_cache = self._loaded(found.pop(self.cache_key, None))
        self.accessed = True
        return found

    def _loaded(self, data: dict | None) -> dict:
        """The session's data from its cached copy, or from the database on a miss."""
        if data is None:
            row = self._get_session_from_db()
            if not row:
                return {}
            data = self.decode(row.session_data)
            age = self.get_expiry_age(expiry=row.expire_date)
            self._cache.set(self.cache_key, data, self._cache_seconds(age))
        return data

    def save(self, must_create: bool = False) -> None:
        # The database row first (DBStore.save), then the bounded cached copy.
        super(CachedDBStore, self).save(must_create)
        try:
            self._cache.set(
                self.cache_key, self._session, self._cache_seconds(self.get_expiry_age())
            )
        except Exception:
            logger.exception("Error saving session to cache (%s)", self._cache)

    def delete(self, session_key: str | None = None) -> None:
        super().delete(session_key)
        if time.monotonic() < getattr(self._cache, "_down_until", 0.0):
            logger.warning(
                "session signed out while Redis is unreachable: its cached copy may stay "
                "usable for up to %s s",
                settings.SESSION_CACHE_SECONDS,
            )
