"""Send heavy read pages to a PostgreSQL read replica, everything else to the primary.

With ``DATABASE_REPLICA_URL`` set, settings define a second alias, ``replica`` (a streaming
replica of ``default``). Reads go there only inside ``replica_reads`` — a decorator for views
and selectors that read much and tolerate a replica's lag of a second or two (region pages,
the course catalogue, job search, big admin lists). Everything else, and every read inside a
transaction on the primary (read-your-writes), stays on ``default``. Without a replica the
router changes nothing.

    @replica_reads
    def region_detail(request, slugs): ...

    with replica_reads():
        rows = list(selector(...))
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import connections

REPLICA = "replica"
PRIMARY = "default"

_use_replica: ContextVar[bool] = ContextVar("portal_use_replica", default=False)


def replica_configured() -> bool:
    return bool(getattr(settings, "PORTAL_READ_REPLICA", False))


class _ReplicaReads:
    def __enter__(self) -> _ReplicaReads:
        self._token = _use_replica.set(True)
        return self

    def __exit__(self, *exc: Any) -> None:
        _use_replica.reset(self._token)


def replica_reads(func: Callable | None = None):
    """Reads within this block, or within the decorated function, may be served by the
    replica: ``with replica_reads(): …`` or ``@replica_reads`` (each call gets its own
    context, so concurrent threads never share one)."""
    if func is None:
        return _ReplicaReads()

    @functools.wraps(func)
    def inner(*args, **kwargs):
        with _ReplicaReads():
            return func(*args, **kwargs)

    return inner


class ReplicaRouter:
    """``db_for_read``: the replica inside ``replica_reads`` when one is configured and the
    primary has no open transaction; otherwise the primary. Writes and migrations: primary."""

    def db_for_read(self, model, **hints) -> str:
        if not _use_replica.get() or not replica_configured():
            return PRIMARY
        # A transaction on the primary may hold this request's own writes.
        if connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **hints) -> str:
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        # Both aliases hold the same data: objects read from either may be related.
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA, None}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        # The replica follows the primary's WAL; it is never migrated on its own.
        return db == PRIMARY
