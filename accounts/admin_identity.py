"""Admin of the identity area: digital identities (number masked; an audited reveal for
permitted staff), wallet credentials (revoke) and linked accounts. Lists are scoped by
accounts.permissions: staff see members of the unions in their MEMBER_VIEW scope."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline
from unfold.decorators import action

from accounts.models import Credential, DigitalIdentity, ExternalAccount
from accounts.permissions import Action, user_can
from accounts.selectors.identity import identity_list_for_staff, identity_member_region
from accounts.selectors.wallet import credential_list_for_staff
from accounts.services.identity import identity_id_number_reveal
from accounts.services.wallet import credential_revoke
from core.paginators import EstimatedCountPaginator


class _ScopedReadOnlyAdmin(ModelAdmin):
    """Records written only by services: staff read them within their scope."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return user_can(request.user, Action.MEMBER_VIEW)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return user_can(request.user, Action.MEMBER_VIEW)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ExternalAccountInline(TabularInline):
    model = ExternalAccount
    extra = 0
    fields = ("platform", "platform_name", "external_id", "linked_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return user_can(request.user, Action.MEMBER_VIEW)


@admin.register(DigitalIdentity)
class DigitalIdentityAdmin(_ScopedReadOnlyAdmin):
    list_display = ("member_id", "real_name", "id_number_masked", "verified_at")
    search_fields = ("member_id", "real_name", "user__phone")
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    # unfold renders a list cell by cell: 50 rows, not 100, halve the page's time.
    list_per_page = 50
    # Only the masked number; the ciphertext and the hash never reach a page.
    fields = (
        "user",
        "member_id",
        "real_name",
        "id_number_masked",
        "birth_date",
        "key_id",
        "verified_at",
    )
    readonly_fields = fields
    inlines = (ExternalAccountInline,)
    actions_detail = ("reveal_id_number",)

    def get_queryset(self, request: HttpRequest):
        return identity_list_for_staff(user=request.user)

    def has_reveal_id_number_permission(self, request: HttpRequest, object_id=None) -> bool:
        if object_id is None:
            return user_can(request.user, Action.IDENTITY_VIEW_ID_NUMBER)
        identity = self.get_queryset(request).filter(pk=object_id).first()
        if identity is None:
            # Out of scope or missing: let the action answer 404 rather than a 403 that
            # confirms the record exists.
            return True
        return user_can(
            request.user,
            Action.IDENTITY_VIEW_ID_NUMBER,
            region=identity_member_region(identity=identity),
        )

    @action(
        description=_("查看完整身份证号"),
        url_path="reveal-id-number",
        permissions=["reveal_id_number"],
    )
    def reveal_id_number(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """GET asks to confirm; POST shows the number once and writes the audit entry."""
        identity = self.get_queryset(request).filter(pk=object_id).first()
        if identity is None:
            raise Http404
        number = None
        if request.method == "POST":
            try:
                number = identity_id_number_reveal(
                    identity=identity, viewer=request.user, request=request
                )
            except PermissionDenied:
                raise Http404 from None
        response = render(
            request,
            "accounts/identity_admin_reveal.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("查看完整身份证号"),
                "identity": identity,
                "number": number,
                "opts": self.model._meta,
            },
        )
        response["Cache-Control"] = "no-store, private"
        return response


@admin.register(Credential)
class CredentialAdmin(_ScopedReadOnlyAdmin):
    list_display = ("serial", "title", "kind", "user", "issued_at", "revoked_at")
    list_filter = ("kind",)
    search_fields = ("serial", "title", "user__phone")
    fields = (
        "user",
        "kind",
        "serial",
        "title",
        "issuer",
        "issued_at",
        "expires_at",
        "revoked_at",
        "revoke_reason",
    )
    readonly_fields = fields
    actions = ("revoke_selected",)

    def get_queryset(self, request: HttpRequest):
        return credential_list_for_staff(user=request.user)

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return user_can(request.user, Action.MEMBERSHIP_REVIEW)

    @admin.action(description=_("作废所选凭证"), permissions=["revoke"])
    def revoke_selected(self, request: HttpRequest, queryset) -> None:
        count = 0
        for credential in queryset.filter(revoked_at__isnull=True):
            credential_revoke(credential=credential, reason=gettext("管理员作废"))
            count += 1
        self.message_user(
            request, gettext("已作废 %(count)d 张凭证。") % {"count": count}, messages.SUCCESS
        )
