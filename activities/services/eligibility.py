"""Who may take part in an activity, claim a campaign or buy in the mall."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import Membership


def active_membership(user: Any) -> Membership | None:
    return (
        Membership.objects.select_related("organization__region")
        .filter(user=user, status=Membership.Status.ACTIVE)
        .first()
    )


def eligibility_check(*, target: Any, user: Any) -> Membership | None:
    """Raise ``ValidationError`` (Chinese) unless ``user`` meets ``target``'s rule (region
    subtree of the union, employment form, membership). Returns the active membership."""
    if user is None or not user.is_authenticated:
        raise ValidationError(_("请先登录。"))
    membership = active_membership(user)
    needs_membership = target.membership_required or target.employment_form
    if membership is None:
        if needs_membership:
            raise ValidationError(_("仅限工会会员参加，请先入会。"))
        return None
    if not membership.organization.region.path.startswith(target.region.path):
        raise ValidationError(_("仅限%(region)s的工会会员参加。") % {"region": target.region.name})
    if target.employment_form and membership.employment_form != target.employment_form:
        raise ValidationError(
            _("仅限%(form)s会员参加。") % {"form": target.get_employment_form_display()}
        )
    return membership
