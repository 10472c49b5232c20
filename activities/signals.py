"""Cache invalidation only: a changed activity drops the region-page blocks showing it."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from activities.models import Activity
from activities.selectors.reads import region_upcoming_invalidate


@receiver([post_save, post_delete], sender=Activity, dispatch_uid="activities_region_block")
def _activity_changed(sender, instance, **kwargs) -> None:
    # A moved activity may leave another region stale: drop every block (a few hundred keys).
    def drop() -> None:
        region_upcoming_invalidate(region_path="")

    drop()
    transaction.on_commit(drop)
