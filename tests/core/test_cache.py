"""core.cache: values read back as Django's Redis cache reads them, cheaper (issue 19)."""

from __future__ import annotations

import pickle

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisSerializer
from redis.exceptions import ConnectionError as RedisConnectionError

from core.cache import PickleFirstRedisSerializer, ResilientRedisCache

VALUES = [
    0,
    -17,
    2**70,
    True,
    None,
    "",
    "职工之家",
    b"\x80 raw bytes",
    1.5,
    {"nested": [1, "二", (3,)]},
]


class _NoInt(bytes):
    """A stored value that fails the test if something tries it as an integer first."""

    def __int__(self):
        raise AssertionError("read with int() first")

    __index__ = __int__


@pytest.mark.parametrize("value", VALUES, ids=[f"v{i}" for i in range(len(VALUES))])
def test_what_django_stores_reads_back_as_django_reads_it(value):
    ours, django = PickleFirstRedisSerializer(), RedisSerializer()
    stored = django.dumps(value)
    # redis-py sends integers as their digits; Redis gives bytes back
    raw = str(stored).encode() if isinstance(stored, int) else stored
    assert ours.dumps(value) == stored
    assert ours.loads(raw) == django.loads(raw) == value
    assert type(ours.loads(raw)) is type(value)


@pytest.mark.parametrize("protocol", [0, 1, 2, pickle.HIGHEST_PROTOCOL])
def test_a_value_pickled_with_any_protocol_reads_back(protocol):
    value = {"page": "<p>廊坊</p>" * 50, "n": 3}
    assert PickleFirstRedisSerializer().loads(pickle.dumps(value, protocol)) == value


def test_a_pickle_is_not_tried_as_an_integer_first():
    value = {"page": "x" * 6000}
    data = _NoInt(RedisSerializer().dumps(value))
    assert PickleFirstRedisSerializer().loads(data) == value
    with pytest.raises(AssertionError):
        RedisSerializer().loads(data)  # Django's: int() on the whole page first


@pytest.fixture
def redis_cache():
    backend = ResilientRedisCache(settings.CACHES["default"]["LOCATION"], {})
    yield backend
    backend.clear()


@pytest.mark.redis
def test_the_default_cache_uses_the_pickle_first_serializer():
    assert isinstance(caches["default"]._cache._serializer, PickleFirstRedisSerializer)


@pytest.mark.redis
def test_get_many_answers_as_the_client_does(redis_cache):
    redis_cache.set_many({"a": {"x": 1}, "n": 5, "s": "廊坊"})
    redis_cache.set("b", True)
    keys = ["a", "missing", "n", "s", "b"]
    expected = {"a": {"x": 1}, "n": 5, "s": "廊坊", "b": True}
    assert redis_cache.get_many(keys) == expected
    # redis-py's own MGET path, as Django's client runs it
    client = redis_cache._cache
    made = [redis_cache.make_and_validate_key(k) for k in keys]
    raw = client.get_client(None).mget(made)
    loads = client._serializer.loads
    assert {k: loads(v) for k, v in zip(keys, raw, strict=True) if v is not None} == expected
    assert redis_cache.incr("n") == 6  # an integer is still stored as digits


@pytest.mark.redis
def test_a_broken_pooled_connection_falls_back_to_the_client(redis_cache):
    redis_cache.set("a", "一")
    pool = redis_cache._cache._get_connection_pool(False)
    connection = pool.get_connection()
    pool.release(connection)
    sent = []

    def broken(*args, **kwargs):
        sent.append(args)
        del connection.send_command  # the connection works again once reconnected
        raise RedisConnectionError("connection reset by peer")

    connection.send_command = broken
    assert redis_cache.get_many(["a"]) == {"a": "一"}
    assert sent == [("MGET", redis_cache.make_and_validate_key("a"))]
    assert redis_cache._down_until == 0.0  # not taken for Redis being down


def test_a_serializer_named_in_the_options_is_kept():
    backend = ResilientRedisCache(
        "redis://127.0.0.1:1/0",
        {"OPTIONS": {"serializer": "django.core.cache.backends.redis.RedisSerializer"}},
    )
    assert type(backend._cache._serializer) is RedisSerializer


@pytest.mark.redis
def test_no_keys_send_nothing(redis_cache):
    pool = redis_cache._cache._get_connection_pool(False)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pool, "get_connection", lambda *a, **k: pytest.fail("sent MGET"))
        assert redis_cache.get_many([]) == {}
