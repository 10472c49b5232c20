import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from portal.settings_helpers import next_redis_db as _next_redis_db

ROOT = Path(__file__).resolve().parents[2]


def _django_setup(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('ok')"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "portal.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_secret_key_is_required_unless_debug():
    refused = _django_setup(DEBUG="false")
    assert refused.returncode != 0
    assert "SECRET_KEY must be set" in refused.stderr
    assert _django_setup(DEBUG="true").stdout.strip() == "ok"
    assert _django_setup(DEBUG="false", SECRET_KEY="x" * 50).stdout.strip() == "ok"


def test_locale_and_time():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True
    assert "en" in dict(settings.LANGUAGES)


def test_cache_uses_another_redis_database_than_the_broker():
    assert _next_redis_db("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/1"
    assert _next_redis_db("redis://127.0.0.1:6379") == "redis://127.0.0.1:6379/1"
    assert _next_redis_db("redis://:pw@host:6380/4") == "redis://:pw@host:6380/5"


def test_celery_is_configured_for_safe_delivery():
    from portal.celery import app

    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True
    assert app.conf.task_time_limit < app.conf.broker_transport_options["visibility_timeout"]
    assert app.conf.task_always_eager is (not settings.REDIS_URL)
