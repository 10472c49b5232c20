"""Writes of the activities app. ``points_credit`` / ``points_debit`` / ``points_reverse``
are the ledger's only entry points for every module."""

from activities.services.activities import (
    activity_check_in,
    activity_signup,
    activity_signup_cancel,
)
from activities.services.campaigns import (
    campaign_claim,
    campaign_quotas_set,
    campaign_voucher_redeem,
)
from activities.services.expiry import (
    points_expire_batch,
    points_expire_due,
    points_expire_for_user,
    points_expiry_run_continue,
    points_expiry_run_start,
)
from activities.services.mall import (
    mall_item_quotas_set,
    mall_item_restock,
    mall_order_cancel,
    mall_order_mark_collected,
    mall_order_mark_ready,
    mall_order_place,
)
from activities.services.points import (
    points_credit,
    points_debit,
    points_reverse,
)
from activities.services.quotas import regional_quotas_set

__all__ = [
    "activity_check_in",
    "activity_signup",
    "activity_signup_cancel",
    "campaign_claim",
    "campaign_quotas_set",
    "campaign_voucher_redeem",
    "mall_item_quotas_set",
    "mall_item_restock",
    "mall_order_cancel",
    "mall_order_mark_collected",
    "mall_order_mark_ready",
    "mall_order_place",
    "points_credit",
    "points_debit",
    "points_expire_batch",
    "points_expire_due",
    "points_expire_for_user",
    "points_expiry_run_continue",
    "points_expiry_run_start",
    "points_reverse",
    "regional_quotas_set",
]
