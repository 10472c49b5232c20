"""Reads of the registry's work databases, scoped by the reader's region (``DATAHUB_IMPORT``)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models import Count, QuerySet

from accounts.permissions import Action, region_scope_q, user_can
from datahub.models import WorkRecord
from datahub.registry import WorkDatabase, work_databases


def work_record_list_for_user(*, user: Any, database: str | None = None) -> QuerySet[WorkRecord]:
    records = WorkRecord.objects.filter(region_scope_q(user, Action.DATAHUB_IMPORT))
    if database:
        records = records.filter(database=database)
    return records.select_related("region", "source_import")


def _view_count(database: WorkDatabase, user: Any) -> int | None:
    model = apps.get_model(database.view.model)
    if database.view.region_field is None:
        # Not placed in a region: only province-wide staff see its size.
        province = settings.PORTAL_DEFAULT_REGION_CODE
        return (
            model.objects.count()
            if user_can(user, Action.DATAHUB_IMPORT, region=province)
            else None
        )
    return model.objects.filter(
        region_scope_q(user, Action.DATAHUB_IMPORT, field=database.view.region_field)
    ).count()


def work_database_overview(*, user: Any) -> list[dict[str, Any]]:
    """Every declared database with its row count within the user's scope (None: unknown
    to them)."""
    stored = dict(
        work_record_list_for_user(user=user)
        .order_by()
        .values("database")
        .annotate(n=Count("id"))
        .values_list("database", "n")
    )
    return [
        {
            "database": database,
            "count": _view_count(database, user)
            if database.is_view
            else stored.get(database.code, 0),
        }
        for database in work_databases()
    ]
