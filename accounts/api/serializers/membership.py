"""Serializers of the member's membership API (入会, 转会, history)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import (
    EmploymentForm,
    Membership,
    MembershipApplication,
    MembershipEvent,
    TransferRequest,
    UnionOrganization,
)

_EMPLOYMENT_FORM_ERRORS = {
    "required": _("请选择用工形式。"),
    "invalid_choice": _(
        "请选择用工形式：full_time（全日制用工）、flexible（灵活就业）或 new_form（新就业形态）。"
    ),
}


class UnionOrganizationBriefSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", help_text=_("所在地区的区划代码"))
    region_name = serializers.CharField(source="region.name")
    kind_display = serializers.CharField(source="get_kind_display")

    class Meta:
        model = UnionOrganization
        fields = ("id", "name", "kind", "kind_display", "region", "region_name", "trades")


class MembershipOutputSerializer(serializers.ModelSerializer):
    organization = UnionOrganizationBriefSerializer()
    employment_form_display = serializers.CharField(source="get_employment_form_display")

    class Meta:
        model = Membership
        fields = (
            "id",
            "organization",
            "status",
            "employer",
            "occupation",
            "employment_form",
            "employment_form_display",
            "started_at",
            "ended_at",
            "end_reason",
        )


class MembershipApplicationOutputSerializer(serializers.ModelSerializer):
    organization = UnionOrganizationBriefSerializer()
    status_display = serializers.CharField(source="get_status_display")

    class Meta:
        model = MembershipApplication
        fields = (
            "id",
            "organization",
            "employer",
            "occupation",
            "employment_form",
            "status",
            "status_display",
            "submitted_at",
            "decided_at",
            "decision_reason",
        )


class TransferRequestOutputSerializer(serializers.ModelSerializer):
    from_organization = UnionOrganizationBriefSerializer(source="from_membership.organization")
    to_organization = UnionOrganizationBriefSerializer()
    status_display = serializers.CharField(source="get_status_display")

    class Meta:
        model = TransferRequest
        fields = (
            "id",
            "from_organization",
            "to_organization",
            "employer",
            "occupation",
            "employment_form",
            "reason",
            "status",
            "status_display",
            "requested_at",
            "released_at",
            "completed_at",
            "decision_reason",
        )


class MembershipEventOutputSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display")
    organization = serializers.CharField(source="organization.name")

    class Meta:
        model = MembershipEvent
        fields = ("kind", "kind_display", "organization", "note", "created_at")


class MembershipStatusOutputSerializer(serializers.Serializer):
    membership = MembershipOutputSerializer(allow_null=True, help_text=_("当前有效会籍"))
    open_application = MembershipApplicationOutputSerializer(allow_null=True)
    open_transfer = TransferRequestOutputSerializer(allow_null=True)
    timeline = MembershipEventOutputSerializer(many=True)


class _WorkInputSerializer(serializers.Serializer):
    organization = serializers.IntegerField(
        help_text=_("要加入的工会编号"),
        error_messages={"required": _("请选择要加入的工会。"), "invalid": _("工会编号应为整数。")},
    )
    employer = serializers.CharField(
        max_length=100,
        error_messages={
            "required": _("请填写工作单位。"),
            "blank": _("请填写工作单位。"),
            "max_length": _("工作单位不能超过100个字。"),
        },
    )
    occupation = serializers.CharField(
        max_length=50,
        error_messages={
            "required": _("请填写职业。"),
            "blank": _("请填写职业。"),
            "max_length": _("职业不能超过50个字。"),
        },
    )
    employment_form = serializers.ChoiceField(
        choices=EmploymentForm.choices, error_messages=_EMPLOYMENT_FORM_ERRORS
    )


class MembershipApplicationInputSerializer(_WorkInputSerializer):
    pass


class TransferRequestInputSerializer(_WorkInputSerializer):
    organization = serializers.IntegerField(
        help_text=_("转入工会编号"),
        error_messages={"required": _("请选择转入的工会。"), "invalid": _("工会编号应为整数。")},
    )
    reason = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        error_messages={"max_length": _("理由不能超过300个字。")},
    )
