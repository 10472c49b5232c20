"""The member's own 12351 requests and replies. Session authentication; anonymous callers
get 403; another member's request is a 404; a refused action is a 400 in Chinese."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.security import rate_limited
from hotline import selectors
from hotline.api.serializers import (
    MessageInputSerializer,
    MessageOutputSerializer,
    RequestDetailOutputSerializer,
    RequestInputSerializer,
    RequestOutputSerializer,
)
from hotline.services import requests as services
from regions.models import Region

TAGS = ["hotline"]


class RequestListCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=RequestOutputSerializer(many=True), summary="我的诉求", tags=TAGS)
    def get(self, request):
        items = selectors.hotline_request_list_for_member(user=request.user)[:100]
        return Response(RequestOutputSerializer(items, many=True).data)

    @extend_schema(
        request=RequestInputSerializer,
        responses={201: RequestOutputSerializer},
        summary="提交诉求",
        tags=TAGS,
    )
    @rate_limited("hotline.submit")
    def post(self, request):
        serializer = RequestInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        region = Region.objects.filter(code=data["region"]).first()
        if region is None:
            raise ValidationError({"region": _("请选择河北省内的地区。")})
        item = services.hotline_request_submit(
            member=request.user,
            kind=data["kind"],
            topic=data["topic"],
            title=data["title"],
            description=data["description"],
            region=region,
        )
        return Response(RequestOutputSerializer(item).data, status=status.HTTP_201_CREATED)


class RequestDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=RequestDetailOutputSerializer, summary="诉求详情与答复", tags=TAGS)
    def get(self, request, pk: int):
        item = selectors.hotline_request_get_for_user(user=request.user, id=pk)
        return Response(RequestDetailOutputSerializer(item).data)


class RequestMessageCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=MessageInputSerializer,
        responses={201: MessageOutputSerializer},
        summary="补充情况",
        tags=TAGS,
    )
    def post(self, request, pk: int):
        item = selectors.hotline_request_get_for_user(user=request.user, id=pk)
        serializer = MessageInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        message = services.hotline_member_add_info(
            member=request.user, request=item, body=serializer.validated_data["body"]
        )
        return Response(MessageOutputSerializer(message).data, status=status.HTTP_201_CREATED)
