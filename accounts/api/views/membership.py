"""The member's own membership API: status and timeline, 入会, 转会, withdrawing.

Session authentication; anonymous callers get 403. Another member's application or transfer
is a 404. Services' Chinese ``ValidationError`` messages come back as 400
(``core.api.exceptions``).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.serializers.membership import (
    MembershipApplicationInputSerializer,
    MembershipApplicationOutputSerializer,
    MembershipStatusOutputSerializer,
    TransferRequestInputSerializer,
    TransferRequestOutputSerializer,
)
from accounts.selectors import membership as selectors
from accounts.services import membership as services

TAGS = ["membership"]


def _joinable(organization_id: int):
    organization = selectors.union_organization_get_joinable(id=organization_id)
    if organization is None:
        raise ValidationError({"organization": _("所选工会不存在或暂不接受入会申请，请重新选择。")})
    return organization


class MembershipStatusApi(APIView):
    """The signed-in member's current membership, open application or transfer, and the
    timeline of every step with its time."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MembershipStatusOutputSerializer, summary="我的会籍", tags=TAGS)
    def get(self, request):
        user = request.user
        data = {
            "membership": selectors.membership_current(user=user),
            "open_application": selectors.membership_application_pending_for_user(user=user),
            "open_transfer": selectors.transfer_request_open_for_user(user=user),
            "timeline": selectors.membership_event_list(user=user),
        }
        return Response(MembershipStatusOutputSerializer(data).data)


class MembershipApplicationCreateApi(APIView):
    """Apply to join a grassroots, joint or industry union (入会)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=MembershipApplicationInputSerializer,
        responses={201: MembershipApplicationOutputSerializer},
        summary="申请入会",
        tags=TAGS,
    )
    def post(self, request):
        serializer = MembershipApplicationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        application = services.membership_application_submit(
            user=request.user,
            organization=_joinable(data["organization"]),
            employer=data["employer"],
            occupation=data["occupation"],
            employment_form=data["employment_form"],
        )
        return Response(
            MembershipApplicationOutputSerializer(application).data,
            status=status.HTTP_201_CREATED,
        )


class MembershipApplicationWithdrawApi(APIView):
    """Withdraw one's own pending application; 404 for anyone else's."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses=MembershipApplicationOutputSerializer,
        summary="撤回入会申请",
        tags=TAGS,
    )
    def post(self, request, pk: int):
        application = selectors.membership_application_get_for_user(user=request.user, id=pk)
        application = services.membership_application_withdraw(
            application=application, user=request.user
        )
        return Response(MembershipApplicationOutputSerializer(application).data)


class TransferRequestCreateApi(APIView):
    """Ask to move one's membership to another union (转会)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=TransferRequestInputSerializer,
        responses={201: TransferRequestOutputSerializer},
        summary="申请转会",
        tags=TAGS,
    )
    def post(self, request):
        serializer = TransferRequestInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        transfer = services.transfer_request_submit(
            user=request.user,
            to_organization=_joinable(data["organization"]),
            employer=data["employer"],
            occupation=data["occupation"],
            employment_form=data["employment_form"],
            reason=data.get("reason", ""),
        )
        return Response(
            TransferRequestOutputSerializer(transfer).data, status=status.HTTP_201_CREATED
        )


class TransferRequestWithdrawApi(APIView):
    """Withdraw one's own open transfer request; 404 for anyone else's."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None, responses=TransferRequestOutputSerializer, summary="撤回转会申请", tags=TAGS
    )
    def post(self, request, pk: int):
        transfer = selectors.transfer_request_get_for_user(user=request.user, id=pk)
        transfer = services.transfer_withdraw(transfer=transfer, user=request.user)
        return Response(TransferRequestOutputSerializer(transfer).data)
