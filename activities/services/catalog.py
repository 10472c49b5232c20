"""Creating and editing what staff manage: campaigns, activities and mall items."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import Action, user_can
from activities.models import Activity, Campaign, MallItem

Managed = TypeVar("Managed", Campaign, Activity, MallItem)

# Fields that only claims and orders move: an edit form loaded a minute ago must never write
# back an old stock over the decrements made since. Mall stock grows through
# mall_item_restock (a relative increment) instead.
_MOVED_BY_SERVICES = {Campaign: {"stock"}, MallItem: {"stock"}}


@transaction.atomic
def managed_item_save(*, obj: Managed, actor: Any) -> Managed:
    """Create or update a campaign, activity or mall item on behalf of ``actor``.

    Preconditions: none beyond the object's own fields. Raises ``ValidationError`` (Chinese)
    when ``actor`` may not manage activities in the object's region or a field is invalid;
    nothing is saved then. A new campaign starts with its whole stock; later edits never
    write the stock, which only claims move.
    """
    if obj.region_id is None or not user_can(actor, Action.ACTIVITIES_MANAGE, region=obj.region):
        raise ValidationError(_("您无权在该地区管理活动和福利。"))
    creating = obj.pk is None
    if creating and isinstance(obj, Campaign):
        obj.stock = obj.total_stock
    obj.full_clean()
    if creating:
        obj.save(force_insert=True)
        return obj
    protected = _MOVED_BY_SERVICES.get(type(obj), set())
    fields = [
        field.name
        for field in obj._meta.concrete_fields
        if not field.primary_key and field.name not in protected
    ]
    obj.save(update_fields=fields)
    return obj
