"""core.stockgate: the Redis copy of a limited stock that answers "sold out" without the
database, gives unused units back, and steps aside when Redis is not there."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.test import override_settings

from core import stockgate
from core.stockgate import Admission, stock_gate_close, stock_gate_give_back, stock_gate_take


def _copy(name: str) -> int | None:
    backend = caches["default"]
    value = backend._cache.get_client().get(stockgate._key(backend, name))
    return None if value is None else int(value)


class _Stock:
    """The database side: counts how often the gate had to read it."""

    def __init__(self, left: int | None) -> None:
        self.left, self.reads = left, 0

    def __call__(self) -> int | None:
        self.reads += 1
        return self.left


@pytest.mark.redis
def test_the_copy_is_loaded_once_and_counts_down_to_sold_out():
    stock = _Stock(2)
    assert stock_gate_take(name="t1", load_stock=stock) is Admission.TAKEN
    assert stock_gate_take(name="t1", load_stock=stock) is Admission.TAKEN
    assert stock_gate_take(name="t1", load_stock=stock) is Admission.SOLD_OUT
    assert stock_gate_take(name="t1", load_stock=stock) is Admission.SOLD_OUT
    assert stock.reads == 1
    assert _copy("t1") == 0  # never below zero


@pytest.mark.redis
def test_a_unit_given_back_admits_the_next_request():
    stock = _Stock(1)
    assert stock_gate_take(name="t2", load_stock=stock) is Admission.TAKEN
    stock_gate_give_back(name="t2")
    assert _copy("t2") == 1
    assert stock_gate_take(name="t2", load_stock=stock) is Admission.TAKEN


@pytest.mark.redis
def test_closing_sets_the_copy_to_zero_and_the_copy_expires():
    stock = _Stock(5)
    stock_gate_take(name="t3", load_stock=stock)
    stock_gate_close(name="t3")
    assert stock_gate_take(name="t3", load_stock=stock) is Admission.SOLD_OUT
    backend = caches["default"]
    ttl = backend._cache.get_client().ttl(stockgate._key(backend, "t3"))
    assert 0 < ttl <= stockgate.GATE_SECONDS  # a wrong copy heals by reloading


@pytest.mark.redis
def test_giving_back_onto_an_expired_copy_does_not_create_one():
    stock_gate_give_back(name="t4")
    assert _copy("t4") is None
    stock_gate_close(name="t4")
    assert _copy("t4") is None


@pytest.mark.redis
def test_nothing_to_gate_goes_to_the_database():
    assert stock_gate_take(name="t5", load_stock=_Stock(None)) is Admission.NO_GATE
    assert _copy("t5") is None


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
def test_without_redis_there_is_no_gate():
    stock = _Stock(3)
    assert stock_gate_take(name="t6", load_stock=stock) is Admission.NO_GATE
    assert stock.reads == 0
    stock_gate_give_back(name="t6")  # no error
    stock_gate_close(name="t6")


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens: refused at once
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }
)
def test_unreachable_redis_lets_the_database_decide(monkeypatch):
    logged = []
    monkeypatch.setattr(stockgate.logger, "warning", lambda *a, **k: logged.append(a))
    assert stock_gate_take(name="t7", load_stock=_Stock(3)) is Admission.NO_GATE
    assert stock_gate_take(name="t7", load_stock=_Stock(3)) is Admission.NO_GATE
    assert len(logged) == 1  # then the cache's pause answers without trying
    stock_gate_give_back(name="t7")


@pytest.mark.redis
def test_a_command_redis_refuses_lets_the_database_decide(monkeypatch):
    from redis.exceptions import ResponseError

    backend = caches["default"]
    client = backend._cache.get_client(write=True)

    def refuse(*args, **kwargs):
        raise ResponseError("NOSCRIPT or a misconfigured server")

    monkeypatch.setattr(client, "eval", refuse)
    monkeypatch.setattr(stockgate.logger, "error", lambda *a, **k: None)
    assert stock_gate_take(name="t8", load_stock=_Stock(3)) is Admission.NO_GATE
    stock_gate_give_back(name="t8")  # logged, not raised
