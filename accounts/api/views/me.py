from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.serializers.me import MeOutputSerializer, MeUpdateInputSerializer
from accounts.selectors.me import MeSummary, me_summary
from accounts.selectors.privacy import personal_data_export
from accounts.services.users import user_update_profile
from core.audit import audit_record


def _me_payload(summary: MeSummary) -> dict:
    identity, membership = summary.identity, summary.membership
    return {
        "phone": summary.user.phone,
        "display_name": summary.user.display_name,
        "member_id": identity.member_id if identity else None,
        "real_name_verified": identity is not None,
        "organization": membership.organization.name if membership else None,
        "membership_since": membership.started_at if membership else None,
        "active_credentials": summary.credential_count,
        "consents": [
            {"kind": consent.kind, "version": consent.version, "granted_at": consent.granted_at}
            for consent in summary.consents
        ],
    }


class MeApi(APIView):
    """The signed-in member: identity, current union, wallet size, consents."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeOutputSerializer)
    def get(self, request):
        payload = _me_payload(me_summary(user=request.user))
        return Response(MeOutputSerializer(payload).data)

    @extend_schema(request=MeUpdateInputSerializer, responses=MeOutputSerializer)
    def patch(self, request):
        data = MeUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user_update_profile(user=request.user, display_name=data.validated_data["display_name"])
        payload = _me_payload(me_summary(user=request.user))
        return Response(MeOutputSerializer(payload).data)


class MeExportApi(APIView):
    """Download everything the portal holds about the signed-in member (PIPL)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict})
    def get(self, request):
        audit_record(
            actor=request.user, action="account.export", target=request.user, request=request
        )
        return Response(personal_data_export(user=request.user))
