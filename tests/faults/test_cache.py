"""core.cache.ResilientRedisCache: with Redis unreachable every operation answers as a
miss (logged once), pauses Redis use for a while, and ping still tells the truth."""

from __future__ import annotations

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from core import cache as cache_module
from core.cache import ResilientRedisCache


@pytest.fixture
def dead_cache():
    # nothing listens on port 1: connection refused at once
    return ResilientRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 1}})


def test_unreachable_redis_answers_as_a_miss(dead_cache, monkeypatch):
    # Count the warnings on the module's logger itself: other tests (Celery workers started
    # in-process, logging reconfiguration) may leave handlers that caplog doesn't see.
    logged = []
    monkeypatch.setattr(cache_module.logger, "warning", lambda *a, **k: logged.append(a))
    assert dead_cache.get("k", "default") == "default"
    assert dead_cache.set("k", 1) is None
    assert dead_cache.add("k", 1) is False
    assert dead_cache.get_many(["a", "b"]) == {}
    assert dead_cache.has_key("k") is False
    assert dead_cache.incr("k", 3) == 3
    assert dead_cache.delete("k") is False
    assert dead_cache.get_or_set("k", "computed") == "computed"
    assert dead_cache.set_many({"a": 1}) == ["a"]
    assert len(logged) == 1  # one failure, then the pause answers without trying


def test_pause_then_retry_and_ping(dead_cache, monkeypatch):
    calls = []
    original = type(dead_cache._cache).get

    def counting_get(self, key, default):
        calls.append(key)
        return original(self, key, default)

    monkeypatch.setattr(type(dead_cache._cache), "get", counting_get)
    assert dead_cache.get("a") is None and dead_cache.get("b") is None
    assert len(calls) == 1  # paused after the first failure
    monkeypatch.setattr(ResilientRedisCache, "RETRY_AFTER", 0.0)
    dead_cache._down_until = 0.0
    dead_cache.get("c")
    dead_cache.get("d")
    assert len(calls) == 3  # no pause: each call tries Redis
    with pytest.raises(RedisConnectionError):
        dead_cache.ping()  # /healthz sees the truth
