"""Regional quotas of a limited stock, one implementation for every owner of one: campaign
welcome packs (``CampaignQuota``) and mall items (``MallItemQuota``).

Taking: one conditional ``UPDATE … SET stock = stock - 1 WHERE stock > 0`` over every quota
covering the member's union region (the deepest and the ones above it); the caller then takes
from the owner's own stock. Quota rows are always updated before the owner row, so concurrent
takers lock in the same order. Setting: staff replace an owner's whole set of quotas; a kept
region's remaining stock moves by the change of its quota in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import Action, user_can
from activities.models import CampaignQuota, MallItemQuota, RegionalQuota
from activities.selectors.reads import region_path_ancestors
from regions.models import Region


@dataclass(frozen=True)
class QuotaKind:
    """What differs between owners of quotas: the model, its owner field and the words."""

    model: type[RegionalQuota]
    owner_field: str
    #: Names the deepest covering region (``%(region)s``) when any covering quota ran out.
    exhausted: Any
    #: ``%(region)s`` lies outside the owner's region ``%(scope)s``.
    outside: Any
    #: A quota below what ``%(region)s`` already took (``%(claimed)s``).
    below_taken: Any
    #: The owner's fixed total no quota may exceed; None when staff restock freely (then a
    #: cap above the stock simply never binds first).
    total_field: str | None


CAMPAIGN_QUOTAS = QuotaKind(
    model=CampaignQuota,
    owner_field="campaign",
    exhausted=gettext_lazy("%(region)s的名额已领完"),
    outside=gettext_lazy("%(region)s不在本活动的地区%(scope)s范围内。"),
    below_taken=gettext_lazy("%(region)s已领取 %(claimed)s 份，配额不能少于已领取数量。"),
    total_field="total_stock",
)

MALL_ITEM_QUOTAS = QuotaKind(
    model=MallItemQuota,
    owner_field="item",
    exhausted=gettext_lazy("本地区名额已兑完（%(region)s）。"),
    outside=gettext_lazy("%(region)s不在本商品的兑换地区%(scope)s范围内。"),
    below_taken=gettext_lazy("%(region)s已兑换 %(claimed)s 件，配额不能少于已兑换数量。"),
    total_field=None,
)


def regional_quotas_covering(
    *, kind: QuotaKind, owner_id: int, member_path: str
) -> list[RegionalQuota]:
    """The owner's quotas whose region subtree holds ``member_path``, deepest first. One
    query (by the ancestors' paths)."""
    if not member_path:
        return []
    quotas = kind.model.objects.select_related("region").filter(
        **{f"{kind.owner_field}_id": owner_id},
        region__path__in=region_path_ancestors(member_path),
    )
    return sorted(quotas, key=lambda quota: len(quota.region.path), reverse=True)


def regional_quota_take(*, kind: QuotaKind, owner_id: int, member_path: str) -> list[RegionalQuota]:
    """Take one from every quota covering the member in one conditional ``UPDATE … WHERE
    stock > 0`` and return them. When any is exhausted fewer rows change and the
    ``ValidationError`` (``kind.exhausted``, naming the member's deepest quota region) rolls
    the others back with the caller's transaction. Call inside ``transaction.atomic``."""
    covering = regional_quotas_covering(kind=kind, owner_id=owner_id, member_path=member_path)
    if not covering:
        return []
    ids = [quota.pk for quota in covering]
    # Lock the rows in one order (by id) before changing them: one UPDATE over several rows
    # locks them in whatever order its scan meets them, so two members of the same county
    # could each hold one of (county, city) and wait for the other: a deadlock, a 500.
    list(kind.model.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))
    taken = kind.model.objects.filter(pk__in=ids, stock__gt=0).update(stock=F("stock") - 1)
    if taken != len(covering):
        raise ValidationError(str(kind.exhausted) % {"region": covering[0].region.name})
    return covering


def regional_quota_give_back(*, kind: QuotaKind, quota_ids: list[int]) -> int:
    """Return one to each of ``quota_ids`` (what a cancelled order took). A quota deleted
    since is skipped by its id; ``stock < quota`` keeps the row within its cap whatever
    staff changed meanwhile. Returns the rows given back."""
    if not quota_ids:
        return 0
    return kind.model.objects.filter(pk__in=quota_ids, stock__lt=F("quota")).update(
        stock=F("stock") + 1
    )


def regional_quota_rows_check(
    *, kind: QuotaKind, owner: Model, rows: list[tuple[Region, int]]
) -> None:
    """Validate an owner's complete set of regional quotas before it is written.

    Each region lies in the owner's region subtree and appears once; no quota exceeds the
    owner's fixed total (campaigns) nor the quota of a region above it. Raises
    ``ValidationError`` (Chinese) naming the first problem.
    """
    scope = owner.region if owner.region_id is not None else None
    total = (getattr(owner, kind.total_field) or 0) if kind.total_field else None
    seen: dict[str, tuple[Region, int]] = {}
    for region, quota in rows:
        if scope is not None and not region.path.startswith(scope.path):
            raise ValidationError(str(kind.outside) % {"region": region.name, "scope": scope.name})
        if region.path in seen:
            raise ValidationError(_("同一地区只能设置一个配额。"))
        if total is not None and quota > total:
            raise ValidationError(
                _("%(region)s的配额 %(quota)s 超过了总数量 %(total)s。")
                % {"region": region.name, "quota": quota, "total": total}
            )
        seen[region.path] = (region, quota)
    for path, (region, quota) in seen.items():
        parents = [p for p in seen if p != path and path.startswith(p)]
        if parents:
            parent, parent_quota = seen[max(parents, key=len)]
            if quota > parent_quota:
                raise ValidationError(
                    _("%(region)s的配额 %(quota)s 超过了上级%(parent)s的配额 %(parent_quota)s。")
                    % {
                        "region": region.name,
                        "quota": quota,
                        "parent": parent.name,
                        "parent_quota": parent_quota,
                    }
                )


@transaction.atomic
def regional_quotas_set(
    *, kind: QuotaKind, owner: Model, quotas: list[tuple[Region, int]], actor: Any
) -> list[RegionalQuota]:
    """Replace ``owner``'s regional quotas with ``quotas`` (region, quota) on behalf of
    ``actor`` (who manages activities in the owner's region).

    A kept region's remaining stock moves by the change of its quota (``stock = stock + new
    - old`` in SQL, so claims and orders made meanwhile are not overwritten); a quota below
    what its region has already taken is refused. A region left out loses its cap. Raises
    ``ValidationError`` (Chinese); nothing is written then.
    """
    if owner.pk is None or not user_can(actor, Action.ACTIVITIES_MANAGE, region=owner.region):
        raise ValidationError(_("您无权在该地区管理活动和福利。"))
    for _region, quota in quotas:
        if not isinstance(quota, int) or isinstance(quota, bool) or quota < 0:
            raise ValidationError(_("配额必须是不小于0的整数。"))
    regional_quota_rows_check(kind=kind, owner=owner, rows=quotas)
    mine = {kind.owner_field: owner}
    existing = {q.region_id: q for q in kind.model.objects.select_for_update().filter(**mine)}
    wanted = {region.pk: (region, quota) for region, quota in quotas}
    kind.model.objects.filter(**mine, region_id__in=set(existing) - set(wanted)).delete()
    for region_id, (region, quota) in wanted.items():
        current = existing.get(region_id)
        if current is None:
            kind.model.objects.create(**mine, region=region, quota=quota, stock=quota)
            continue
        if current.quota == quota:
            continue
        claimed = current.quota - current.stock
        if quota < claimed:
            raise ValidationError(
                str(kind.below_taken) % {"region": region.name, "claimed": claimed}
            )
        kind.model.objects.filter(pk=current.pk).update(
            quota=quota, stock=F("stock") + (quota - current.quota)
        )
    return list(kind.model.objects.select_related("region").filter(**mine).order_by("region__path"))
