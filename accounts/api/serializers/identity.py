from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.tokens import MAX_TOKEN_LENGTH, TokenStatus


class CredentialVerifyInputSerializer(serializers.Serializer):
    token = serializers.CharField(
        max_length=MAX_TOKEN_LENGTH,
        trim_whitespace=True,
        error_messages={
            "required": _("请提供二维码中的 token。"),
            "blank": _("请提供二维码中的 token。"),
            "max_length": _("二维码内容过长，不是本平台的凭证。"),
        },
    )


class CredentialVerifyOutputSerializer(serializers.Serializer):
    """Only what a scanner may show: no phone, no ID number, no full name."""

    status = serializers.ChoiceField(choices=[s.value for s in TokenStatus])
    valid = serializers.BooleanField(source="is_valid")
    message = serializers.CharField()
    masked_name = serializers.CharField(help_text="脱敏姓名，如 张*")
    organization = serializers.CharField(help_text="所属工会或颁发单位")
    title = serializers.CharField(help_text="凭证名称")
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    token_expires_at = serializers.DateTimeField(allow_null=True)
    checked_at = serializers.DateTimeField()


class CardPublicKeySerializer(serializers.Serializer):
    alg = serializers.CharField()
    kid = serializers.CharField()
    jwk = serializers.DictField()
    public_key_pem = serializers.CharField()
    token_ttl_seconds = serializers.IntegerField()
    claims = serializers.DictField()
