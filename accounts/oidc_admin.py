"""Admin for the OpenID Connect provider's clients and tokens, in the unfold look.

allauth registers plain ``admin.ModelAdmin`` classes with English labels; they are replaced
here. New clients go through ``accounts.oidc.oidc_client_register`` (the one write path), so
a client registered in the admin gets the same rules as one from the demo or the tests.
"""

from __future__ import annotations

from typing import Any

from allauth.idp.oidc.models import Client, Token
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import action, display

from accounts.oidc import (
    SCOPE_DISPLAY,
    oidc_client_register,
    oidc_client_secret_rotate,
    oidc_client_validate,
)


def client_credentials_message(client: Client, secret: str) -> str:
    """The one-time message with a client's id and new secret (sign-in clients here, the
    exchange's trusted systems in datahub's admin)."""
    return format_html(
        "{}<code>{}</code>　{}<code>{}</code>　{}",
        gettext("客户端编号（client_id）："),
        client.pk,
        gettext("客户端密钥（client_secret）："),
        secret,
        gettext("密钥只显示这一次，请立即交给对方平台妥善保管。"),
    )


for model in (Client, Token):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class ClientAdminForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("可申请的授权范围"),
        choices=[(scope, f"{scope}：{label}") for scope, label in SCOPE_DISPLAY.items()],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("平台只能申请这里勾选的范围；openid 必选。"),
    )

    class Meta:
        model = Client
        fields = ("name", "type", "redirect_uris", "scopes", "skip_consent", "owner")
        labels = {
            "name": _("客户端名称"),
            "type": _("客户端类型"),
            "redirect_uris": _("回调地址"),
            "skip_consent": _("跳过授权确认页"),
            "owner": _("负责人"),
        }
        help_texts = {
            "name": _("会员在授权页上看到的名称，如“廊坊市总工会职工服务App”。"),
            "type": _(
                "机密：有服务端、能保管密钥的网站；公开：手机 App 或单页应用。"
                "两者都必须使用 PKCE（S256）。"
            ),
            "redirect_uris": _(
                "每行一个，须与平台发起登录时的 redirect_uri 完全一致。"
                "须为 https（本机调试可用 http://127.0.0.1）或 App 私有协议。"
            ),
            "skip_consent": _("只应给省总工会自有的平台勾选。"),
        }
        widgets = {"redirect_uris": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "type" in self.fields:  # read-only (absent) on the change page
            self.fields["type"].choices = [
                (Client.Type.CONFIDENTIAL, _("机密客户端（有服务端）")),
                (Client.Type.PUBLIC, _("公开客户端（手机 App）")),
            ]
        # A new Client has its generated id already, so "adding" is the test, not the pk.
        if self.instance._state.adding:
            self.initial.setdefault("scopes", ["openid", "profile", "phone", "member"])
        elif not self.is_bound:
            self.initial["scopes"] = self.instance.get_scopes()

    def clean_redirect_uris(self) -> str:
        uris = [line.strip() for line in self.cleaned_data["redirect_uris"].splitlines()]
        return "\n".join(uri for uri in uris if uri)

    def clean_scopes(self) -> str:
        return "\n".join(self.cleaned_data["scopes"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        try:
            oidc_client_validate(
                name=data.get("name", ""),
                # On change the type is read-only, so it is not in the submitted data.
                client_type=data.get("type") or self.instance.type,
                redirect_uris=data.get("redirect_uris", "").split("\n")
                if data.get("redirect_uris")
                else [],
                scopes=data.get("scopes", "").split("\n") if data.get("scopes") else [],
            )
        except ValidationError as exc:
            self.add_error(None, exc)
        return data


@admin.register(Client)
class ClientAdmin(ModelAdmin):
    form = ClientAdminForm
    list_display = ("name", "id", "type_label", "redirect_uri_list", "skip_consent", "created_at")
    list_filter = ("type", "skip_consent")
    search_fields = ("id", "name")
    raw_id_fields = ("owner",)
    actions = ("rotate_secret",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Client]:
        # Trusted systems of the exchange API have their own scopes and page (datahub).
        return (
            super().get_queryset(request).exclude(grant_types=Client.GrantType.CLIENT_CREDENTIALS)
        )

    def get_fields(self, request: HttpRequest, obj: Client | None = None) -> list[str]:
        fields = ["name", "type", "redirect_uris", "scopes", "skip_consent", "owner"]
        return ["id", *fields, "created_at"] if obj is not None else fields

    def get_readonly_fields(self, request: HttpRequest, obj: Client | None = None) -> tuple:
        # The type decides how the client proves itself; changing it means a new client.
        return ("id", "type", "created_at") if obj is not None else ()

    @display(description=_("类型"))
    def type_label(self, obj: Client) -> str:
        return gettext("机密") if obj.type == Client.Type.CONFIDENTIAL else gettext("公开")

    @display(description=_("回调地址"))
    def redirect_uri_list(self, obj: Client) -> str:
        return "，".join(obj.get_redirect_uris())

    def save_model(self, request: HttpRequest, obj: Client, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        client, secret = oidc_client_register(
            name=obj.name,
            client_type=obj.type,
            redirect_uris=obj.get_redirect_uris(),
            scopes=obj.get_scopes(),
            skip_consent=obj.skip_consent,
            owner=obj.owner,
            client_id=obj.pk,
        )
        obj.refresh_from_db()
        obj._state.adding = False
        self._show_credentials(request, client, secret)

    def _show_credentials(self, request: HttpRequest, client: Client, secret: str | None) -> None:
        if secret is None:
            self.message_user(
                request,
                format_html(
                    "{}<code>{}</code>",
                    gettext("客户端编号（client_id）："),
                    client.pk,
                ),
                level=messages.SUCCESS,
            )
            return
        self.message_user(request, client_credentials_message(client, secret), messages.WARNING)

    @action(description=_("重新生成客户端密钥"))
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[Client]) -> None:
        for client in queryset:
            try:
                secret = oidc_client_secret_rotate(client=client)
            except ValidationError as exc:
                self.message_user(
                    request, f"{client.name}：{'；'.join(exc.messages)}", level=messages.ERROR
                )
                continue
            self._show_credentials(request, client, secret)


@admin.register(Token)
class TokenAdmin(ModelAdmin):
    """Issued codes and tokens, for looking up and revoking (deleting) only: their values
    are stored hashed and cannot be created here."""

    list_display = ("client", "type", "user", "created_at", "expires_at")
    list_filter = ("type",)
    raw_id_fields = ("client", "user")
    readonly_fields = ("client", "type", "user", "created_at", "expires_at", "scopes")
    exclude = ("hash", "data")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Token | None = None) -> bool:
        return False
