"""The learning API: one view per action; reads through selectors, writes through services."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from learning import selectors
from learning.api.serializers import (
    AnswersInputSerializer,
    AttemptOutputSerializer,
    CourseDetailOutputSerializer,
    CourseFilterSerializer,
    CourseOutputSerializer,
    EnrollmentOutputSerializer,
    LessonCompleteInputSerializer,
    PracticeAnswerInputSerializer,
    PracticeFeedbackOutputSerializer,
    PracticeFilterSerializer,
    QuestionOutputSerializer,
)
from learning.models import Enrollment, Tag
from learning.services.courses import enrollment_create, lesson_complete
from learning.services.exams import attempt_answers_save, attempt_start, attempt_submit
from learning.services.practice import practice_answer


def _attempt_response(attempt, code=status.HTTP_200_OK) -> Response:
    items = selectors.attempt_items(attempt=attempt)
    return Response(AttemptOutputSerializer(attempt, context={"items": items}).data, status=code)


class CourseListApi(ListAPIView):
    """Published courses; ``q`` searches in Chinese, ``category`` filters."""

    permission_classes = [AllowAny]
    serializer_class = CourseOutputSerializer

    @extend_schema(parameters=[CourseFilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        filters = CourseFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.course_catalogue(
            query=filters.validated_data.get("q", ""),
            category=filters.validated_data.get("category") or None,
        )


class CourseDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=CourseDetailOutputSerializer)
    def get(self, request, pk: int):
        course = selectors.course_get_published(id=pk)
        return Response(CourseDetailOutputSerializer(course).data)


class CourseEnrollApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={201: EnrollmentOutputSerializer})
    def post(self, request, pk: int):
        course = selectors.course_get_published(id=pk)
        enrollment = enrollment_create(user=request.user, course=course)
        enrollment = Enrollment.objects.prefetch_related("progress").get(pk=enrollment.pk)
        return Response(EnrollmentOutputSerializer(enrollment).data, status=status.HTTP_201_CREATED)


class MyEnrollmentListApi(ListAPIView):
    """The signed-in member's enrolments with per-lesson progress."""

    permission_classes = [IsAuthenticated]
    serializer_class = EnrollmentOutputSerializer

    def get_queryset(self):
        return (
            Enrollment.objects.filter(user=self.request.user)
            .prefetch_related("progress")
            .order_by("-last_activity_at")
        )


class LessonCompleteApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=LessonCompleteInputSerializer, responses=EnrollmentOutputSerializer)
    def post(self, request, pk: int):
        data = LessonCompleteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enrollment = selectors.enrollment_get_for_user(user=request.user, id=pk)
        lesson = enrollment.course.lessons.filter(pk=data.validated_data["lesson"]).first()
        if lesson is None:
            return Response({"lesson": ["该课时不属于此课程。"]}, status=400)
        enrollment = lesson_complete(enrollment=enrollment, lesson=lesson)
        enrollment = Enrollment.objects.prefetch_related("progress").get(pk=enrollment.pk)
        return Response(EnrollmentOutputSerializer(enrollment).data)


class PracticeNextApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[PracticeFilterSerializer], responses=QuestionOutputSerializer)
    def get(self, request):
        filters = PracticeFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        tag = Tag.objects.filter(pk=data["tag"]).first() if data.get("tag") else None
        question = selectors.practice_next_question(
            user=request.user,
            tag=tag,
            mode=data.get("mode", "sequential"),
            after=data.get("after"),
            wrong_book=data.get("book", False),
        )
        if question is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(QuestionOutputSerializer(question).data)


class PracticeAnswerApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=PracticeAnswerInputSerializer, responses=PracticeFeedbackOutputSerializer
    )
    def post(self, request):
        data = PracticeAnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        question = selectors.question_get_active(id=data.validated_data["question"])
        tag_id = data.validated_data.get("tag")
        tag = Tag.objects.filter(pk=tag_id).first() if tag_id else None
        feedback = practice_answer(
            user=request.user, question=question, raw_answer=data.validated_data["answer"], tag=tag
        )
        return Response(PracticeFeedbackOutputSerializer(feedback).data)


class AttemptStartApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={201: AttemptOutputSerializer})
    def post(self, request, pk: int):
        paper = selectors.paper_get_open(id=pk)
        attempt = attempt_start(user=request.user, paper=paper)
        return _attempt_response(attempt, status.HTTP_201_CREATED)


class AttemptDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=AttemptOutputSerializer)
    def get(self, request, pk: int):
        return _attempt_response(selectors.attempt_get_for_user(user=request.user, id=pk))


class AttemptAnswersApi(APIView):
    """Autosave: answers as ``{"answers": {"<question id>": [option ids] or "text"}}``."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=AnswersInputSerializer, responses=AttemptOutputSerializer)
    def put(self, request, pk: int):
        data = AnswersInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attempt = selectors.attempt_get_for_user(user=request.user, id=pk)
        attempt_answers_save(attempt=attempt, answers=data.validated_data["answers"])
        return _attempt_response(selectors.attempt_get_for_user(user=request.user, id=pk))


class AttemptSubmitApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=AnswersInputSerializer, responses=AttemptOutputSerializer)
    def post(self, request, pk: int):
        data = AnswersInputSerializer(data=request.data or {"answers": {}})
        data.is_valid(raise_exception=True)
        attempt = selectors.attempt_get_for_user(user=request.user, id=pk)
        attempt = attempt_submit(attempt=attempt, answers=data.validated_data["answers"])
        return _attempt_response(selectors.attempt_get_for_user(user=request.user, id=pk))
