"""Indicators and facts for staff systems and scripts, within the caller's region scope
(session authentication; another region is a 404, a user without the insights role 403)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import Action, user_can
from insights import selectors
from insights.api.serializers import FactQuerySerializer, FactSerializer, IndicatorSerializer
from insights.registry import indicators

TAGS = ["insights"]


def _require_insights(user) -> None:
    if not user_can(user, Action.INSIGHTS_VIEW):
        raise PermissionDenied(_("您没有查看统计数据的权限。"))


class IndicatorListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=IndicatorSerializer(many=True), summary="指标目录", tags=TAGS)
    def get(self, request):
        _require_insights(request.user)
        return Response(IndicatorSerializer(indicators(), many=True).data)


class FactListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[FactQuerySerializer],
        responses=FactSerializer(many=True),
        summary="指标数据（按地区、日期）",
        tags=TAGS,
    )
    def get(self, request):
        _require_insights(request.user)
        query = FactQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        region = (
            data.get("region") or selectors.insights_home_region_for_user(user=request.user).code
        )
        breakdown = data.get("breakdown", "")
        facts = selectors.fact_list_for_user(
            user=request.user,
            code=data["indicator"],
            region_code=region,
            start=data["start"],
            end=data["end"],
            breakdown=None if breakdown == "*" else breakdown,
        )
        return Response(FactSerializer(facts, many=True).data)
