from rest_framework import serializers

from jobs.models import Application, Education, EmploymentType, JobPost, MatchResult, Resume
from regions.models import Region


class JobFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    region = serializers.CharField(required=False, allow_blank=True, max_length=6)
    pay = serializers.IntegerField(required=False, min_value=0, max_value=200000)
    type = serializers.ChoiceField(choices=EmploymentType.choices, required=False)


class JobPostOutputSerializer(serializers.ModelSerializer):
    employer = serializers.CharField(source="employer.name")
    region = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.name")

    class Meta:
        model = JobPost
        fields = [
            "id",
            "title",
            "occupation",
            "employer",
            "region",
            "region_name",
            "description",
            "skills",
            "certificates",
            "pay_min",
            "pay_max",
            "experience_years",
            "education",
            "employment_type",
            "headcount",
            "benefits",
            "valid_until",
            "published_at",
        ]


class WorkHistorySerializer(serializers.Serializer):
    title = serializers.CharField(max_length=30)
    employer = serializers.CharField(max_length=60, required=False, allow_blank=True)
    years = serializers.IntegerField(min_value=0, max_value=50)


class ResumeSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), required=False, allow_null=True
    )
    desired_titles = serializers.ListField(
        child=serializers.CharField(max_length=30), required=False, max_length=5
    )
    desired_city_codes = serializers.ListField(
        child=serializers.CharField(max_length=6), required=False, max_length=5
    )
    employment_types = serializers.ListField(
        child=serializers.CharField(max_length=10),
        required=False,  # 全职 兼职 灵活用工
    )
    skills = serializers.ListField(
        child=serializers.CharField(max_length=30), required=False, max_length=20
    )
    certificates = serializers.ListField(
        child=serializers.CharField(max_length=30), required=False, max_length=20
    )
    work_history = WorkHistorySerializer(many=True, required=False)
    education = serializers.ChoiceField(choices=Education.choices, required=False)

    class Meta:
        model = Resume
        fields = [
            "region",
            "desired_titles",
            "desired_city_codes",
            "expected_pay",
            "employment_types",
            "skills",
            "certificates",
            "work_history",
            "experience_years",
            "education",
            "summary",
            "visibility",
            "match_state",
            "match_missing",
            "matched_at",
        ]
        read_only_fields = ["match_state", "match_missing", "matched_at"]


class MatchOutputSerializer(serializers.ModelSerializer):
    post = JobPostOutputSerializer()

    class Meta:
        model = MatchResult
        fields = ["score", "reasons", "gaps", "post"]


class RecommendationsOutputSerializer(serializers.Serializer):
    """The member's recommendations: the matching state, what the résumé lacks, the matches."""

    state = serializers.CharField()
    missing = serializers.ListField(child=serializers.CharField())
    results = MatchOutputSerializer(many=True)


class ApplicationOutputSerializer(serializers.ModelSerializer):
    post = JobPostOutputSerializer()

    class Meta:
        model = Application
        fields = [
            "id",
            "post",
            "status",
            "interview_at",
            "interview_place",
            "interview_contact",
            "note",
            "created_at",
            "updated_at",
        ]


class ApplicationCreateSerializer(serializers.Serializer):
    post = serializers.IntegerField(min_value=1)
