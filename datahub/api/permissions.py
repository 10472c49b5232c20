from __future__ import annotations

from allauth.idp.oidc.models import Token
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.permissions import BasePermission


class ExchangeScope(BasePermission):
    """The view's ``required_scope`` must be among the token's scopes."""

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, Token) or token.type != Token.Type.ACCESS_TOKEN:
            raise exceptions.NotAuthenticated(
                _(
                    "缺少访问令牌：请先用客户端凭证到 /oidc/token 获取，"
                    "并放在 Authorization: Bearer 头中。"
                )
            )
        scope = view.required_scope
        if scope not in token.get_scopes():
            raise exceptions.PermissionDenied(
                _("该令牌没有“%(scope)s”授权范围。") % {"scope": scope}
            )
        return True
