from rest_framework import serializers


class MeOutputSerializer(serializers.Serializer):
    phone = serializers.CharField()
    display_name = serializers.CharField()
    member_id = serializers.CharField(allow_null=True)
    real_name_verified = serializers.BooleanField()
    organization = serializers.CharField(allow_null=True, help_text="当前所属工会")
    membership_since = serializers.DateTimeField(allow_null=True)
    active_credentials = serializers.IntegerField()
    consents = serializers.ListField(child=serializers.DictField())


class MeUpdateInputSerializer(serializers.Serializer):
    display_name = serializers.CharField(max_length=50, allow_blank=True)
