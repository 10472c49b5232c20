"""The region tree in the admin: read-only, since it comes from the data file
(``manage.py load_regions``). What unions publish on their region pages is administered in
``publishing.admin``."""

from django.contrib import admin
from unfold.admin import ModelAdmin

from regions.models import Region


@admin.register(Region)
class RegionAdmin(ModelAdmin):
    """The tree comes from the data file (``manage.py load_regions``); the admin only reads it."""

    list_display = ("code", "name", "level", "parent", "slug")
    list_filter = ("level",)
    search_fields = ("code", "name", "short_name", "slug")
    list_select_related = ("parent",)
    readonly_fields = [field.name for field in Region._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
