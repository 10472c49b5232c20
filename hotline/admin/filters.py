"""The request list's sidebar filters: region (within the agent's scope), overdue, mine."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.permissions import Action, user_region_paths
from hotline.models import State
from regions.models import Region
from regions.selectors import region_tree


class RegionFilter(admin.SimpleListFilter):
    """Cities first, then the counties of the city in hand: a sidebar of 180 places helps
    nobody, and each link costs a template render on every page of the list."""

    title = _("地区")
    parameter_name = "region"

    def lookups(self, request, model_admin):
        tree = region_tree()
        paths = user_region_paths(request.user, Action.HOTLINE_HANDLE)
        in_scope = {
            node.code: node
            for node in tree.nodes.values()
            if node.level in (Region.Level.CITY, Region.Level.COUNTY)
            and any(node.path.startswith(path) for path in paths)
        }
        tops = sorted(
            (node for node in in_scope.values() if node.parent_code not in in_scope),
            key=lambda node: node.code,
        )
        opened = {tops[0].code} if len(tops) == 1 else set()
        chosen = in_scope.get(self.value() or "")
        if chosen is not None:
            opened |= {chosen.code, chosen.parent_code}
        choices = []
        for top in tops:
            choices.append((top.code, top.name))
            if top.code in opened:
                choices.extend(
                    (code, f"· {tree.nodes[code].name}")
                    for code in top.child_codes
                    if code in in_scope
                )
        return choices

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        node = region_tree().get(value)
        if node is None:
            return queryset.none()
        return queryset.filter(region__path__startswith=node.path)


class OverdueFilter(admin.SimpleListFilter):
    title = _("超时")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("1", _("已超时"))]

    def queryset(self, request, queryset):
        return queryset.filter(is_overdue=True) if self.value() == "1" else queryset


class MineFilter(admin.SimpleListFilter):
    title = _("承办人")
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("1", _("我承办的")), ("free", _("未分派"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(assignee=request.user)
        if self.value() == "free":
            return queryset.filter(state=State.NEW)
        return queryset
