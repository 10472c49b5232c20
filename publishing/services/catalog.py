"""Writes for the services matrix: entries at any level, and a region's overrides of the
entries it inherits (hide, reorder)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from accounts.permissions import Action, user_can
from regions.models import Region, ServiceEntry, ServiceOverride
from regions.models.catalog import ICON_CHOICES

ENTRY_FIELDS = ("title", "icon", "description", "link_url", "module", "audience", "order")
LINK_PREFIXES = ("/", "https://", "http://", "tel:")


def _require_scope(actor: Any, region: Region) -> None:
    if not user_can(actor, Action.CONTENT_PUBLISH, region=region):
        raise ValidationError(
            _("您只能管理自己负责地区的服务入口，无权操作“%(region)s”。") % {"region": region.name}
        )


def _validate_entry(entry: ServiceEntry) -> None:
    entry.title = (entry.title or "").strip()
    entry.link_url = (entry.link_url or "").strip()
    entry.module = (entry.module or "").strip()
    if not entry.title:
        raise ValidationError(_("请填写服务名称。"))
    if entry.icon not in {value for value, _label in ICON_CHOICES}:
        raise ValidationError(_("请从图标库中选择图标。"))
    if bool(entry.link_url) == bool(entry.module):
        raise ValidationError(_("链接和内置模块须且只能填写一项。"))
    if entry.link_url and not entry.link_url.startswith(LINK_PREFIXES):
        raise ValidationError(_("链接应以 /、https:// 或 tel: 开头。"))
    if entry.module:
        try:
            reverse(entry.module)
        except NoReverseMatch:
            raise ValidationError(
                _("没有名为“%(module)s”的内置模块。") % {"module": entry.module}
            ) from None
    entry.full_clean(exclude=["region"])


@transaction.atomic
def service_entry_create(*, actor: Any, region: Region, **fields: Any) -> ServiceEntry:
    """A new entry defined at ``region``; shown there and inherited by every region below.

    Preconditions: the actor may publish in ``region``; exactly one of link_url / module,
    and a module must be a URL name of the site.
    """
    unknown = set(fields) - set(ENTRY_FIELDS)
    if unknown:
        raise ValidationError(_("未知字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    _require_scope(actor, region)
    entry = ServiceEntry(region=region, **fields)
    _validate_entry(entry)
    entry.save()
    return entry


@transaction.atomic
def service_entry_update(*, actor: Any, entry: ServiceEntry, **changes: Any) -> ServiceEntry:
    unknown = set(changes) - {*ENTRY_FIELDS, "is_active"}
    if unknown:
        raise ValidationError(_("未知字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    entry = (
        ServiceEntry.objects.select_for_update(of=("self",))
        .select_related("region")
        .get(pk=entry.pk)
    )
    _require_scope(actor, entry.region)
    for field, value in changes.items():
        setattr(entry, field, value)
    _validate_entry(entry)
    entry.save(update_fields=list({*changes, "title", "link_url", "module"}))
    return entry


@transaction.atomic
def service_override_set(
    *, actor: Any, region: Region, entry: ServiceEntry, hidden: bool, order: int | None = None
) -> ServiceOverride | None:
    """Hide or reorder, for ``region`` and below, an entry defined above it. Clearing both
    (visible, no order) removes the override and the inherited settings apply again.

    Preconditions: the actor may publish in ``region``; the entry is defined at a strict
    ancestor of ``region`` (a region edits its own entries directly).
    """
    _require_scope(actor, region)
    entry_region = Region.objects.only("path").get(pk=entry.region_id)
    if entry.region_id == region.pk or not region.path.startswith(entry_region.path):
        raise ValidationError(_("只能调整从上级继承来的服务入口。"))
    if order is not None and not 0 <= order <= 32767:
        raise ValidationError(_("排序应为0到32767之间的整数。"))
    if not hidden and order is None:
        ServiceOverride.objects.filter(region=region, entry=entry).delete()
        return None
    override, _created = ServiceOverride.objects.update_or_create(
        region=region, entry=entry, defaults={"hidden": hidden, "order": order}
    )
    return override
