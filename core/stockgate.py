"""An admission gate in Redis in front of a limited stock kept in the database.

When a 暖新礼包 opens, thousands of members press 领取 in the same minute for a stock of a
few hundred. Every claim that reaches the database queues on the one stock row's lock, and
after the stock is gone the rest still pay for a transaction to learn "已领完". The gate
keeps a copy of the remaining stock in Redis and takes from it with one atomic script: a
request that finds it at zero is answered at once, without the database; one that gets a
unit goes on to the database, which stays the source of truth (its conditional
``UPDATE … WHERE stock > 0`` and check constraint decide who gets the last unit).

The copy is allowed to be wrong in one direction only, briefly:
- it is loaded from the database when missing and expires after ``GATE_SECONDS``, so any
  drift (a worker killed between taking and giving back) heals within that time;
- a unit taken for a request that then fails for another reason (not eligible, claimed
  before, a regional quota out) is given back;
- when the database says "sold out" although the gate admitted, the copy is set to zero.
Too high only lets a few requests through to the database, which refuses them; too low
(a unit not given back) lasts at most ``GATE_SECONDS``.

Without Redis (the embedded default, tests without ``REDIS_URL``) or while it is
unreachable, every call answers "no gate" and the caller goes to the database as before.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from enum import Enum

from django.core.cache import caches
from redis.exceptions import RedisError

from core.cache import UNREACHABLE, ResilientRedisCache

logger = logging.getLogger(__name__)

#: Longest the copy lives before it is loaded from the database again.
GATE_SECONDS = 30

# -1: no copy (load it); 0: none left; 1: one unit taken.
_TAKE = """
local left = redis.call('GET', KEYS[1])
if not left then return -1 end
if tonumber(left) <= 0 then return 0 end
redis.call('DECR', KEYS[1])
return 1
"""


class Admission(Enum):
    TAKEN = "taken"  # a unit is reserved: go on to the database
    SOLD_OUT = "sold_out"  # none left: answer "sold out" without the database
    NO_GATE = "no_gate"  # no Redis, or unreachable: the database decides alone


def _redis():
    """The raw client and the cache itself, or None when the cache is not Redis or is
    pausing after a failure."""
    backend = caches["default"]
    if not isinstance(backend, ResilientRedisCache):
        return None
    if time.monotonic() < backend._down_until:
        return None
    return backend


def _key(backend: ResilientRedisCache, name: str) -> str:
    return backend.make_and_validate_key(f"stockgate:{name}")


def stock_gate_take(*, name: str, load_stock: Callable[[], int | None]) -> Admission:
    """Take one unit of the stock called ``name``. ``load_stock`` reads the remaining stock
    from the database (None: nothing to gate, e.g. no such campaign); it is called only
    when the copy is missing. Never raises for Redis trouble (answers ``NO_GATE``)."""
    backend = _redis()
    if backend is None:
        return Admission.NO_GATE
    key = _key(backend, name)
    try:
        client = backend._cache.get_client(write=True)
        taken = client.eval(_TAKE, 1, key)
        if taken == -1:
            stock = load_stock()
            if stock is None:
                return Admission.NO_GATE
            client.set(key, max(int(stock), 0), ex=GATE_SECONDS, nx=True)
            taken = client.eval(_TAKE, 1, key)
    except UNREACHABLE as exc:
        backend._down_until = time.monotonic() + backend.RETRY_AFTER
        logger.warning("stock gate unavailable, the database decides", extra={"error": repr(exc)})
        return Admission.NO_GATE
    except RedisError as exc:  # a refused command (misconfigured Redis): never a 500
        logger.error(
            "stock gate refused by Redis, the database decides", extra={"error": repr(exc)}
        )
        return Admission.NO_GATE
    if taken == 1:
        return Admission.TAKEN
    if taken == 0:
        return Admission.SOLD_OUT
    return Admission.NO_GATE  # the copy expired between the two calls


def _write(name: str, operation: str) -> None:
    backend = _redis()
    if backend is None:
        return
    key = _key(backend, name)
    try:
        client = backend._cache.get_client(write=True)
        if operation == "give_back":
            # Only onto a live copy: a copy that expired meanwhile is reloaded from the
            # database, which already counts the unit as not taken.
            client.eval(
                "if redis.call('EXISTS', KEYS[1]) == 1 then "
                "return redis.call('INCR', KEYS[1]) end return nil",
                1,
                key,
            )
        else:
            client.set(key, 0, ex=GATE_SECONDS, xx=True)
    except (*UNREACHABLE, RedisError) as exc:
        logger.warning("stock gate unavailable: %s skipped", operation, extra={"error": repr(exc)})


def stock_gate_give_back(*, name: str) -> None:
    """Return a unit taken for a request that did not use it. Side effect: the copy + 1."""
    _write(name, "give_back")


def stock_gate_close(*, name: str) -> None:
    """The database found the stock empty: set the copy to zero, so the next requests are
    answered without it."""
    _write(name, "close")
