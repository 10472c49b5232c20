"""The admin base for content edited per region: city and county editors see and edit only
their own subtree (``accounts.permissions``, action ``CONTENT_PUBLISH``). Region pages'
articles and services (``publishing.admin``) and courses (``learning.admin``) stand on it."""

from __future__ import annotations

from django.db.models import Q
from unfold.admin import ModelAdmin

from accounts.permissions import Action, region_scope_q, user_can, user_region_paths
from regions.models import Region


def scoped_regions_q(user) -> Q:
    """Regions (the Region table itself) within the user's publishing scope."""
    query = Q(pk__in=[])
    for path in user_region_paths(user, Action.CONTENT_PUBLISH):
        query |= Q(path__startswith=path)
    return query


class ScopedAdmin(ModelAdmin):
    """Visible to whoever may publish somewhere; rows and region choices limited to scope."""

    def has_module_permission(self, request) -> bool:
        return user_can(request.user, Action.CONTENT_PUBLISH)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is None:
            return self.has_module_permission(request)
        return user_can(request.user, Action.CONTENT_PUBLISH, region=obj.region)

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(region_scope_q(request.user, Action.CONTENT_PUBLISH))
            .select_related("region")
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "region":
            kwargs["queryset"] = Region.objects.filter(scoped_regions_q(request.user)).order_by(
                "code"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request_user = request.user
        return form
