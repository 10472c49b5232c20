from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from rest_framework import serializers

from insights.registry import indicators
from insights.selectors import MAX_RANGE_DAYS


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    definition = serializers.CharField()
    domain = serializers.CharField()
    domain_label = serializers.CharField()
    kind = serializers.ChoiceField(choices=["count", "ratio", "mean"])
    period = serializers.ChoiceField(choices=["flow", "stock"])
    levels = serializers.ListField(child=serializers.CharField())
    breakdown = serializers.CharField(help_text="分类维度名称，无分类时为空")
    breakdown_labels = serializers.DictField(child=serializers.CharField())


class FactQuerySerializer(serializers.Serializer):
    indicator = serializers.ChoiceField(choices=[])
    region = serializers.RegexField(
        r"^\d{6}$", required=False, help_text="地区代码，默认本人范围的最高一级"
    )
    start = serializers.DateField(required=False, help_text="开始日期，默认结束日期前29天")
    end = serializers.DateField(required=False, help_text="结束日期，默认昨天")
    breakdown = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=40,
        help_text="分类：不填为合计，填“*”返回合计和全部分类，或填某一分类代码",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [i.code for i in indicators()]

    def validate(self, attrs):
        end = attrs.get("end") or timezone.localdate() - timedelta(days=1)
        start = attrs.get("start") or end - timedelta(days=29)
        if start > end:
            raise serializers.ValidationError({"start": "开始日期不能晚于结束日期。"})
        if (end - start).days + 1 > MAX_RANGE_DAYS:
            raise serializers.ValidationError({"start": "时间范围最长为一年。"})
        attrs["start"], attrs["end"] = start, end
        return attrs


class FactSerializer(serializers.Serializer):
    date = serializers.DateField()
    region = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.name")
    indicator = serializers.CharField()
    breakdown = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    numerator = serializers.FloatField()
    denominator = serializers.FloatField(allow_null=True)
