"""Cache invalidation only: a change to an article or a service entry drops the cached pages
of the regions that show it."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from publishing.selectors.catalog import service_catalog_invalidate
from publishing.selectors.pages import region_pages_invalidate
from regions.models import Article, Region, ServiceEntry, ServiceOverride


def _invalidate_for(region_id: int, *, everywhere: bool = False) -> None:
    path = (
        ""
        if everywhere
        else Region.objects.filter(pk=region_id).values_list("path", flat=True).first()
    )
    if path is None:
        return

    def drop() -> None:
        region_pages_invalidate(region_path=path)

    drop()
    transaction.on_commit(drop)


@receiver([post_save, post_delete], sender=Article, dispatch_uid="regions_article_pages")
def _article_changed(sender, instance, update_fields=None, **kwargs) -> None:
    # A moved article leaves its old region's pages stale: drop every page then.
    moved = update_fields is not None and "region" in update_fields
    _invalidate_for(instance.region_id, everywhere=moved)


@receiver([post_save, post_delete], sender=ServiceEntry, dispatch_uid="regions_service_pages")
@receiver([post_save, post_delete], sender=ServiceOverride, dispatch_uid="regions_override_pages")
def _service_changed(sender, instance, **kwargs) -> None:
    service_catalog_invalidate()
    transaction.on_commit(service_catalog_invalidate)
    _invalidate_for(instance.region_id, everywhere=sender is ServiceEntry)
