"""The read-replica router, with a second database alias that mirrors the test database
(as ``TEST: {"MIRROR": "default"}`` does when DATABASE_REPLICA_URL is set)."""

from __future__ import annotations

import copy

import pytest
from django.db import connections, router, transaction

from accounts.models import User
from core.db_router import PRIMARY, REPLICA, ReplicaRouter, replica_reads


def _add_replica_alias() -> None:
    """Declared before the test database is set up, so Django makes it a mirror of it."""
    if REPLICA not in connections.settings:
        mirror = copy.deepcopy(connections.settings[PRIMARY])
        mirror["TEST"] = {**mirror.get("TEST", {}), "MIRROR": PRIMARY}
        # A copy: settings.DATABASES itself (the same dict) stays as configured.
        connections.__dict__["settings"] = {**connections.settings, REPLICA: mirror}


_add_replica_alias()
both = pytest.mark.django_db(transaction=True, databases=[PRIMARY, REPLICA])


@pytest.fixture
def replica(settings):
    """Turn the router's replica on, as DATABASE_REPLICA_URL does."""
    settings.PORTAL_READ_REPLICA = True
    return REPLICA


def test_without_a_replica_everything_reads_the_primary():
    with replica_reads():
        assert router.db_for_read(User) == PRIMARY
    assert router.db_for_write(User) == PRIMARY


@both
def test_replica_serves_reads_only_inside_replica_reads(replica):
    user = User.objects.create_user("13811112222", display_name="副本读取")
    assert router.db_for_read(User) == PRIMARY
    assert User.objects.all().db == PRIMARY
    with replica_reads():
        assert router.db_for_read(User) == REPLICA
        assert router.db_for_write(User) == PRIMARY
        queryset = User.objects.filter(pk=user.pk)
        assert queryset.db == REPLICA
        # Really answered by the replica connection (same committed data).
        before = len(connections[REPLICA].queries_log)
        connections[REPLICA].force_debug_cursor = True
        try:
            assert queryset.get().display_name == "副本读取"
        finally:
            connections[REPLICA].force_debug_cursor = False
        assert len(connections[REPLICA].queries_log) == before + 1
    assert router.db_for_read(User) == PRIMARY


@both
def test_reads_inside_a_primary_transaction_stay_on_the_primary(replica):
    with replica_reads(), transaction.atomic():
        user = User.objects.create_user("13811113333")
        # The replica cannot see this uncommitted row: the read must go to the primary.
        assert router.db_for_read(User) == PRIMARY
        assert User.objects.filter(pk=user.pk).exists()


@both
def test_decorated_view_function_reads_the_replica(replica):
    seen = []

    @replica_reads
    def heavy_page():
        seen.append(router.db_for_read(User))
        return User.objects.count()

    assert heavy_page() >= 0
    assert seen == [REPLICA]
    assert router.db_for_read(User) == PRIMARY


def test_migrations_and_relations():
    r = ReplicaRouter()
    assert r.allow_migrate(PRIMARY, "accounts") is True
    assert r.allow_migrate(REPLICA, "accounts") is False
    a, b = User(), User()
    a._state.db, b._state.db = PRIMARY, REPLICA
    assert r.allow_relation(a, b) is True
