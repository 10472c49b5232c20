from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from datahub.models import MemberChange


class ExchangeUnionSerializer(serializers.Serializer):
    name = serializers.CharField()
    region_code = serializers.CharField()
    started_at = serializers.DateTimeField()


class ExchangeMemberSerializer(serializers.Serializer):
    member_id = serializers.CharField(help_text=_("永久会员号"))
    name = serializers.CharField()
    id_number = serializers.CharField(
        help_text=_("身份证号：默认脱敏，令牌具有 members:id_number 授权范围时为完整号码")
    )
    id_number_masked = serializers.BooleanField()
    phone = serializers.CharField()
    birth_date = serializers.DateField()
    verified_at = serializers.DateTimeField()
    union = ExchangeUnionSerializer(allow_null=True)


class ExchangeMemberPageSerializer(serializers.Serializer):
    results = ExchangeMemberSerializer(many=True)
    next_cursor = serializers.CharField(
        allow_null=True, help_text=_("下一页游标；为空表示已取完，可稍后用最后的游标继续增量拉取")
    )


class ExchangeChangeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MemberChange.Kind.choices)
    member_id = serializers.CharField(allow_blank=True)
    organization = serializers.CharField(allow_blank=True)
    source = serializers.ChoiceField(choices=MemberChange.Source.choices)
    occurred_at = serializers.DateTimeField()


class ExchangeChangePageSerializer(serializers.Serializer):
    results = ExchangeChangeSerializer(many=True)
    next_cursor = serializers.CharField(help_text=_("下次拉取时带上的游标（始终返回）"))
    has_more = serializers.BooleanField()


class ExchangePushRecordSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(max_length=30)
    phone = serializers.CharField(max_length=20)
    region = serializers.CharField(max_length=60, help_text=_("6位区划代码或地区名称"))
    union = serializers.CharField(max_length=100, required=False, allow_blank=True)
    joined_on = serializers.CharField(max_length=20, required=False, allow_blank=True)
    employer = serializers.CharField(max_length=100, required=False, allow_blank=True)


class ExchangePushSerializer(serializers.Serializer):
    members = ExchangePushRecordSerializer(many=True, allow_empty=False)


class ExchangePushResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text=_("记录在请求中的序号，从1开始"))
    status = serializers.ChoiceField(
        choices=[
            ("accepted", "新增"),
            ("merged", "合并更新"),
            ("unchanged", "无变化"),
            ("rejected", "拒收"),
        ]
    )
    reason = serializers.CharField(allow_blank=True)
    member_id = serializers.CharField(allow_blank=True)


class ExchangePushResponseSerializer(serializers.Serializer):
    results = ExchangePushResultSerializer(many=True)
