"""The region tree kept in each process: no cache round trip within LOCAL_TREE_SECONDS, and
a change made by another process noticed after it."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache

from regions.models import Region
from regions.selectors import region_tree
from regions.selectors import tree as tree_module

pytestmark = pytest.mark.django_db


class _Clock:
    def __init__(self) -> None:
        # Ahead of the real clock, which the regions fixture's read used.
        self.now = time.monotonic() + 3600

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = _Clock()
    monkeypatch.setattr(tree_module.time, "monotonic", clock.monotonic)
    return clock


def test_repeated_reads_stay_in_the_process(regions, clock, monkeypatch, django_assert_num_queries):
    region_tree()
    calls = []
    monkeypatch.setattr(cache, "get", lambda *a, **k: calls.append(a) or None)
    with django_assert_num_queries(0):
        for _ in range(20):
            assert region_tree().get("131000").name == "廊坊市"
    assert calls == []


def test_change_in_another_process_is_seen_after_the_local_window(regions, clock):
    assert region_tree().get("131000").name == "廊坊市"
    # Another process renames the city: its signal drops the shared copy and version. Here
    # that is a raw UPDATE and the same cache deletes, without touching this process's copy.
    Region.objects.filter(code="131000").update(name="廊坊市(新)")
    cache.delete_many([tree_module.TREE_CACHE_KEY, tree_module.TREE_VERSION_KEY])
    assert region_tree().get("131000").name == "廊坊市"  # still within the window
    clock.now += tree_module.LOCAL_TREE_SECONDS + 0.1
    assert region_tree().get("131000").name == "廊坊市(新)"


def test_unchanged_version_keeps_the_copy_without_reloading(regions, clock, monkeypatch):
    first = region_tree()
    clock.now += tree_module.LOCAL_TREE_SECONDS + 0.1
    monkeypatch.setattr(tree_module, "_build_tree", lambda: pytest.fail("rebuilt"))
    assert region_tree() is first
