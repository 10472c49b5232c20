from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers

from learning.models import Attempt, Course, Enrollment, Lesson, Question


class CourseFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    category = serializers.CharField(required=False, allow_blank=True, max_length=12)


class LessonOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Lesson
        fields = ("id", "position", "title", "minutes", "video_url")


class CourseOutputSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code")
    category_label = serializers.CharField(source="get_category_display")

    class Meta:
        model = Course
        fields = (
            "id",
            "title",
            "summary",
            "category",
            "category_label",
            "region",
            "points",
            "published_at",
        )


class CourseDetailOutputSerializer(CourseOutputSerializer):
    lessons = LessonOutputSerializer(many=True)

    class Meta(CourseOutputSerializer.Meta):
        fields = (*CourseOutputSerializer.Meta.fields, "description", "lessons")


class EnrollmentOutputSerializer(serializers.ModelSerializer):
    course = serializers.IntegerField(source="course_id")
    last_lesson = serializers.IntegerField(source="last_lesson_id", allow_null=True)
    completed_lessons = serializers.SerializerMethodField()

    class Meta:
        model = Enrollment
        fields = ("id", "course", "enrolled_at", "last_lesson", "completed_at", "completed_lessons")

    def get_completed_lessons(self, obj) -> list[int]:
        return sorted(p.lesson_id for p in obj.progress.all())


class LessonCompleteInputSerializer(serializers.Serializer):
    lesson = serializers.IntegerField()


class PracticeFilterSerializer(serializers.Serializer):
    tag = serializers.IntegerField(required=False)
    mode = serializers.ChoiceField(choices=["sequential", "random"], required=False)
    after = serializers.IntegerField(required=False, min_value=0)
    book = serializers.BooleanField(required=False)


class OptionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()


class QuestionOutputSerializer(serializers.ModelSerializer):
    """A question as a member sees it before answering: never which option is right."""

    options = serializers.SerializerMethodField()
    tags = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta:
        model = Question
        fields = ("id", "kind", "stem", "difficulty", "tags", "options")

    def get_options(self, obj) -> list[dict]:
        return [{"id": c.pk, "text": c.text} for c in obj.choices.all()]


class AnswerField(serializers.JSONField):
    """A list of option ids, or the text of a fill-in answer."""


class PracticeAnswerInputSerializer(serializers.Serializer):
    question = serializers.IntegerField()
    answer = AnswerField()
    tag = serializers.IntegerField(required=False)


class PracticeFeedbackOutputSerializer(serializers.Serializer):
    question = serializers.IntegerField(source="question.pk")
    is_correct = serializers.BooleanField()
    correct_options = serializers.ListField(
        child=serializers.IntegerField(), source="correct_choice_ids"
    )
    fill_answers = serializers.ListField(child=serializers.CharField())
    explanation = serializers.CharField()
    in_wrong_book = serializers.BooleanField()
    right_streak = serializers.IntegerField()


class AnswersInputSerializer(serializers.Serializer):
    answers = serializers.DictField(child=AnswerField(), allow_empty=True)

    def validate_answers(self, value):
        try:
            return {int(key): answer for key, answer in value.items()}
        except (TypeError, ValueError) as exc:
            raise serializers.ValidationError(_("题目编号无效。")) from exc


class AttemptOutputSerializer(serializers.ModelSerializer):
    """An attempt. Options come in this attempt's order; the right answers and marks are
    added only once submitted, and only if the paper shows answers."""

    paper = serializers.CharField(source="paper.title")
    items = serializers.SerializerMethodField()

    class Meta:
        model = Attempt
        fields = (
            "id",
            "paper",
            "number",
            "status",
            "started_at",
            "deadline",
            "submitted_at",
            "score",
            "max_score",
            "duration_seconds",
            "items",
        )

    def get_items(self, obj) -> list[dict]:
        reveal = not obj.is_open and obj.paper.show_answers
        items = []
        for item in self.context["items"]:
            row = {
                "question": item.question_id,
                "position": item.position,
                "kind": item.question.kind,
                "stem": item.question.stem,
                "points": str(item.points),
                "options": [{"id": c.pk, "text": c.text} for c in item.options],
                "answer": item.answer,
            }
            if not obj.is_open:
                row["awarded"] = str(item.awarded)
            if reveal:
                row["correct_options"] = [c.pk for c in item.options if c.is_correct]
                row["fill_answers"] = [a for a in item.question.fill_answers.split("|") if a]
                row["explanation"] = item.question.explanation
            items.append(row)
        return items
