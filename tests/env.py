"""Loaded as a pytest plugin (``-p tests.env``) before pytest-django reads the settings.

Tests run with DEBUG off, like production, so they need a SECRET_KEY; the real services
(DATABASE_URL, REDIS_URL) are taken from the environment as they are.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("STATIC_MANIFEST", "false")
# Logs of every request would drown pytest's output.
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("SMS_BACKEND", "core.sms.backends.locmem.SmsBackend")
os.environ.setdefault("IDENTITY_DEV_KEYS", "true")
# The test client speaks plain http; production redirects it to https.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

# Under pytest-xdist (`pytest -n 2`) each worker has its own test database (pytest-django
# suffixes it) and here its own Redis database, so rate-limit counters, cached pages and the
# Celery queue of one worker never meet the other's.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker.startswith("gw") and os.environ.get("REDIS_URL"):
    from urllib.parse import urlsplit, urlunsplit

    _parts = urlsplit(os.environ["REDIS_URL"])
    # Two databases a worker: the broker's and, next to it, the cache's (settings: the cache
    # takes REDIS_URL's next database). One apart, worker 1's broker was worker 0's cache, and
    # a test emptying its broker emptied the other worker's cache mid-test.
    _db = (int(_parts.path.strip("/") or 0) + 2 * int(_worker[2:])) % 16
    os.environ["REDIS_URL"] = urlunsplit(_parts._replace(path=f"/{_db}"))
