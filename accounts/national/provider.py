"""The national platform as an allauth provider (found by allauth's registry by this
module's name). Differs from allauth's ``openid_connect``: a nonce with every sign-in,
PKCE always, full ID-token checks (``client``), and a phone number the platform verified."""

from __future__ import annotations

import secrets
from typing import Any

from allauth.socialaccount.providers.openid_connect.provider import (
    OpenIDConnectProvider,
    OpenIDConnectProviderAccount,
)
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode

from accounts.national.client import PROVIDER_ID, NationalOAuth2Adapter


class NationalProviderAccount(OpenIDConnectProviderAccount):
    def to_str(self) -> str:
        data = self.get_user_data() or {}
        return data.get("name") or data.get("preferred_username") or self.account.uid


class NationalIdentityProvider(OpenIDConnectProvider):
    id = PROVIDER_ID
    slug = "national"
    name = "全国总工会职工之家"
    account_class = NationalProviderAccount
    oauth2_adapter_class = NationalOAuth2Adapter
    pkce_enabled_default = True

    def get_login_url(self, request: HttpRequest, **kwargs: Any) -> str:
        url = reverse("acftu_login")
        return f"{url}?{urlencode(kwargs)}" if kwargs else url

    def get_callback_url(self) -> str:
        return reverse("acftu_callback")

    def get_oauth2_adapter(self, request: HttpRequest) -> NationalOAuth2Adapter:
        return NationalOAuth2Adapter(request)

    def get_default_scope(self) -> list[str]:
        return ["openid", "profile", "phone"]

    def get_pkce_params(self) -> dict:
        # PKCE is not optional here, whatever the app settings say.
        from allauth.socialaccount.providers.oauth2.utils import generate_code_challenge

        return generate_code_challenge()

    def redirect(self, request: HttpRequest, process, next_url=None, data=None, **kwargs):
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        auth_params["nonce"] = nonce
        # The nonce travels in the stashed state (allauth keeps extra kwargs there) and is
        # compared with the ID token's on the way back.
        return super().redirect(
            request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs
        )

    def extract_common_fields(self, data: dict) -> dict:
        fields = super().extract_common_fields(data)
        fields.pop("email", None)
        return fields

    def extract_email_addresses(self, data: dict) -> list:
        # The portal identifies people by phone; an address from elsewhere proves nothing.
        return []


provider_classes = [NationalIdentityProvider]
