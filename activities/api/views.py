"""Activities and sign-ups, benefits, my vouchers, my points and ledger, the mall and my
orders. Writes go through the same services as the member pages."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from activities import selectors, services
from activities.api.serializers import (
    ActivityFilterSerializer,
    ActivitySerializer,
    ClaimSerializer,
    MallItemSerializer,
    OrderSerializer,
    PointsBalanceSerializer,
    PointsEntrySerializer,
    SignupSerializer,
)
from core.security import rate_limited
from regions.selectors import region_tree


def _region_path(code: str) -> str | None:
    if not code:
        return None
    node = region_tree().get(code)
    if node is None:
        raise ApiValidationError({"region": ["未找到该地区。"]})
    return node.path


@extend_schema(
    parameters=[
        OpenApiParameter("region", str, description="地区代码：本地区、上级和下辖地区的活动"),
        OpenApiParameter("kind", str, description="活动类型"),
    ]
)
class ActivityViewSet(viewsets.ReadOnlyModelViewSet):
    """Upcoming published activities, soonest first, with sign-up counts."""

    serializer_class = ActivitySerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.activity_list()
        filters = ActivityFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.activity_list(
            region_path=_region_path(filters.validated_data.get("region", "")),
            kind=filters.validated_data.get("kind", ""),
        )


class ActivitySignupApi(APIView):
    """Sign up: a place if one is free, else the waiting list (``status: waiting``)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={201: SignupSerializer}, summary="报名活动")
    def post(self, request, pk: int):
        signup = services.activity_signup(activity_id=pk, user=request.user)
        return Response(SignupSerializer(signup).data, status=status.HTTP_201_CREATED)


class SignupCancelApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=SignupSerializer, summary="取消报名")
    def post(self, request, pk: int):
        signup = services.activity_signup_cancel(signup_id=pk, user=request.user)
        return Response(SignupSerializer(signup).data)


class MySignupListApi(ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = SignupSerializer

    def get_queryset(self):
        return selectors.signup_list_for_user(user=self.request.user)


class CampaignClaimApi(APIView):
    """Claim a benefit; 400 with ``detail: ["已领完"]`` when the stock is out."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={201: ClaimSerializer}, summary="领取福利")
    @rate_limited("activities.claim")
    def post(self, request, pk: int):
        claim = services.campaign_claim(campaign_id=pk, user=request.user)
        return Response(ClaimSerializer(claim).data, status=status.HTTP_201_CREATED)


class MyVoucherListApi(ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = ClaimSerializer

    def get_queryset(self):
        return selectors.claim_list_for_user(user=self.request.user)


class MyPointsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=PointsBalanceSerializer, summary="我的积分余额")
    def get(self, request):
        data = {
            "balance": selectors.points_balance(user=request.user),
            "expiring": selectors.points_expiring(user=request.user),
        }
        return Response(PointsBalanceSerializer(data).data)


class MyPointsLedgerApi(ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = PointsEntrySerializer

    def get_queryset(self):
        return selectors.points_ledger(user=self.request.user)


class MallItemViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = MallItemSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        return selectors.mall_item_list()


class MallOrderCreateApi(APIView):
    """Redeem points for one item; 400 with a Chinese message for too few points."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={201: OrderSerializer}, summary="积分兑换")
    def post(self, request, pk: int):
        order = services.mall_order_place(item_id=pk, user=request.user)
        return Response(OrderSerializer(order).data, status=status.HTTP_201_CREATED)


class MyOrderListApi(ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = OrderSerializer

    def get_queryset(self):
        return selectors.order_list_for_user(user=self.request.user)
