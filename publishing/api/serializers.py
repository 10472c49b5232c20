from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from regions.models import Article
from regions.selectors import region_exists


class ArticleListFilterSerializer(serializers.Serializer):
    region = serializers.RegexField(
        r"^\d{6}$",
        required=False,
        help_text=_("地区的6位区划代码：返回该地区及其下辖地区的文章"),
        error_messages={"invalid": _("region 应为6位区划代码。")},
    )
    kind = serializers.ChoiceField(
        choices=Article.Kind.choices,
        required=False,
        error_messages={"invalid_choice": _("kind 应为 news、notice、case 或 policy。")},
    )
    q = serializers.CharField(
        required=False,
        max_length=100,
        help_text=_("中文关键词，如“竞业限制”"),
        error_messages={"max_length": _("关键词不能超过100个字。")},
    )

    def validate_region(self, value: str) -> str:
        if not region_exists(code=value):
            raise serializers.ValidationError(
                _("没有区划代码为 %(code)s 的地区。") % {"code": value}
            )
        return value


class ArticleOutputSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.name")
    tags = serializers.ListField(source="tag_list", child=serializers.CharField())
    url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = Article
        fields = (
            "id", "kind", "title", "summary", "region", "region_name", "tags",
            "published_at", "read_count", "url",
        )  # fmt: skip
