from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from regions.models import Region
from regions.selectors import region_exists


class RegionListFilterSerializer(serializers.Serializer):
    parent = serializers.RegexField(
        r"^\d{6}$",
        required=False,
        help_text=_("上级地区的6位区划代码"),
        error_messages={"invalid": _("parent 应为6位区划代码。")},
    )
    level = serializers.ChoiceField(
        choices=Region.Level.choices,
        required=False,
        error_messages={"invalid_choice": _("level 应为 country、province、city 或 county。")},
    )

    def validate_parent(self, value: str) -> str:
        if not region_exists(code=value):
            raise serializers.ValidationError(
                _("没有区划代码为 %(code)s 的地区。") % {"code": value}
            )
        return value


class RegionOutputSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent.code", allow_null=True, default=None)

    class Meta:
        model = Region
        fields = ("code", "name", "short_name", "level", "parent", "slug", "latitude", "longitude")
