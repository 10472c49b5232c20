"""The aid services' reads: a member's own applications, enrolments and claims (another
member's are a 404), the staff's region-scoped lists, the re-checks due, the open plans."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.permissions import Action, organization_scope_q, region_scope_q
from aid.models import (
    ClaimDocument,
    HardshipApplication,
    HardshipDocument,
    HardshipStatus,
    MutualClaim,
    MutualEnrolment,
    MutualPlan,
)


def _owner_id(user: Any) -> int | None:
    return user.pk if user is not None and user.is_authenticated else None


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- 困难职工帮扶 ------------------------------------------------------------------------------


def hardship_application_list_for_member(*, user: Any) -> QuerySet[HardshipApplication]:
    return HardshipApplication.objects.filter(member_id=_owner_id(user)).select_related(
        "organization", "region"
    )


def hardship_application_get_for_user(*, user: Any, id: Any) -> HardshipApplication:
    """The member's own application with its steps, documents and disbursements."""
    pk, owner = _as_int(id), _owner_id(user)
    if pk is None or owner is None:
        raise Http404
    item = (
        HardshipApplication.objects.select_related("organization", "region", "region__parent")
        .prefetch_related("steps", "documents", "disbursements")
        .filter(pk=pk, member_id=owner)
        .first()
    )
    if item is None:
        raise Http404
    return item


def hardship_document_get_for_user(*, user: Any, id: Any) -> HardshipDocument:
    pk, owner = _as_int(id), _owner_id(user)
    document = (
        HardshipDocument.objects.filter(pk=pk, application__member_id=owner).first()
        if pk is not None and owner is not None
        else None
    )
    if document is None:
        raise Http404
    return document


def hardship_application_list_for_staff(*, user: Any) -> QuerySet[HardshipApplication]:
    """The applications of the unions in the user's scope (an officer's union subtree, an
    editor's region subtree)."""
    return HardshipApplication.objects.filter(
        organization_scope_q(user, Action.AID_VERIFY)
    ).select_related("member", "organization", "region")


def hardship_application_ids_recheck_due(*, today: date | None = None) -> list[int]:
    today = today or timezone.localdate()
    return list(
        HardshipApplication.objects.filter(
            status=HardshipStatus.DISBURSED, recheck_due__lte=today
        ).values_list("pk", flat=True)
    )


# --- 职工互助保障 ------------------------------------------------------------------------------


def mutual_plan_list_open(*, today: date | None = None) -> QuerySet[MutualPlan]:
    today = today or timezone.localdate()
    return MutualPlan.objects.filter(is_open=True, year__gte=today.year).select_related("region")


def mutual_plan_get_public(*, id: Any) -> MutualPlan:
    pk = _as_int(id)
    plan = MutualPlan.objects.select_related("region").filter(pk=pk).first() if pk else None
    if plan is None:
        raise Http404
    return plan


def mutual_enrolment_list_for_member(*, user: Any) -> QuerySet[MutualEnrolment]:
    return MutualEnrolment.objects.filter(member_id=_owner_id(user)).select_related("plan")


def mutual_enrolment_get_for_user(*, user: Any, id: Any) -> MutualEnrolment:
    pk, owner = _as_int(id), _owner_id(user)
    if pk is None or owner is None:
        raise Http404
    item = (
        MutualEnrolment.objects.select_related("plan", "organization", "region")
        .prefetch_related(Prefetch("claims", queryset=MutualClaim.objects.order_by("-id")))
        .filter(pk=pk, member_id=owner)
        .first()
    )
    if item is None:
        raise Http404
    return item


def mutual_claim_get_for_user(*, user: Any, id: Any) -> MutualClaim:
    pk, owner = _as_int(id), _owner_id(user)
    if pk is None or owner is None:
        raise Http404
    item = (
        MutualClaim.objects.select_related("enrolment", "enrolment__plan")
        .prefetch_related("documents")
        .filter(pk=pk, enrolment__member_id=owner)
        .first()
    )
    if item is None:
        raise Http404
    return item


def claim_document_get_for_user(*, user: Any, id: Any) -> ClaimDocument:
    pk, owner = _as_int(id), _owner_id(user)
    document = (
        ClaimDocument.objects.filter(pk=pk, claim__enrolment__member_id=owner).first()
        if pk is not None and owner is not None
        else None
    )
    if document is None:
        raise Http404
    return document


def mutual_enrolment_list_for_staff(*, user: Any) -> QuerySet[MutualEnrolment]:
    return MutualEnrolment.objects.filter(
        organization_scope_q(user, Action.AID_VERIFY)
    ).select_related("plan", "member", "organization", "region")


def mutual_claim_list_for_staff(*, user: Any) -> QuerySet[MutualClaim]:
    return MutualClaim.objects.filter(
        organization_scope_q(user, Action.AID_VERIFY, field="enrolment__organization")
    ).select_related("enrolment__plan", "enrolment__member", "enrolment__region")


def mutual_plan_list_for_staff(*, user: Any) -> QuerySet[MutualPlan]:
    return MutualPlan.objects.filter(region_scope_q(user, Action.AID_APPROVE)).select_related(
        "region"
    )


# --- the member's data export (accounts.selectors.privacy) ---------------------------------


def aid_personal_data(user: Any) -> dict:
    applications = [
        {
            "number": a.number,
            "status": a.get_status_display(),
            "reason": a.get_reason_display(),
            "family_size": a.family_size,
            "monthly_income": str(a.monthly_income),
            "family_situation": a.family_situation,
            "created_at": a.created_at.isoformat(),
            "disbursements": [
                {
                    "form": d.get_form_display(),
                    "amount": str(d.amount),
                    "disbursed_on": d.disbursed_on.isoformat(),
                }
                for d in a.disbursements.all()
            ],
        }
        for a in hardship_application_list_for_member(user=user).prefetch_related("disbursements")
    ]
    enrolments = [
        {
            "plan": str(e.plan),
            "status": e.get_status_display(),
            "payer": e.get_payer_display(),
            "claims": [
                {
                    "number": c.number,
                    "status": c.get_status_display(),
                    "amount_claimed": str(c.amount_claimed),
                    "approved_amount": str(c.approved_amount) if c.approved_amount else None,
                }
                for c in e.claims.all()
            ],
        }
        for e in mutual_enrolment_list_for_member(user=user).prefetch_related("claims")
    ]
    return {"hardship_applications": applications, "mutual_enrolments": enrolments}
