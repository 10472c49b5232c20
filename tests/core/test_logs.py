"""core.logs.PortalJsonFormatter writes the line python-json-logger's JsonFormatter writes."""

from __future__ import annotations

import datetime as dt
import logging
import sys

import pytest
from django.conf import settings
from pythonjsonlogger.json import JsonFormatter

from core.logs import PortalJsonFormatter


def _record(msg, args=(), *, extra=None, exc_info=None, stack_info=None):
    logger = logging.getLogger("portal.request")
    record = logger.makeRecord(
        logger.name, logging.INFO, __file__, 1, msg, args, exc_info, extra=extra, sinfo=stack_info
    )
    record.created = 1_765_000_000.123  # the same time for both formatters
    record.msecs = 123.0
    return record


def _both(options, **record_kwargs):
    options = {key: value for key, value in options.items() if key != "()"}
    theirs = JsonFormatter(**options).format(_record(**record_kwargs))
    ours = PortalJsonFormatter(**options).format(_record(**record_kwargs))
    return ours, theirs


SHIPPED = settings.LOGGING["formatters"]["json"]

try:
    raise ValueError("坏了")
except ValueError:
    EXC_INFO = sys.exc_info()

RECORDS = {
    "request line": {
        "msg": "request",
        "extra": {
            "request_id": "a" * 32,
            "method": "GET",
            "path": "/hebei/廊坊/?q=三河",
            "status": 200,
            "duration_ms": 1.3,
            "user_id": None,
        },
    },
    "arguments": {"msg": "sent %s to %d members", "args": ("短信", 3)},
    "odd extras": {
        "msg": "x",
        "extra": {
            "when": dt.datetime(2026, 12, 8, 9, 30, tzinfo=dt.UTC),
            "day": dt.date(2026, 12, 8),
            "raw": b"\x01bytes",
            "items": [1, {"二": (3, None)}],
            "flag": True,
            "_private": "hidden",
            "message": "ignored: set by format",
        },
    },
    "exception": {"msg": "failed", "exc_info": EXC_INFO},
    "stack": {"msg": "here", "stack_info": "Stack (most recent call last):\n  line"},
    "dict message": {"msg": {"event": "登录", "n": 2}},
}


@pytest.mark.parametrize("name", list(RECORDS))
def test_the_shipped_format_writes_the_same_line(name):
    kwargs = dict(RECORDS[name])
    extra = kwargs.get("extra")
    if extra and "message" in extra:
        with pytest.raises(KeyError):  # logging itself refuses to overwrite message
            _both(SHIPPED, **kwargs)
        kwargs["extra"] = {k: v for k, v in extra.items() if k != "message"}
    ours, theirs = _both(SHIPPED, **kwargs)
    assert ours == theirs


@pytest.mark.parametrize(
    "options",
    [
        {"fmt": "%(levelname)s %(message)s", "static_fields": {"app": "portal"}},
        {"fmt": "%(message)s", "timestamp": True},
        {"fmt": "%(message)s %(missing)s", "rename_fields": {"missing": "gone"}},
        {"fmt": "%(message)s", "json_ensure_ascii": False, "prefix": "LOG "},
        {"fmt": "%(name)s %(message)s", "defaults": {"region": "130000"}},
        {"fmt": "%(message)s", "json_default": str},
    ],
    ids=["static", "timestamp", "rename", "unicode-prefix", "defaults", "json-default"],
)
def test_other_options_write_the_same_line(options):
    ours, theirs = _both(options, **RECORDS["request line"])
    assert ours == theirs
    ours, theirs = _both(options, **RECORDS["odd extras"] | {"extra": {"day": dt.date(2026, 1, 2)}})
    assert ours == theirs


def test_the_shipped_settings_use_it():
    assert SHIPPED["()"] == "core.logs.PortalJsonFormatter"
