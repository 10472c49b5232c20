"""Bearer tokens of trusted systems (OAuth2 client credentials from ``/oidc/token``).

allauth's own DRF authentication validates the token; this class adds what a trusted
system needs to hear: a Chinese 401 saying whether the token is missing, unknown or
expired, and a refusal of members' own tokens (issued by the code flow, tied to a person).
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.idp.oidc.contrib.rest_framework.authentication import TokenAuthentication
from allauth.idp.oidc.models import Client, Token
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import get_authorization_header


@dataclass(frozen=True)
class ExchangeClientPrincipal:
    """``request.user`` for a call made by a trusted system rather than a person."""

    client_id: str
    name: str
    pk: None = None
    id: None = None
    is_authenticated: bool = True
    is_active: bool = True
    is_staff: bool = False
    is_superuser: bool = False
    is_anonymous: bool = False
    closed_at: None = None

    def __str__(self) -> str:
        return self.name


class ExchangeTokenAuthentication(TokenAuthentication):
    keyword = "Bearer"

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="exchange"'

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != b"bearer":
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Authorization 头格式应为：Bearer <访问令牌>。")
            )
        result = super().authenticate(request)
        if result is None:
            raise exceptions.AuthenticationFailed(self._why_invalid(parts[1].decode("latin-1")))
        _user, token = result
        if token is None or token.user_id is not None or token.client_id is None:
            raise exceptions.AuthenticationFailed(
                _("该令牌不是数据交换客户端的令牌：请用客户端凭证（client_credentials）获取。")
            )
        client = token.client
        if Client.GrantType.CLIENT_CREDENTIALS not in client.get_grant_types():
            raise exceptions.AuthenticationFailed(_("该客户端未开通数据交换。"))
        return ExchangeClientPrincipal(client_id=client.id, name=client.name), token

    @staticmethod
    def _why_invalid(value: str) -> str:
        token = Token.objects.by_value(value).filter(type=Token.Type.ACCESS_TOKEN).first()
        if token is not None and token.expires_at is not None:
            return _("访问令牌已过期，请用客户端凭证重新获取（有效期1小时）。")
        return _("访问令牌无效或已被撤销。")


class ExchangeTokenScheme(OpenApiAuthenticationExtension):
    target_class = "datahub.api.authentication.ExchangeTokenAuthentication"
    name = "exchangeClientCredentials"

    def get_security_definition(self, auto_schema):
        return {
            "type": "oauth2",
            "description": "OAuth2 客户端凭证：POST /oidc/token（grant_type=client_credentials）。",
            "flows": {
                "clientCredentials": {
                    "tokenUrl": "/oidc/token",
                    "scopes": {
                        "members:read": "读取会员及会籍变更（身份证号脱敏）",
                        "members:id_number": "读取完整身份证号",
                        "members:write": "推送会员信息",
                    },
                }
            },
        }
