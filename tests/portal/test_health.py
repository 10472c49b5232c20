import pytest
from django.db import OperationalError

from portal import health
from portal.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_healthz_all_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "up" and body["down"] == []
    assert set(body["checks"]) == {"database", "cache", "broker"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_names_a_down_database(client, monkeypatch):
    class BrokenConnection:
        vendor = "broken"

        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connections", {"default": BrokenConnection()})
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["down"] == ["database"]
    assert body["checks"]["database"] == {"status": "down", "error": "OperationalError"}


def test_healthz_names_a_down_cache(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["cache"]


def test_healthz_names_a_down_broker(client, settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["broker"]


@pytest.mark.redis
def test_healthz_against_real_redis(client):
    body = client.get("/healthz").json()
    assert body["checks"]["cache"] == {"status": "up", "backend": "ResilientRedisCache"}
    assert body["checks"]["broker"] == {"status": "up", "mode": "redis"}


@pytest.mark.postgres
def test_healthz_against_real_postgresql(client):
    body = client.get("/healthz").json()
    assert body["checks"]["database"] == {"status": "up", "vendor": "postgresql"}
