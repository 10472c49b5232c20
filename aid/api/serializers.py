from rest_framework import serializers

from aid.models import (
    HardshipApplication,
    HardshipDisbursement,
    HardshipReason,
    HardshipStep,
    MutualClaim,
    MutualEnrolment,
    MutualPlan,
    Payer,
)


class StepOutputSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_to_status_display")

    class Meta:
        model = HardshipStep
        fields = ["to_status", "status_label", "note", "created_at"]


class DisbursementOutputSerializer(serializers.ModelSerializer):
    form_label = serializers.CharField(source="get_form_display")

    class Meta:
        model = HardshipDisbursement
        fields = ["form", "form_label", "amount", "disbursed_on"]


class HardshipOutputSerializer(serializers.ModelSerializer):
    number = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    organization_name = serializers.CharField(source="organization.name")

    class Meta:
        model = HardshipApplication
        fields = [
            "id",
            "number",
            "status",
            "status_label",
            "reason",
            "family_size",
            "monthly_income",
            "organization_name",
            "approved_amount",
            "approved_form",
            "refusal_reason",
            "recheck_due",
            "created_at",
        ]


class HardshipDetailOutputSerializer(HardshipOutputSerializer):
    steps = StepOutputSerializer(many=True)
    disbursements = DisbursementOutputSerializer(many=True)

    class Meta(HardshipOutputSerializer.Meta):
        fields = [
            *HardshipOutputSerializer.Meta.fields,
            "family_situation",
            "steps",
            "disbursements",
        ]


class HardshipInputSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=HardshipReason.choices)
    family_size = serializers.IntegerField(min_value=1, max_value=20)
    monthly_income = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)
    family_situation = serializers.CharField(max_length=2000)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    documents = serializers.ListField(child=serializers.FileField(), required=False)


class PlanOutputSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")

    class Meta:
        model = MutualPlan
        fields = [
            "id",
            "name",
            "year",
            "kind",
            "kind_label",
            "premium",
            "cover_limit",
            "description",
            "is_open",
        ]


class ClaimOutputSerializer(serializers.ModelSerializer):
    number = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = MutualClaim
        fields = [
            "id",
            "number",
            "status",
            "status_label",
            "incident_date",
            "amount_claimed",
            "approved_amount",
            "review_note",
            "reviewed_at",
            "paid_at",
            "created_at",
        ]


class EnrolmentOutputSerializer(serializers.ModelSerializer):
    plan = PlanOutputSerializer()
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = MutualEnrolment
        fields = [
            "id",
            "plan",
            "status",
            "status_label",
            "payer",
            "employer_name",
            "premium",
            "cover_limit",
            "committed_total",
            "starts_on",
            "ends_on",
            "paid_at",
        ]


class EnrolmentDetailOutputSerializer(EnrolmentOutputSerializer):
    claims = ClaimOutputSerializer(many=True)

    class Meta(EnrolmentOutputSerializer.Meta):
        fields = [*EnrolmentOutputSerializer.Meta.fields, "claims"]


class EnrolInputSerializer(serializers.Serializer):
    plan = serializers.IntegerField()
    payer = serializers.ChoiceField(choices=Payer.choices)
    employer_name = serializers.CharField(max_length=100, required=False, allow_blank=True)


class ClaimInputSerializer(serializers.Serializer):
    incident_date = serializers.DateField()
    amount_claimed = serializers.DecimalField(max_digits=10, decimal_places=2)
    description = serializers.CharField(max_length=2000)
    documents = serializers.ListField(child=serializers.FileField(), required=False)
