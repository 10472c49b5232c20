from rest_framework import serializers

from hotline.models import HotlineRequest, Kind, RequestMessage, Topic


class MessageOutputSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")

    class Meta:
        model = RequestMessage
        fields = ["id", "kind", "kind_label", "body", "created_at"]


class RequestOutputSerializer(serializers.ModelSerializer):
    number = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    region_name = serializers.CharField(source="region.name")

    class Meta:
        model = HotlineRequest
        fields = [
            "id", "number", "kind", "topic", "title", "state", "state_label", "region_name",
            "created_at", "resolution_due", "rating",
        ]  # fmt: skip


class RequestDetailOutputSerializer(RequestOutputSerializer):
    messages = MessageOutputSerializer(source="public_messages", many=True)

    class Meta(RequestOutputSerializer.Meta):
        fields = [*RequestOutputSerializer.Meta.fields, "description", "messages"]


class RequestInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    topic = serializers.ChoiceField(choices=Topic.choices)
    region = serializers.RegexField(r"^\d{6}$", help_text="区划代码，如 130102")
    title = serializers.CharField(max_length=80)
    description = serializers.CharField(max_length=5000)


class MessageInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=5000)
