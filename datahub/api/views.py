"""The exchange API for trusted systems (``/api/exchange/v1/``): pull members and the
change feed with opaque keyset cursors, push member records. Every call, answered or
refused, is written to the call log."""

from __future__ import annotations

from django.core import signing
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import crypto
from datahub import selectors
from datahub.api.authentication import ExchangeTokenAuthentication
from datahub.api.permissions import ExchangeScope
from datahub.api.serializers import (
    ExchangeChangePageSerializer,
    ExchangeMemberPageSerializer,
    ExchangePushResponseSerializer,
    ExchangePushSerializer,
)
from datahub.services.exchange import (
    SCOPE_ID_NUMBER,
    SCOPE_READ,
    SCOPE_WRITE,
    exchange_call_log,
    exchange_members_push,
)

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
_CURSOR_SALT = "datahub.exchange.cursor.v1"

CURSOR_PARAMETERS = [
    OpenApiParameter("cursor", str, description="上一页返回的 next_cursor；首次不带"),
    OpenApiParameter("limit", int, description=f"每页条数，默认{DEFAULT_LIMIT}，最多{MAX_LIMIT}"),
]


def _encode_cursor(kind: str, *values: int) -> str:
    return signing.dumps([kind, *values], salt=_CURSOR_SALT, compress=False)


def _decode_cursor(request, kind: str, size: int) -> list[int]:
    raw = request.query_params.get("cursor")
    if not raw:
        return [0] * size
    try:
        value = signing.loads(raw, salt=_CURSOR_SALT)
    except signing.BadSignature:
        value = None
    if (
        not isinstance(value, list)
        or len(value) != size + 1
        or value[0] != kind
        or not all(isinstance(v, int) for v in value[1:])
    ):
        raise exceptions.ValidationError(
            {"cursor": [_("游标无效：请使用上一页返回的 next_cursor。")]}
        )
    return value[1:]


def _limit(request) -> int:
    raw = request.query_params.get("limit")
    if raw in (None, ""):
        return DEFAULT_LIMIT
    try:
        limit = int(raw)
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_LIMIT:
        raise exceptions.ValidationError(
            {"limit": [_("每页条数应为1至%(max)d。") % {"max": MAX_LIMIT}]}
        )
    return limit


class ExchangeApiView(APIView):
    """Token authentication, a required scope, and the call log."""

    authentication_classes = [ExchangeTokenAuthentication]
    permission_classes = [ExchangeScope]
    required_scope = SCOPE_READ
    result_count = 0

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        token = getattr(request, "_auth", None)
        error = ""
        if response.status_code >= 400 and isinstance(getattr(response, "data", None), dict):
            error = str(response.data.get("detail") or response.data)
        exchange_call_log(
            request=request,
            client_id=getattr(token, "client_id", "") or "",
            scopes=token.get_scopes() if token is not None else [],
            status_code=response.status_code,
            result_count=self.result_count,
            error=error,
        )
        return response


class MemberListApi(ExchangeApiView):
    @extend_schema(
        operation_id="exchange_v1_members",
        parameters=CURSOR_PARAMETERS,
        responses=ExchangeMemberPageSerializer,
        tags=["exchange"],
        summary="拉取会员（按游标分页）",
    )
    def get(self, request):
        (after,) = _decode_cursor(request, "m", 1)
        limit = _limit(request)
        full = SCOPE_ID_NUMBER in request.auth.get_scopes()
        page = selectors.exchange_members_page(after_id=after, limit=limit)
        results = []
        for identity in page:
            membership = identity.user.active[0] if identity.user.active else None
            results.append(
                {
                    "member_id": identity.member_id or "",
                    "name": identity.real_name,
                    "id_number": crypto.id_number_decrypt(
                        identity.id_number_ciphertext, identity.key_id
                    )
                    if full
                    else identity.id_number_masked,
                    "id_number_masked": not full,
                    "phone": identity.user.phone,
                    "birth_date": identity.birth_date,
                    "verified_at": identity.verified_at,
                    "union": {
                        "name": membership.organization.name,
                        "region_code": membership.organization.region.code,
                        "started_at": membership.started_at,
                    }
                    if membership
                    else None,
                }
            )
        self.result_count = len(results)
        next_cursor = _encode_cursor("m", page[-1].pk) if len(page) == limit else None
        return Response(
            ExchangeMemberPageSerializer({"results": results, "next_cursor": next_cursor}).data
        )


class MemberChangeListApi(ExchangeApiView):
    @extend_schema(
        operation_id="exchange_v1_changes",
        parameters=CURSOR_PARAMETERS,
        responses=ExchangeChangePageSerializer,
        tags=["exchange"],
        summary="拉取会员及会籍变更（增量，按游标）",
    )
    def get(self, request):
        txid, change_id = _decode_cursor(request, "c", 2)
        limit = _limit(request)
        page = selectors.exchange_changes_page(after=(txid, change_id), limit=limit)
        results = [
            {
                "kind": change.kind,
                "member_id": change.member_id,
                "organization": change.organization_name,
                "source": change.source,
                "occurred_at": change.created_at,
            }
            for change in page
        ]
        self.result_count = len(results)
        if page:
            txid, change_id = page[-1].txid, page[-1].pk
        return Response(
            ExchangeChangePageSerializer(
                {
                    "results": results,
                    "next_cursor": _encode_cursor("c", txid, change_id),
                    "has_more": len(page) == limit,
                }
            ).data
        )


class MemberPushApi(ExchangeApiView):
    required_scope = SCOPE_WRITE

    @extend_schema(
        operation_id="exchange_v1_members_push",
        request=ExchangePushSerializer,
        responses=ExchangePushResponseSerializer,
        tags=["exchange"],
        summary="推送会员信息（校验后新增或合并）",
    )
    def post(self, request):
        serializer = ExchangePushSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        outcomes = exchange_members_push(
            client_id=request.auth.client_id, records=serializer.validated_data["members"]
        )
        self.result_count = len(outcomes)
        return Response(
            ExchangePushResponseSerializer(
                {
                    "results": [
                        {
                            "index": o.line,
                            "status": o.status,
                            "reason": o.reason,
                            "member_id": o.member_id,
                        }
                        for o in outcomes
                    ]
                }
            ).data
        )
