from rest_framework import serializers

from honours.models import Honour


class HonourSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.name")
    kind_display = serializers.CharField(source="get_kind_display")

    class Meta:
        model = Honour
        fields = [
            "id", "name", "kind", "kind_display", "level", "title", "year", "region",
            "employer", "occupation", "story",
        ]  # fmt: skip
