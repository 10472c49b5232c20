"""The OAuth2/OIDC client side of the national sign-in: discovery, token exchange and the
checks allauth's generic ``openid_connect`` adapter leaves out (see ``tokens``)."""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.utils import build_absolute_uri
from django.http import HttpRequest
from django.urls import reverse
from requests import RequestException

from accounts.national.tokens import id_token_verify

PROVIDER_ID = "acftu"


class NationalIdpUnavailable(Exception):
    """The national platform could not be reached, or answered with nonsense."""


def _get_json(url: str, **kwargs: Any) -> dict[str, Any]:
    with get_adapter().get_requests_session() as session:
        response = session.get(url, **kwargs)
        response.raise_for_status()
        data = response.json()
    if not isinstance(data, dict):
        raise ValueError(f"{url} did not answer a JSON object")
    return data


class NationalOAuth2Adapter(OpenIDConnectOAuth2Adapter):
    #: Set by the callback view from this sign-in's stashed state before the token is read.
    expected_nonce: str | None = None

    def __init__(self, request: HttpRequest) -> None:
        super().__init__(request, PROVIDER_ID)

    @property
    def openid_config(self) -> dict[str, Any]:
        if not hasattr(self, "_openid_config"):
            provider = self.get_provider()
            try:
                config = _get_json(provider.server_url)
            except (RequestException, ValueError) as exc:
                raise NationalIdpUnavailable(str(exc)) from exc
            expected = provider.app.settings["server_url"].rstrip("/")
            # OIDC Discovery 4.3: the document must name the issuer it was fetched for, or
            # anyone who can answer at that address could mint tokens for "the" issuer.
            if str(config.get("issuer", "")).rstrip("/") != expected:
                raise OAuth2Error(f"discovery names issuer {config.get('issuer')!r}")
            for endpoint in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
                if not config.get(endpoint):
                    raise NationalIdpUnavailable(f"discovery lacks {endpoint}")
            self._openid_config = config
        return self._openid_config

    def get_callback_url(self, request: HttpRequest, app: Any) -> str:
        # allauth's helper: honours ACCOUNT_DEFAULT_HTTP_PROTOCOL behind the TLS proxy.
        return build_absolute_uri(request, reverse("acftu_callback"), self.redirect_uri_protocol)

    def complete_login(self, request: HttpRequest, app: Any, token: Any, **kwargs: Any):
        id_token = kwargs["response"].get("id_token")
        if not id_token:
            raise OAuth2Error("token response without id_token")
        config = self.openid_config
        try:
            jwks = _get_json(config["jwks_uri"])
        except (RequestException, ValueError) as exc:
            raise OAuth2Error(f"signing keys unavailable: {exc}") from exc
        claims = id_token_verify(
            id_token=id_token,
            jwks=jwks,
            issuer=config["issuer"],
            client_id=app.client_id,
            nonce=self.expected_nonce,
        )
        data: dict[str, Any] = {"id_token": claims}
        if config.get("userinfo_endpoint"):
            userinfo = self._fetch_user_info(token.token)
            # OIDC Core 5.3.2: userinfo about another subject must not be used.
            if str(userinfo.get("sub")) != str(claims["sub"]):
                raise OAuth2Error("userinfo is about another subject")
            data["userinfo"] = userinfo
        return self.get_provider().sociallogin_from_response(request, data)
