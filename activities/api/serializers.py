from rest_framework import serializers

from activities.models import Activity, Claim, MallItem, Order, PointsEntry, Signup


class ActivitySerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.name")
    region_code = serializers.CharField(source="region.code")
    kind_label = serializers.CharField(source="get_kind_display")
    confirmed_count = serializers.IntegerField(read_only=True)
    waiting_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "title",
            "kind",
            "kind_label",
            "description",
            "region",
            "region_code",
            "starts_at",
            "ends_at",
            "place",
            "online_url",
            "capacity",
            "confirmed_count",
            "waiting_count",
            "employment_form",
            "membership_required",
            "points_award",
        ]


class SignupSerializer(serializers.ModelSerializer):
    activity_title = serializers.CharField(source="activity.title")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Signup
        fields = [
            "id",
            "activity",
            "activity_title",
            "status",
            "status_label",
            "created_at",
            "promoted_at",
            "cancelled_at",
            "checked_in_at",
        ]


class ClaimSerializer(serializers.ModelSerializer):
    campaign_title = serializers.CharField(source="campaign.title")
    redemption_place = serializers.CharField(source="campaign.redemption_place")
    serial = serializers.CharField(source="credential.serial", default="")

    class Meta:
        model = Claim
        fields = [
            "id",
            "campaign",
            "campaign_title",
            "redemption_place",
            "serial",
            "claimed_at",
            "redeemed_at",
        ]


class PointsEntrySerializer(serializers.ModelSerializer):
    source_label = serializers.CharField(source="get_source_display")

    class Meta:
        model = PointsEntry
        fields = [
            "id",
            "amount",
            "balance_after",
            "reason",
            "source",
            "source_label",
            "created_at",
            "expires_at",
        ]


class PointsExpiringSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="最后有效日")
    amount = serializers.IntegerField()


class PointsBalanceSerializer(serializers.Serializer):
    balance = serializers.IntegerField()
    expiring = PointsExpiringSerializer(many=True, help_text="即将过期的积分，最早到期在前")


class MallItemSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.name")

    class Meta:
        model = MallItem
        fields = [
            "id",
            "title",
            "description",
            "points_price",
            "stock",
            "pickup_place",
            "region",
            "employment_form",
            "membership_required",
        ]


class OrderSerializer(serializers.ModelSerializer):
    item_title = serializers.CharField(source="item.title")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Order
        fields = [
            "id",
            "item",
            "item_title",
            "points",
            "status",
            "status_label",
            "created_at",
            "updated_at",
            "cancel_reason",
        ]


class ActivityFilterSerializer(serializers.Serializer):
    region = serializers.CharField(required=False, allow_blank=True, max_length=12)
    kind = serializers.ChoiceField(
        choices=Activity.Kind.choices,
        required=False,
        allow_blank=True,
        error_messages={"invalid_choice": "活动类型无效。"},
    )
