"""Cache invalidation only: any change to a calendar day drops the cached year it was in
and the one it is in now."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from hotline.calendar import calendar_invalidate
from hotline.models import CalendarDay


def _drop(*years: int) -> None:
    calendar_invalidate(*years)
    # A computation running while the writing transaction is open may cache the old year.
    transaction.on_commit(lambda: calendar_invalidate(*years))


@receiver(pre_save, sender=CalendarDay, dispatch_uid="hotline_calendar_moved")
def _calendar_day_moving(sender, instance: CalendarDay, raw=False, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    old = CalendarDay.objects.filter(pk=instance.pk).values_list("date", flat=True).first()
    if old is not None and old.year != instance.date.year:
        _drop(old.year)


@receiver([post_save, post_delete], sender=CalendarDay, dispatch_uid="hotline_calendar_changed")
def _calendar_day_changed(sender, instance: CalendarDay, **kwargs) -> None:
    _drop(instance.date.year)
