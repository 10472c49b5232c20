"""Daily use: the middleware notes a signed-in user once a day in the cache (no query),
the flush writes the notes to DailyActive, idempotently."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from insights.models import DailyActive
from insights.services import daily_active_flush, daily_active_note
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_signed_in_request_is_noted_once_and_flushed(client, regions):
    user = UserFactory()
    client.force_login(user)
    client.get("/")
    client.get("/")
    assert not DailyActive.objects.exists()  # nothing written on the request path
    assert daily_active_flush() == 1
    assert list(DailyActive.objects.values_list("user_id", "date")) == [
        (user.pk, timezone.localdate())
    ]
    assert daily_active_flush() == 0  # nothing new
    assert not daily_active_note(user_id=user.pk)  # already noted today
    assert DailyActive.objects.count() == 1


def test_anonymous_requests_are_not_noted(client, regions):
    client.get("/")
    assert daily_active_flush() == 0


def test_the_request_does_not_query_for_the_note(client, regions):
    user = UserFactory()
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert not any("insights_" in q["sql"] for q in queries.captured_queries)
    assert cache.get(f"insights:active:{timezone.localdate().isoformat()}:u:{user.pk}")
    assert daily_active_flush() == 1


def test_the_process_notes_a_user_once_a_day_without_asking_redis_again(
    client, regions, monkeypatch
):
    from insights import middleware

    calls = []
    real = middleware.daily_active_note
    monkeypatch.setattr(
        middleware, "daily_active_note", lambda **kw: calls.append(kw) or real(**kw)
    )
    user = UserFactory()
    client.force_login(user)
    for _ in range(3):
        client.get("/")
    assert len(calls) == 1
    assert daily_active_flush() == 1
