"""Liveness of what the portal depends on: the database, the cache and the Celery broker;
and details an operator should see without them being an outage (the hotline's holiday
calendar).

Each check returns a short dict and never raises, so /healthz can always answer.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.utils import timezone

from hotline.calendar import calendar_status

logger = logging.getLogger(__name__)

Check = dict[str, Any]


def _down(name: str, exc: BaseException) -> Check:
    logger.warning("health check failed", extra={"check": name, "error": repr(exc)})
    return {"status": "down", "error": exc.__class__.__name__}


def check_database() -> Check:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "down"
        return _down("database", exc)
    return {"status": "up", "vendor": connections["default"].vendor}


def check_cache() -> Check:
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        # A degrading backend (core.cache) answers misses while Redis is down; ping it.
        ping = getattr(cache, "ping", None)
        if ping is not None:
            ping()
        cache.set(key, "ok", timeout=10)
        ok = cache.get(key) == "ok"
        cache.delete(key)
    except Exception as exc:  # noqa: BLE001
        return _down("cache", exc)
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    if not ok:
        return {"status": "down", "error": "value not stored", "backend": backend}
    return {"status": "up", "backend": backend}


def check_broker() -> Check:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        # No broker configured: tasks run in-process, which is up whenever we are.
        return {"status": "up", "mode": "eager"}
    from portal.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
    except Exception as exc:  # noqa: BLE001
        return _down("broker", exc)
    return {"status": "up", "mode": "redis"}


def run_checks() -> dict[str, Check]:
    return {
        "database": check_database(),
        "cache": check_cache(),
        "broker": check_broker(),
    }


def hotline_calendar() -> Check:
    """A year the time limits need that the holiday package does not know is a warning (they
    count plain weekends), not an outage: reported, never a 503."""
    try:
        return calendar_status(timezone.localdate())
    except Exception as exc:  # noqa: BLE001 - the database being down is reported above
        return {"status": "unknown", "error": exc.__class__.__name__}


def run_details() -> dict[str, Check]:
    return {"hotline_calendar": hotline_calendar()}
