"""Small functions the settings use on environment values (parsers, the logging
configuration); kept out of ``portal.settings`` so they can be tested and read as plain
functions."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def next_redis_db(url: str) -> str:
    """The same Redis server, the next database number: clearing the cache (flushdb) must
    never drop the Celery queues."""
    parts = urlsplit(url)
    db = parts.path.strip("/")
    next_db = int(db) + 1 if db.isdigit() else 1
    return urlunsplit(parts._replace(path=f"/{next_db}"))


def pem_blocks(text: str) -> list[str]:
    """``-----BEGIN …`` blocks of ``text`` (newlines possibly written as ``\\n``, blocks
    separated by whitespace or commas). Anything else becomes a block of its own, so that
    allauth's key check reports it instead of it being dropped silently."""
    head, *pieces = text.replace("\\n", "\n").strip().split("-----BEGIN")
    blocks = [head.strip()] + [f"-----BEGIN{p.rstrip().rstrip(',').rstrip()}" for p in pieces]
    return [f"{block}\n" for block in blocks if block]


def logging_config(*, level: str, fmt: str) -> dict:
    """Structured JSON (``fmt="json"``) or console lines to stdout, with ID and mobile
    numbers masked in every record before it is formatted."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "core.logs.PortalJsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            },
            "console": {"format": "%(asctime)s %(levelname)-7s %(name)s %(message)s"},
        },
        # ID and mobile numbers are masked in every record before it is formatted.
        "filters": {"pii": {"()": "core.security.PiiMaskingFilter"}},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "json" if fmt == "json" else "console",
                "filters": ["pii"],
            }
        },
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            # The request log middleware writes one structured line per request instead.
            "django.server": {"level": "WARNING"},
            "django.request": {"level": "ERROR"},
        },
    }
