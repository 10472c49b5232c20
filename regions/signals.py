"""Cache invalidation only: any change to a region drops the cached tree snapshot."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from regions.models import Region
from regions.selectors import region_tree_invalidate


@receiver([post_save, post_delete], sender=Region, dispatch_uid="regions_tree_invalidate")
def _region_changed(sender, **kwargs) -> None:
    region_tree_invalidate()
    # A request inside the writing transaction's lifetime may re-cache the old tree.
    transaction.on_commit(region_tree_invalidate)
