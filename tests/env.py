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
