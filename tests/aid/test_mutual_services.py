"""职工互助保障 through its services and the database: one live enrolment per plan, claims
within cover however they are approved, the member's notices, the staff's scope."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from aid.models import ClaimStatus, EnrolmentStatus, MutualClaim, MutualEnrolment, Payer
from aid.services import mutual
from core.models import AuditLog, Notification
from tests.aid.factories import active_enrolment, claim, make_plan

pytestmark = pytest.mark.django_db


def test_enrol_pay_claim_review_pay_out(aid_world):
    w = aid_world
    enrolment = mutual.mutual_enrol(
        member=w.member,
        plan=w.plan,
        payer=Payer.EMPLOYER,
        employer_name="石家庄重型装备制造有限公司",
        today=date(2026, 3, 1),
    )
    assert enrolment.status == EnrolmentStatus.PENDING
    with pytest.raises(ValidationError, match="尚未生效"):
        claim(w, enrolment)
    mutual.mutual_enrolment_confirm_payment(actor=w.officer, enrolment=enrolment)
    filed = claim(w, enrolment, amount="12000")
    assert filed.documents.count() == 1 and filed.cover_limit == Decimal("30000.00")
    mutual.mutual_claim_approve(
        actor=w.county_editor, claim=filed, amount="10000", note="按规定比例核定"
    )
    mutual.mutual_claim_pay(actor=w.county_editor, claim=filed)
    filed.refresh_from_db()
    enrolment.refresh_from_db()
    assert filed.status == ClaimStatus.PAID and filed.approved_amount == Decimal("10000.00")
    assert enrolment.committed_total == Decimal("10000.00")
    assert Notification.objects.filter(user=w.member, kind="aid.mutual").count() == 5
    assert set(
        AuditLog.objects.filter(action__startswith="aid.").values_list("action", flat=True)
    ) == {"aid.enrolment.confirm_payment", "aid.claim.approve", "aid.claim.pay"}


def test_second_live_enrolment_is_refused_by_the_service_and_by_the_database(aid_world):
    w = aid_world
    first = active_enrolment(w)
    with pytest.raises(ValidationError, match="已参加"):
        mutual.mutual_enrol(member=w.member, plan=w.plan, payer=Payer.SELF, today=date(2026, 3, 2))
    with pytest.raises(IntegrityError), transaction.atomic():
        MutualEnrolment.objects.create(
            plan=w.plan,
            member=w.member,
            organization=first.organization,
            region=first.region,
            payer=Payer.SELF,
            premium=first.premium,
            cover_limit=first.cover_limit,
            starts_on=first.starts_on,
            ends_on=first.ends_on,
            status=EnrolmentStatus.ACTIVE,
        )
    # another plan, or the same plan after a cancelled enrolment, is fine
    other = make_plan(name="职工意外伤害互助保障", kind="accident", cover="50000")
    assert mutual.mutual_enrol(member=w.member, plan=other, payer=Payer.SELF).pk


def test_a_cancelled_enrolment_frees_the_place(aid_world):
    w = aid_world
    pending = mutual.mutual_enrol(member=w.member, plan=w.plan, payer=Payer.SELF)
    with pytest.raises(ValidationError, match="不是您的"):
        mutual.mutual_enrolment_cancel(member=w.other_member, enrolment=pending)
    mutual.mutual_enrolment_cancel(member=w.member, enrolment=pending)
    assert mutual.mutual_enrol(member=w.member, plan=w.plan, payer=Payer.SELF).pk != pending.pk


def test_claims_above_cover_are_refused(aid_world):
    w = aid_world
    enrolment = active_enrolment(w)
    with pytest.raises(ValidationError, match="剩余保障额度"):
        claim(w, enrolment, amount="30000.01")
    with pytest.raises(ValidationError, match="大于0"):
        claim(w, enrolment, amount="0")
    first = claim(w, enrolment, amount="20000")
    second = claim(w, enrolment, amount="15000")
    mutual.mutual_claim_approve(actor=w.city_editor, claim=first, amount="20000")
    with pytest.raises(ValidationError, match="最多还能核准10000"):
        mutual.mutual_claim_approve(actor=w.city_editor, claim=second, amount="15000")
    mutual.mutual_claim_approve(actor=w.city_editor, claim=second, amount="10000")
    enrolment.refresh_from_db()
    assert enrolment.committed_total == enrolment.cover_limit


def test_the_database_refuses_amounts_around_the_service(aid_world):
    w = aid_world
    enrolment = active_enrolment(w)
    filed = claim(w, enrolment)
    with pytest.raises(IntegrityError), transaction.atomic():
        MutualClaim.objects.filter(pk=filed.pk).update(amount_claimed=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        MutualClaim.objects.filter(pk=filed.pk).update(
            status=ClaimStatus.APPROVED, approved_amount=Decimal("30000.01")
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        MutualEnrolment.objects.filter(pk=enrolment.pk).update(committed_total=Decimal("30001"))


def test_review_is_scoped_and_ordered(aid_world):
    w = aid_world
    enrolment = active_enrolment(w)
    filed = claim(w, enrolment)
    with pytest.raises(ValidationError, match="长安区"):
        mutual.mutual_claim_approve(actor=w.langfang_editor, claim=filed, amount="100")
    with pytest.raises(ValidationError, match="长安区"):
        mutual.mutual_claim_approve(actor=w.officer, claim=filed, amount="100")
    with pytest.raises(ValidationError, match="不能登记赔付"):
        mutual.mutual_claim_pay(actor=w.city_editor, claim=filed)
    with pytest.raises(ValidationError, match="超过申请金额"):
        mutual.mutual_claim_approve(actor=w.city_editor, claim=filed, amount="12000.01")
    mutual.mutual_claim_refuse(actor=w.city_editor, claim=filed, reason="门诊费用不在住院保障范围")
    filed.refresh_from_db()
    assert filed.status == ClaimStatus.REFUSED
    with pytest.raises(ValidationError, match="未通过"):
        mutual.mutual_claim_approve(actor=w.city_editor, claim=filed, amount="100")
    with pytest.raises(ValidationError, match="只有"):
        mutual.mutual_enrolment_confirm_payment(
            actor=w.langfang_editor,
            enrolment=mutual.mutual_enrol(member=w.other_member, plan=w.plan, payer=Payer.SELF),
        )


def test_incident_outside_the_cover_period_is_refused(aid_world):
    w = aid_world
    enrolment = active_enrolment(w)
    with pytest.raises(ValidationError, match="不在保障期"):
        mutual.mutual_claim_file(
            member=w.member,
            enrolment=enrolment,
            incident_date=date(2026, 2, 1),
            amount_claimed="100",
            description="二月份住院的费用申请互助金。",
            today=date(2026, 6, 1),
        )
    assert not MutualClaim.objects.exists()


def test_a_closed_plan_takes_no_new_enrolments_but_keeps_the_old(aid_world):
    w = aid_world
    kept = active_enrolment(w)
    with pytest.raises(ValidationError, match="不能停止"):
        mutual.mutual_plan_close(actor=w.langfang_editor, plan=w.plan)
    mutual.mutual_plan_close(actor=w.province_admin, plan=w.plan)
    with pytest.raises(ValidationError, match="停止参保"):
        mutual.mutual_enrol(member=w.other_member, plan=w.plan, payer=Payer.SELF)
    kept.refresh_from_db()
    assert kept.status == EnrolmentStatus.ACTIVE
