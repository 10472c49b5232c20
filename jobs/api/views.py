"""API: jobs and search, my résumé, my recommendations, my applications."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from jobs import selectors, services
from jobs.api.serializers import (
    ApplicationCreateSerializer,
    ApplicationOutputSerializer,
    JobFilterSerializer,
    JobPostOutputSerializer,
    MatchOutputSerializer,
    RecommendationsOutputSerializer,
    ResumeSerializer,
)
from jobs.models import JobPost
from regions.selectors import region_tree


class JobListApi(ListAPIView):
    """Active job posts; ``q`` searches (segmented Chinese); region, pay, type filter."""

    permission_classes = [AllowAny]
    serializer_class = JobPostOutputSerializer

    @extend_schema(parameters=[JobFilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        filters = JobFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        node = region_tree().get(data["region"]) if data.get("region") else None
        return selectors.job_post_list(
            q=data.get("q", ""),
            # An unknown place has no posts (None), no region given means everywhere ("").
            region_path=node.path if node else (None if data.get("region") else ""),
            pay_at_least=data.get("pay"),
            employment_type=data.get("type", ""),
        )


class JobDetailApi(RetrieveAPIView):
    permission_classes = [AllowAny]
    serializer_class = JobPostOutputSerializer

    def get_object(self) -> JobPost:
        return selectors.job_post_get_public(id=self.kwargs["pk"])


class MyResumeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ResumeSerializer)
    def get(self, request):
        resume = selectors.resume_for_user(user=request.user)
        if resume is None:
            return Response({"detail": "还没有简历。"}, status=status.HTTP_404_NOT_FOUND)
        return Response(ResumeSerializer(resume).data)

    @extend_schema(request=ResumeSerializer, responses=ResumeSerializer)
    def put(self, request):
        serializer = ResumeSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        resume = services.resume_save(user=request.user, **serializer.validated_data)
        return Response(ResumeSerializer(resume).data)


class MyRecommendationsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=RecommendationsOutputSerializer)
    def get(self, request):
        resume = selectors.resume_for_user(user=request.user)
        matches = selectors.match_list_for_user(user=request.user) if resume else []
        return Response(
            {
                "state": resume.match_state if resume else "none",
                "missing": resume.match_missing if resume else ["简历"],
                "results": MatchOutputSerializer(matches, many=True).data,
            }
        )


class MyApplicationListApi(ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = ApplicationOutputSerializer

    def get_queryset(self):
        return selectors.application_list_for_user(user=self.request.user)


class ApplicationCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ApplicationCreateSerializer, responses=ApplicationOutputSerializer)
    def post(self, request):
        serializer = ApplicationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        post = get_object_or_404(JobPost, pk=serializer.validated_data["post"])
        application = services.application_submit(user=request.user, post=post)
        return Response(
            ApplicationOutputSerializer(application).data, status=status.HTTP_201_CREATED
        )


class MyApplicationDetailApi(RetrieveAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = ApplicationOutputSerializer

    def get_object(self):
        return selectors.application_get_for_user(user=self.request.user, id=self.kwargs["pk"])
