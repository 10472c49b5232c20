"""The activities part of a member's personal data export (PIPL)."""

from __future__ import annotations

from accounts.selectors.privacy import register_personal_data_exporter
from activities.models import Claim, Order, PointsEntry, Signup


def _iso(value):
    return value.isoformat() if value is not None else None


@register_personal_data_exporter("activities")
def export_activities(user) -> dict:
    return {
        "signups": [
            {
                "activity": s.activity.title,
                "status": s.status,
                "signed_up_at": _iso(s.created_at),
                "checked_in_at": _iso(s.checked_in_at),
            }
            for s in Signup.objects.select_related("activity").filter(user=user)
        ],
        "claims": [
            {
                "campaign": c.campaign.title,
                "claimed_at": _iso(c.claimed_at),
                "redeemed_at": _iso(c.redeemed_at),
            }
            for c in Claim.objects.select_related("campaign").filter(user=user)
        ],
        "points": [
            {
                "amount": e.amount,
                "balance_after": e.balance_after,
                "reason": e.reason,
                "source": e.source,
                "at": _iso(e.created_at),
            }
            for e in PointsEntry.objects.filter(user=user).order_by("created_at", "id")
        ],
        "orders": [
            {
                "item": o.item.title,
                "points": o.points,
                "status": o.status,
                "ordered_at": _iso(o.created_at),
            }
            for o in Order.objects.select_related("item").filter(user=user)
        ],
    }
