"""The member's own aid records over the API (session authentication): hardship
applications, the open plans, enrolments and claims. Anonymous callers get 403; another
member's record is a 404; a refusal is a 400 with the service's Chinese message."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from aid import selectors
from aid.api import serializers as s
from aid.services import hardship, mutual
from core.security import rate_limited

TAGS = ["aid"]
PARSERS = [MultiPartParser, FormParser, JSONParser]


class HardshipListCreateApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = PARSERS

    @extend_schema(
        responses=s.HardshipOutputSerializer(many=True), summary="我的帮扶申请", tags=TAGS
    )
    def get(self, request):
        items = selectors.hardship_application_list_for_member(user=request.user)[:50]
        return Response(s.HardshipOutputSerializer(items, many=True).data)

    @extend_schema(
        request={"multipart/form-data": s.HardshipInputSerializer},
        responses={201: s.HardshipOutputSerializer},
        summary="申请困难帮扶（附证明材料）",
        tags=TAGS,
    )
    @rate_limited("aid.submit")
    def post(self, request):
        serializer = s.HardshipInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        item = hardship.hardship_application_submit(
            member=request.user,
            reason=data["reason"],
            family_size=data["family_size"],
            monthly_income=data["monthly_income"],
            family_situation=data["family_situation"],
            phone=data.get("phone", ""),
            documents=request.FILES.getlist("documents"),
        )
        return Response(s.HardshipOutputSerializer(item).data, status=status.HTTP_201_CREATED)


class HardshipDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.HardshipDetailOutputSerializer, summary="帮扶申请进度", tags=TAGS)
    def get(self, request, pk: int):
        item = selectors.hardship_application_get_for_user(user=request.user, id=pk)
        return Response(s.HardshipDetailOutputSerializer(item).data)


class PlanListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=s.PlanOutputSerializer(many=True), summary="互助保障计划", tags=TAGS)
    def get(self, request):
        return Response(s.PlanOutputSerializer(selectors.mutual_plan_list_open(), many=True).data)


class EnrolmentListCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses=s.EnrolmentOutputSerializer(many=True), summary="我的互助保障", tags=TAGS
    )
    def get(self, request):
        items = selectors.mutual_enrolment_list_for_member(user=request.user)[:50]
        return Response(s.EnrolmentOutputSerializer(items, many=True).data)

    @extend_schema(
        request=s.EnrolInputSerializer,
        responses={201: s.EnrolmentOutputSerializer},
        summary="报名参保",
        tags=TAGS,
    )
    def post(self, request):
        serializer = s.EnrolInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        plan = selectors.mutual_plan_get_public(id=data["plan"])
        enrolment = mutual.mutual_enrol(
            member=request.user,
            plan=plan,
            payer=data["payer"],
            employer_name=data.get("employer_name", ""),
        )
        return Response(s.EnrolmentOutputSerializer(enrolment).data, status=status.HTTP_201_CREATED)


class EnrolmentDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.EnrolmentDetailOutputSerializer, summary="参保详情与理赔", tags=TAGS)
    def get(self, request, pk: int):
        item = selectors.mutual_enrolment_get_for_user(user=request.user, id=pk)
        return Response(s.EnrolmentDetailOutputSerializer(item).data)


class ClaimCreateApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = PARSERS

    @extend_schema(
        request={"multipart/form-data": s.ClaimInputSerializer},
        responses={201: s.ClaimOutputSerializer},
        summary="申请理赔（附材料）",
        tags=TAGS,
    )
    @rate_limited("aid.submit")
    def post(self, request, pk: int):
        enrolment = selectors.mutual_enrolment_get_for_user(user=request.user, id=pk)
        serializer = s.ClaimInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        claim = mutual.mutual_claim_file(
            member=request.user,
            enrolment=enrolment,
            incident_date=data["incident_date"],
            amount_claimed=data["amount_claimed"],
            description=data["description"],
            documents=request.FILES.getlist("documents"),
        )
        return Response(s.ClaimOutputSerializer(claim).data, status=status.HTTP_201_CREATED)


class ClaimDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.ClaimOutputSerializer, summary="理赔进度", tags=TAGS)
    def get(self, request, pk: int):
        item = selectors.mutual_claim_get_for_user(user=request.user, id=pk)
        return Response(s.ClaimOutputSerializer(item).data)
