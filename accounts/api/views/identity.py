"""Card verification for scanners and other platforms."""

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.serializers.identity import (
    CardPublicKeySerializer,
    CredentialVerifyInputSerializer,
    CredentialVerifyOutputSerializer,
)
from accounts.tokens import credential_token_verify, public_key_document


class CredentialVerifyApi(APIView):
    """Check a wallet QR token: signature, expiry, revocation, ended membership.

    Always 200 with a ``status`` for a token that was provided (``valid``, ``expired``,
    ``revoked``, ``membership_ended``, ``tampered``, ``unknown``); 400 when none was.
    Public and sessionless, so scanners need no account or CSRF token.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=CredentialVerifyInputSerializer,
        responses=CredentialVerifyOutputSerializer,
        summary="验证卡包凭证二维码",
    )
    def post(self, request):
        serializer = CredentialVerifyInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = credential_token_verify(token=serializer.validated_data["token"])
        return Response(CredentialVerifyOutputSerializer(result).data)


class CardPublicKeyApi(APIView):
    """The Ed25519 public key (JWK and PEM) that signs wallet QR tokens (JWS, alg EdDSA),
    so other platforms can check signature and expiry offline."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(responses=CardPublicKeySerializer, summary="凭证二维码验签公钥")
    def get(self, request):
        response = Response(CardPublicKeySerializer(public_key_document()).data)
        response["Cache-Control"] = "public, max-age=3600"
        return response
