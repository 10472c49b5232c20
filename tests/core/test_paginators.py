"""EstimatedCountPaginator: the planner's estimate on big PostgreSQL tables, exact below,
and an empty page (not a 500) for a filter that can match nothing."""

from __future__ import annotations

import pytest

from accounts.models import User
from core import paginators
from core.paginators import EstimatedCountPaginator
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_empty_queryset_counts_zero():
    UserFactory()
    assert EstimatedCountPaginator(User.objects.none(), 50).count == 0
    assert EstimatedCountPaginator(User.objects.filter(pk__in=[]).order_by("pk"), 50).count == 0
    assert list(EstimatedCountPaginator(User.objects.none(), 50).page(1)) == []


def test_small_tables_count_exactly():
    UserFactory.create_batch(3)
    assert EstimatedCountPaginator(User.objects.order_by("pk"), 50).count == User.objects.count()


@pytest.mark.postgres
def test_big_tables_use_the_estimate(monkeypatch, django_assert_num_queries):
    UserFactory.create_batch(3)
    monkeypatch.setattr(paginators, "EXACT_BELOW", 0)
    with django_assert_num_queries(1) as captured:
        count = EstimatedCountPaginator(User.objects.order_by("pk"), 50).count
    assert captured.captured_queries[0]["sql"].startswith("EXPLAIN")
    assert count >= 1
