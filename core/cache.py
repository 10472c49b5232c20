"""A Redis cache that degrades instead of failing the request when Redis is down.

Everything the portal caches (region trees, page blocks, rate-limit counters) can be
recomputed, so an unreachable Redis must cost speed, not pages: each operation that cannot
reach Redis logs one warning and answers as a cache miss would. After a failure the backend
stops trying for ``RETRY_AFTER`` seconds, so a page that reads the cache twenty times does
not wait twenty connection timeouts. ``/healthz`` still reports the cache down (``ping``).
"""

from __future__ import annotations

import logging
import pickle
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient, RedisSerializer
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)


class PickleFirstRedisSerializer(RedisSerializer):
    """Django's ``RedisSerializer``, reading a pickle without trying it as an integer first.

    Django's ``loads`` runs ``int(data)`` on every value and unpickles on the ``ValueError``,
    whose message holds the repr of the whole value: each cached page, session or user row
    read was copied byte by byte into an error message nobody sees (20,000 instructions for
    a 6 kB page; issue 19). ``dumps`` is Django's, so what is stored is unchanged: integers
    as their digits (for ``incr``), everything else pickled with protocol 2 or later, which
    starts with the PROTO opcode ``0x80``, a byte no integer's digits start with. Anything
    else (an integer, a value pickled with protocol 0 or 1) goes Django's way."""

    def loads(self, data):
        if data[:1] == b"\x80":
            return pickle.loads(data)  # noqa: S301 - our own cache, as Django's serializer
        return super().loads(data)


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client builds a new ``redis.Redis`` for every cache call; building one fills
    its table of ~170 response callbacks, which cost more than the call itself (0.3 ms of a
    signed-in request's 2.9 ms, profiled for issue 19). A ``redis.Redis`` over a connection
    pool is safe to share, so one per pool is kept. Values are read with
    ``PickleFirstRedisSerializer`` unless the cache's OPTIONS name a serializer."""

    def __init__(self, servers, serializer=None, **options: Any) -> None:
        super().__init__(servers, serializer=serializer or PickleFirstRedisSerializer, **options)
        self._clients: dict[int, Any] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(
                connection_pool=self._get_connection_pool(write)
            )
        return client

    def get_many(self, keys):
        """One ``MGET`` on a pooled connection, as ``redis.Redis.mget`` sends it, without the
        client's per-command machinery around it (retry wrapper, observability recorders,
        event dispatch): 65,000 of a signed-in request's 1.2 million instructions, whose
        session, user row and kept page are one of these (callgrind, issue 19). A failed
        send or read drops that connection and goes the client's way, retries included, so
        a connection Redis closed meanwhile costs a retry, not a miss."""
        keys = list(keys)
        if not keys:
            return {}  # MGET without a key is an error reply: nothing to send
        pool = self._get_connection_pool(False)
        connection = pool.get_connection()
        try:
            connection.send_command("MGET", *keys)
            values = connection.read_response()
        except BaseException as exc:
            # a reply may be half read: the connection is not given back as it is
            connection.disconnect()
            pool.release(connection)
            if not isinstance(exc, Exception):
                raise
            return super().get_many(keys)
        pool.release(connection)
        loads = self._serializer.loads
        return {k: loads(v) for k, v in zip(keys, values, strict=True) if v is not None}


class ResilientRedisCache(RedisCache):
    #: Seconds to answer "miss" without trying Redis after it failed.
    RETRY_AFTER = 5.0

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._down_until = 0.0

    def ping(self) -> bool:
        """Reach Redis now, bypassing the pause; raises if it is unreachable, ends the
        pause if it answers."""
        answered = bool(self._cache.get_client(write=True).ping())
        self._down_until = 0.0
        return answered

    def _guard(self, operation: str, call, fallback):
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return call()
        except UNREACHABLE as exc:
            self._down_until = time.monotonic() + self.RETRY_AFTER
            logger.warning(
                "cache unavailable, %s answered as a miss for %ss",
                operation,
                self.RETRY_AFTER,
                extra={"error": repr(exc)},
            )
            return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("add", lambda: RedisCache.add(self, key, value, timeout, version), False)

    def get(self, key, default=None, version=None):
        return self._guard("get", lambda: RedisCache.get(self, key, default, version), default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("set", lambda: RedisCache.set(self, key, value, timeout, version), None)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("touch", lambda: RedisCache.touch(self, key, timeout, version), False)

    def delete(self, key, version=None):
        return self._guard("delete", lambda: RedisCache.delete(self, key, version), False)

    def get_many(self, keys, version=None):
        return self._guard("get_many", lambda: RedisCache.get_many(self, keys, version), {})

    def has_key(self, key, version=None):
        return self._guard("has_key", lambda: RedisCache.has_key(self, key, version), False)

    def incr(self, key, delta=1, version=None):
        # A counter that cannot be read counts from zero (rate limits fail open, logged).
        return self._guard("incr", lambda: RedisCache.incr(self, key, delta, version), delta)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(
            "set_many", lambda: RedisCache.set_many(self, data, timeout, version), list(data)
        )

    def delete_many(self, keys, version=None):
        return self._guard("delete_many", lambda: RedisCache.delete_many(self, keys, version), None)

    def clear(self):
        return self._guard("clear", lambda: RedisCache.clear(self), False)
