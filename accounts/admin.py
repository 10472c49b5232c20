from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.forms import AdminPasswordChangeForm

from accounts.forms import AdminUserChangeForm, AdminUserCreationForm
from accounts.models import User
from core.paginators import EstimatedCountPaginator

admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(ModelAdmin):
    search_fields = ("name",)
    filter_horizontal = ("permissions",)


@admin.register(User)
class UserAdmin(BaseUserAdmin, ModelAdmin):
    form = AdminUserChangeForm
    add_form = AdminUserCreationForm
    change_password_form = AdminPasswordChangeForm
    ordering = ("-date_joined",)
    list_display = ("phone", "display_name", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active")
    search_fields = ("phone", "display_name", "email")
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    # unfold renders a list cell by cell: 50 rows, not 100, halve the page's time.
    list_per_page = 50
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("phone", "password")}),
        (_("个人信息"), {"fields": ("display_name", "email")}),
        (
            _("权限"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("时间"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("phone", "display_name", "email", "password1", "password2"),
            },
        ),
    )


# The other areas' admins register themselves on import: identities and credentials,
# unions/入会/转会/memberships, OIDC clients and tokens.
from accounts import admin_identity, admin_membership, oidc_admin  # noqa: E402, F401
